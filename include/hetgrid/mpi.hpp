// hetgrid/mpi.hpp: the run-time instantiator over Boost.MPI (docs/CONTRACT.md section 3): the
// executor of executor.hpp with MPI_Comm_split as its split primitive. One split per plan round,
// none for groups of one rank (MPI_COMM_SELF) or of the whole job (the job's communicator).
// rank_groups builds group-locally by default instead (mpi/group_local.hpp).
#pragma once

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/exception.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "hetgrid/executor.hpp"
#include "hetgrid/hetgrid.hpp"
#include "hetgrid/mpi/group_local.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::mpi {

using communicator = boost::mpi::communicator;

// Communicators are owned through Boost.MPI's reference counting: each split result is taken
// over at once, so a throw half-way frees what was built, exactly once.
class backend {
 public:
  using handle = boost::mpi::communicator;
  using communicator = boost::mpi::communicator;

  explicit backend(const communicator& world) : world_(world) {}
  int size() const { return world_.size(); }
  int rank() const { return world_.rank(); }
  // Boost.MPI makes MPI return its errors (MPI_ERRORS_RETURN), so a split MPI refuses throws;
  // the error then names the module and kind it was for.
  handle split(const class_request* request, int color, int key) {
    try {
      return world_.split(color < 0 ? MPI_UNDEFINED : color, key);
    } catch (const boost::mpi::exception& e) {
      const std::string what =
          request ? "the " + std::string(request->module_name) + ":" +
                        std::string(request->slot_name) + " groups (split round " +
                        std::to_string(request->round) + ")"
                  : "a split round that gives this rank no group";
      throw std::runtime_error("hetgrid: MPI_Comm_split for " + what + " failed: " + e.what());
    }
  }
  handle self(const class_request&) { return {MPI_COMM_SELF, boost::mpi::comm_attach}; }
  handle world(const class_request&) { return world_; }
  communicator group(handle& h, const rank_group&) { return h; }
  const communicator& job() const { return world_; }

 private:
  communicator world_;
};
static_assert(split_backend<backend>);

template <construction How, const auto& Plan>
using backend_for =
    std::conditional_t<How == construction::split_rounds, backend, group_local<Plan, backend>>;

// Group-local by default: faster than the split rounds at every world measured (BENCHMARKS.md).
template <class Topology, plan_options Options = plan_options{},
          construction How = construction::group_local>
class rank_groups
    : public plan_executor<backend_for<How, plan_of<Topology, Options>>, plan_of<Topology, Options>,
                           Topology> {
  using made_by = backend_for<How, plan_of<Topology, Options>>;
  using base = plan_executor<made_by, plan_of<Topology, Options>, Topology>;

 public:
  using topology = Topology;
  static constexpr construction how = How;

  template <class AfterRound = void (*)(int)>
  explicit rank_groups(const communicator& world, AfterRound after_round = [](int) {})
      : base(made_by(world), after_round) {}

  // MPI_Comm_split calls over the whole job; MPI_Comm_create_group calls of this rank.
  static constexpr int split_calls() {
    return How == construction::split_rounds ? base::split_calls() : 0;
  }
  int create_group_calls() const {
    return How == construction::group_local ? group_local_calls<base::plan>(this->rank()) : 0;
  }

  const communicator& world() const { return this->backend().job(); }
};

}  // namespace hetgrid::mpi

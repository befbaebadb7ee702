// hetgrid/mpi.hpp: the run-time instantiator over Boost.MPI (docs/CONTRACT.md section 3): the
// executor of executor.hpp with MPI_Comm_split as its split primitive. One split per plan round,
// none for groups of one rank (MPI_COMM_SELF) or of the whole job (the job's communicator).
// rank_groups builds group-locally by default instead (mpi/group_local.hpp). Each split or
// creation is watched by the groups' watchdog (mpi/watchdog.hpp), and so is every collective or
// message a program runs through watched(): none of them hangs past the timeout.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/exception.hpp>
#include <concepts>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hetgrid/executor.hpp"
#include "hetgrid/hetgrid.hpp"
#include "hetgrid/mpi/group_local.hpp"
#include "hetgrid/mpi/launch_check.hpp"
#include "hetgrid/mpi/watchdog.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::mpi {

using communicator = boost::mpi::communicator;

// How rank_groups watches its MPI operations (the plan's shape is a template argument).
struct rank_groups_options {
  watchdog_options watch{};
};

// Communicators are owned through Boost.MPI's reference counting: each split result is taken
// over at once, so a throw half-way frees what was built, exactly once.
class backend {
 public:
  using handle = boost::mpi::communicator;
  using communicator = boost::mpi::communicator;

  explicit backend(const communicator& world, watchdog_options watch = {})
      : world_(world), watchdog_(std::make_shared<mpi::watchdog>(std::move(watch))) {
    if (MPI_Comm(world_) == MPI_COMM_NULL) return;  // every split is then refused (and says so)
    job_size_ = world_.size();
    watchdog_->set_identity(detail::rank_identity(world_.rank(), detail::host_name()));
  }
  int size() const { return world_.size(); }
  int rank() const { return world_.rank(); }
  // Watched: a split is a collective of the whole job. Boost.MPI makes MPI return its errors
  // (MPI_ERRORS_RETURN), so a split MPI refuses throws; the error then names the module and
  // kind it was for.
  handle split(const class_request* request, int color, int key) {
    const std::string job = " over the job's " + std::to_string(job_size_) + " ranks";
    const watched_group watched(
        request ? std::string(request->module_name) + ":" + std::string(request->slot_name) +
                      " (split round " + std::to_string(request->round) + job + ")"
                : "none (a split round" + job + " that gives this rank no group)");
    try {
      const watchdog::guard armed = watchdog_->arm(watched, "MPI_Comm_split");
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
  mpi::watchdog& watcher() const { return *watchdog_; }

 private:
  communicator world_;
  int job_size_ = 0;
  // Shared, so that the backend stays copyable and the watchdog stays where guards point.
  std::shared_ptr<mpi::watchdog> watchdog_;
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

  template <std::invocable<int> AfterRound = void (*)(int)>
  explicit rank_groups(const communicator& world, AfterRound after_round = [](int) {})
      : rank_groups(world, rank_groups_options{}, after_round) {}
  template <std::invocable<int> AfterRound = void (*)(int)>
  rank_groups(const communicator& world, rank_groups_options options,
              AfterRound after_round = [](int) {})
      // A copy, not a move, for the backend: the order of the two arguments is unspecified.
      : base(made_by(check_launch<Topology>(world, options.watch), options.watch), after_round),
        watched_(label_groups()) {}

  // MPI_Comm_split calls over the whole job; MPI_Comm_create_group calls of this rank.
  static constexpr int split_calls() {
    return How == construction::split_rounds ? base::split_calls() : 0;
  }
  int create_group_calls() const {
    return How == construction::group_local ? group_local_calls<base::plan>(this->rank()) : 0;
  }

  const communicator& world() const { return this->backend().job(); }

  // This rank's group of module `module` in slot `slot` as a watched_comm, for the program's
  // own collectives and messages on it; null where the rank holds none.
  const watched_comm* watched(int module, int slot) const {
    if (module < 0 || module >= Topology::module_count || slot < 0 ||
        slot >= base::plan.slot_count())
      return nullptr;
    const auto& held = watched_->comms[module * base::plan.slot_count() + slot];
    return held ? &*held : nullptr;
  }
  // The whole job, watched.
  const watched_comm& watched_world() const { return *watched_->world; }
  const mpi::watchdog& watcher() const { return this->backend().watcher(); }
  // A communicator of the program's own (e.g. a bridge's share group), watched by the groups'
  // watchdog under `label`; `label` must outlive what the result watches.
  watched_comm watch(MPI_Comm comm, const watched_group& label) const {
    return {comm, &this->backend().watcher(), &label};
  }

 private:
  // The labels and watched communicators of this rank's groups, made once: guards point at them.
  struct watched_groups {
    std::vector<std::unique_ptr<watched_group>> labels;
    std::vector<std::optional<watched_comm>> comms;  // [module * slot_count + slot]
    std::optional<watched_comm> world;
  };

  std::shared_ptr<const watched_groups> label_groups() {
    constexpr auto& plan = base::plan;
    auto made = std::make_shared<watched_groups>();
    mpi::watchdog* dog = &this->backend().watcher();
    made->comms.resize(static_cast<std::size_t>(Topology::module_count * plan.slot_count()));
    for (int m = 0; m < Topology::module_count; ++m) {
      const auto* collection = this->modules().module(m);
      if (collection == nullptr) continue;
      for (int slot = 0; slot < plan.slot_count(); ++slot) {
        const communicator* comm = collection->slot(slot);
        const std::optional<rank_group> group = plan.group(m, slot, this->rank());
        if (comm == nullptr || !group) continue;
        const auto& label = made->labels.emplace_back(std::make_unique<watched_group>(
            std::string(plan.module_grid(m).name()) + ":" +
            std::string(plan.description.slot_name(slot)) + " (" +
            detail::rank_list(*group, group->size()) + ")"));
        made->comms[m * plan.slot_count() + slot].emplace(MPI_Comm(*comm), dog, label.get());
      }
    }
    const auto& world_label = made->labels.emplace_back(std::make_unique<watched_group>(
        "world (the job's " + std::to_string(this->backend().size()) + " ranks)"));
    made->world.emplace(MPI_Comm(this->backend().job()), dog, world_label.get());
    return made;
  }

  std::shared_ptr<const watched_groups> watched_;
};

}  // namespace hetgrid::mpi

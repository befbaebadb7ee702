// hetgrid/mpi.hpp: the run-time instantiator over Boost.MPI (SPEC section 3). From the job's
// communicator and a topology type it builds what this rank needs, by executing the split plan:
// one MPI_Comm_split per plan round, none for groups of one rank or of the whole job.
#pragma once

#include <array>
#include <boost/mpi/communicator.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "hetgrid/hetgrid.hpp"
#include "hetgrid/process_groups.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid {

// Every rank sees the same sizes, so every rank throws, and none waits in a collective.
inline void check_world_size(int job_ranks, int topology_world) {
  if (job_ranks == topology_world) return;
  throw topology_error(error_kind::world,
                       "world: the job has " + std::to_string(job_ranks) +
                           " ranks but the topology is compiled for a world of " +
                           std::to_string(topology_world) + " ranks");
}

namespace mpi {

using communicator = boost::mpi::communicator;

// The groups of one rank. Communicators are owned through Boost.MPI's reference counting: each
// split result is taken over at once, so a throw half-way frees what was built, exactly once.
template <class Topology, plan_options Options = plan_options{}>
class rank_groups {
 public:
  static constexpr auto& plan = plan_of<Topology, Options>;
  static constexpr int module_count = Topology::module_count;

  // `after_round(round)` runs after each split round: a hook for tests and tracing.
  template <class AfterRound = void (*)(int)>
  explicit rank_groups(const communicator& world, AfterRound after_round = [](int) {})
      : world_(world), rank_(world.rank()) {
    check_world_size(world.size(), Topology::world);
    for (int round = 0; round < plan.round_count; ++round) {
      const int color = plan.color(round, rank_);
      communicator part = world_.split(color == plan.undefined_color ? MPI_UNDEFINED : color,
                                       plan.key(rank_));
      if (const int id = plan.class_in_round(round, rank_); id >= 0) by_class_[id] = part;
      after_round(round);
    }
    for (int id = 0; id < plan.class_count; ++id) {
      if (plan.classes[id].source == class_source::self)
        by_class_[id] = communicator(MPI_COMM_SELF, boost::mpi::comm_attach);
      else if (plan.classes[id].source == class_source::world)
        by_class_[id] = world_;
    }
    groups_ = detail::collect_groups<communicator>(
        plan, Topology::language_index, rank_,
        [&](int id, const rank_group&) { return *by_class_[id]; });
  }

  const multi_module_groups<communicator, module_count>& modules() const { return groups_; }
  const process_groups<communicator>* language() const { return groups_.language(); }
  const process_groups<communicator>* module(std::string_view name) const {
    return groups_.module(name);
  }
  template <class Module>
  const process_groups<communicator>* module() const {
    return groups_.module(Module::name);
  }
  rank_role<module_count> role() const { return Topology::role(rank_); }
  const communicator& world() const { return world_; }

  // The groups this rank is in, and the distinct communicators behind them.
  int group_count() const { return plan.counts(rank_).groups; }
  int communicator_count() const { return plan.counts(rank_).communicators; }
  static constexpr int split_calls() { return plan.round_count; }

 private:
  communicator world_;
  int rank_;
  std::array<std::optional<communicator>, plan.max_classes> by_class_{};
  multi_module_groups<communicator, module_count> groups_;
};

}  // namespace mpi
}  // namespace hetgrid

// hetgrid/nccl/rank_groups.hpp: the NCCL instantiator. Executes the same split plan as the MPI
// one: one ncclCommSplit of the world communicator per plan round (a rank with nothing to gain
// from a round passes NCCL_SPLIT_NOCOLOR), the world communicator itself for groups of the whole
// job, and, by default, a communicator made locally and only on first use for a group of one.
#pragma once

#include <array>
#include <boost/mpi/communicator.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "hetgrid/hetgrid.hpp"
#include "hetgrid/mpi.hpp"
#include "hetgrid/nccl/bootstrap.hpp"
#include "hetgrid/nccl/comm.hpp"
#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/nccl/watchdog.hpp"  // issue 14: watchdog hook
#include "hetgrid/process_groups.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::nccl {

namespace detail {

// One distinct communicator of this rank, with the stream handed out beside it.
struct comm_slot {
  ncclComm_t comm = nullptr;  // what users get; the world's is not owned here
  owned_comm owned;
  owned_stream stream;
  bool lazy = false;  // a group of one, made on first use
  comm_settings settings;
  std::string name;
  double timeout_s = 0;
  watchdog::handle watch;  // issue 14: watchdog hook

  // issue 14: watchdog hook: a stall while finalizing is still caught; the comm is not aborted.
  ~comm_slot() {
    watch.closing();
    owned.reset();
    watch.release();
  }

  ncclComm_t get() {
    if (comm == nullptr && lazy) {
      ncclUniqueId id{};
      check(ncclGetUniqueId(&id), "ncclGetUniqueId(" + name + ")");
      ncclConfig_t config = make_config(settings, name.c_str());
      ncclComm_t made = nullptr;
      check(ncclCommInitRankConfig(&made, 1, id, 0, &config), "ncclCommInitRankConfig(" + name + ")");
      await_ready(made, deadline_after(timeout_s), name, timeout_s);
      owned = owned_comm(made);
      comm = made;
      watch.set_comm(made);  // issue 14: watchdog hook
    }
    return comm;
  }
};

inline int stream_priority(bool high) {
  int least = 0, greatest = 0;
  check_cuda(cudaDeviceGetStreamPriorityRange(&least, &greatest),
             "cudaDeviceGetStreamPriorityRange");
  return high ? greatest : least;
}

}  // namespace detail

// A group's communicator as a rank sees it. Not owning: rank_groups owns it. A group of one may
// be made on the first get(), so get() is not safe to call from two threads at once.
class group_comm {
 public:
  group_comm() = default;
  group_comm(detail::comm_slot* slot, int rank, int size) : slot_(slot), rank_(rank), size_(size) {}

  ncclComm_t get() const { return slot_->get(); }
  cudaStream_t stream() const { return slot_->stream.get(); }
  int rank() const { return rank_; }  // position in the SPEC enumeration
  int size() const { return size_; }
  bool created() const { return slot_->comm != nullptr; }
  // Equal for groups that share one communicator.
  const void* identity() const { return slot_; }
  const comm_settings& settings() const { return slot_->settings; }

 private:
  detail::comm_slot* slot_ = nullptr;
  int rank_ = 0;
  int size_ = 0;
};

template <class Topology, settings_table Settings = settings_table{},
          build_options Options = build_options{}>
class rank_groups {
  static constexpr plan_options plan_options_of{
      Options.reuse_world, Options.singleton_policy == singletons::eager_split, Settings.of_slot};

 public:
  static constexpr auto& plan = plan_of<Topology, plan_options_of>;
  static constexpr int module_count = Topology::module_count;

  // split_parent: the communicator to split off (non-blocking, so that each split is polled with
  // the deadline); null: nccl_world itself. watch: the steady-state watchdog (watchdog.hpp).
  rank_groups(const boost::mpi::communicator& mpi_world, ncclComm_t nccl_world,
              double timeout_s = 60.0, ncclComm_t split_parent = nullptr,  // issue 14 hook
              watchdog_options watch = {})                                 // issue 14 hook
      : rank_(mpi_world.rank()) {
    const ncclComm_t parent = split_parent != nullptr ? split_parent : nccl_world;  // issue 14
    if (!watch.on_failure) watch.on_failure = abort_mpi_job;  // issue 14: watchdog hook
    watchdog_.configure(std::move(watch));                    // issue 14: watchdog hook
    check_world_size(mpi_world.size(), Topology::world);
    int nccl_ranks = 0;
    detail::check(ncclCommCount(nccl_world, &nccl_ranks), "ncclCommCount(world)");
    check_world_size(nccl_ranks, Topology::world);

    for (int id = 0; id < plan.class_count; ++id) {
      if (!holds(id)) continue;
      const group_class& c = plan.classes[id];
      auto slot = std::make_unique<detail::comm_slot>();
      slot->settings = Settings.entries[c.setting];
      slot->name = "hetgrid:" + std::string(Topology::grids[c.module].name()) + ":" +
                   std::string(slot_name(c.slot));
      slot->timeout_s = timeout_s;
      slot->lazy = c.source == class_source::self;
      if (c.source == class_source::world) slot->comm = nccl_world;
      slot->stream = owned_stream(detail::stream_priority(slot->settings.high_priority));
      slot->watch = watchdog_.watch(slot->name, slot->stream.get(), slot->comm);  // issue 14 hook
      by_class_[id] = std::move(slot);
    }

    const auto deadline = detail::deadline_after(timeout_s);
    for (int round = 0; round < plan.round_count; ++round) {
      const int color = plan.color(round, rank_);
      const int id = plan.class_in_round(round, rank_);
      detail::comm_slot* slot = id >= 0 ? by_class_[id].get() : nullptr;
      ncclConfig_t config = detail::make_config(slot ? slot->settings : comm_settings{},
                                                slot ? slot->name.c_str() : "hetgrid:none");
      ncclComm_t child = nullptr;
      const std::string what = slot ? slot->name : "split round " + std::to_string(round);
      detail::check(ncclCommSplit(parent,  // issue 14: was nccl_world
                                  color == plan.undefined_color ? NCCL_SPLIT_NOCOLOR : color,
                                  plan.key(rank_), &child, &config),
                    "ncclCommSplit(" + what + ")");
      // A non-blocking split may fill in the child only as the parent's part completes.
      detail::await_ready(parent, deadline, "world (splitting " + what + ")", timeout_s,  // issue 14: was nccl_world
                          false);  // the world communicator is the bootstrap's
      detail::await_ready(child, deadline, what, timeout_s);
      if (color != plan.undefined_color && child == nullptr)
        throw error(ncclInternalError, "nccl: ncclCommSplit(" + what + ") gave no communicator");
      if (slot == nullptr) {  // cannot happen with a consistent plan; never leak it
        owned_comm stray(child);
        continue;
      }
      slot->owned = owned_comm(child);
      slot->comm = child;
      slot->watch.set_comm(child);  // issue 14: watchdog hook
    }
    groups_ = hetgrid::detail::collect_groups<group_comm>(
        plan, Topology::language_index, rank_, [&](int id, const rank_group& group) {
          return group_comm(by_class_[id].get(), group.index_of(rank_), group.size());
        });
  }

  rank_groups(const bootstrap& boot, double timeout_s = 60.0,
              watchdog_options watch = {})  // issue 14 hook
      : rank_groups(boot.mpi_world(), boot.nccl_world(), timeout_s, boot.split_parent(),
                    std::move(watch)) {}

  const multi_module_groups<group_comm, module_count>& modules() const { return groups_; }
  const process_groups<group_comm>* language() const { return groups_.language(); }
  const process_groups<group_comm>* module(std::string_view name) const {
    return groups_.module(name);
  }
  rank_role<module_count> role() const { return Topology::role(rank_); }

  int group_count() const { return plan.counts(rank_).groups; }
  // Distinct (members, settings) pairs among this rank's groups.
  int communicator_count() const { return plan.counts(rank_).communicators; }
  // Communicators this object has made so far (lazy ones count once asked for; the world's not).
  int created_count() const {
    int n = 0;
    for (const auto& slot : by_class_) n += slot && slot->owned ? 1 : 0;
    return n;
  }
  static constexpr int split_calls() { return plan.round_count; }
  const nccl::watchdog& watcher() const { return watchdog_; }  // issue 14 hook

 private:
  bool holds(int id) const {
    for (int m = 0; m < module_count; ++m)
      for (int s = 0; s < slot_count; ++s)
        if (plan.class_of[m][s] == id && plan.group(m, s, rank_)) return true;
    return false;
  }

  int rank_;
  nccl::watchdog watchdog_;  // issue 14 hook: before by_class_, so that it outlives the slots
  std::array<std::unique_ptr<detail::comm_slot>, plan.max_classes> by_class_{};
  multi_module_groups<group_comm, module_count> groups_;
};

}  // namespace hetgrid::nccl

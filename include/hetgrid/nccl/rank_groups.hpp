// hetgrid/nccl/rank_groups.hpp: the NCCL instantiator: executor.hpp's executor over an NCCL
// backend: one ncclCommSplit of the world communicator per plan round (a rank with nothing to
// gain from a round passes NCCL_SPLIT_NOCOLOR), the world communicator itself for groups of the
// whole job, and, by default, a communicator made locally and only on first use for a group of
// one.
#pragma once

#include <array>
#include <boost/mpi/communicator.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "hetgrid/hetgrid.hpp"
#include "hetgrid/executor.hpp"
#include "hetgrid/nccl/bootstrap.hpp"
#include "hetgrid/nccl/comm.hpp"
#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/nccl/watchdog.hpp"
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
  watchdog::handle watch;

  // A stall while finalizing is still caught by the watchdog; the comm is not aborted twice.
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
      watch.set_comm(made);
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
  int rank() const { return rank_; }  // position in the enumeration
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

// The NCCL backend of the executor: ncclCommSplit of the world communicator as the split
// primitive, the world communicator itself for whole-job groups, a lazily made local
// communicator for groups of one. Each class gets a comm_slot (communicator, stream, settings).
class backend {
 public:
  using handle = std::unique_ptr<detail::comm_slot>;
  using communicator = group_comm;

  // split_parent: the communicator to split off (non-blocking, so that each split is polled with
  // the deadline); null: nccl_world itself. watch: the steady-state watchdog (watchdog.hpp).
  backend(int mpi_ranks, int rank, ncclComm_t nccl_world, ncclComm_t split_parent,
          const settings_table& settings, double timeout_s, watchdog_options watch)
      : mpi_ranks_(mpi_ranks), rank_(rank), world_(nccl_world),
        parent_(split_parent != nullptr ? split_parent : nccl_world), settings_(settings),
        timeout_s_(timeout_s), deadline_(detail::deadline_after(timeout_s)),
        watchdog_(std::make_unique<nccl::watchdog>()) {
    if (!watch.on_failure) watch.on_failure = abort_mpi_job;
    watchdog_->configure(std::move(watch));
    int nccl_ranks = 0;
    detail::check(ncclCommCount(nccl_world, &nccl_ranks), "ncclCommCount(world)");
    if (nccl_ranks != mpi_ranks)
      throw error(ncclInvalidArgument, "nccl: the world communicator has " +
                                           std::to_string(nccl_ranks) + " ranks, MPI has " +
                                           std::to_string(mpi_ranks));
  }

  int size() const { return mpi_ranks_; }
  int rank() const { return rank_; }

  handle split(const class_request* request, int color, int key) {
    handle slot = request ? make_slot(*request) : nullptr;
    const std::string what = slot ? slot->name : "a split round";
    ncclConfig_t config = detail::make_config(slot ? slot->settings : comm_settings{},
                                              slot ? slot->name.c_str() : "hetgrid:none");
    owned_comm child =
        detail::split_bounded(parent_, color, key, config, deadline_, timeout_s_, what);
    if (!slot) return nullptr;  // no class this round (NOCOLOR): no child, or one freed here
    slot->comm = child.get();
    slot->owned = std::move(child);
    slot->watch.set_comm(slot->comm);
    return slot;
  }
  handle self(const class_request& request) {
    handle slot = make_slot(request);
    slot->lazy = true;
    return slot;
  }
  handle world(const class_request& request) {
    handle slot = make_slot(request);
    slot->comm = world_;
    slot->watch.set_comm(world_);
    return slot;
  }
  communicator group(handle& slot, const rank_group& g) {
    return group_comm(slot.get(), g.index_of(rank_), g.size());
  }

 private:
  handle make_slot(const class_request& request) const {
    auto slot = std::make_unique<detail::comm_slot>();
    slot->settings = settings_.of_tag(request.tag);
    slot->name = "hetgrid:" + std::string(request.module_name) + ":" +
                 std::string(request.slot_name);
    slot->timeout_s = timeout_s_;
    slot->stream = owned_stream(detail::stream_priority(slot->settings.high_priority));
    slot->watch = watchdog_->watch(slot->name, slot->stream.get(), slot->comm);
    return slot;
  }

  int mpi_ranks_, rank_;
  ncclComm_t world_, parent_;
  settings_table settings_;
  double timeout_s_;
  detail::clock::time_point deadline_;
  // On the heap, so that the slots' handles stay valid as the backend moves into the executor;
  // the executor destroys its handles (the slots) before its backend, so this outlives them.
  std::unique_ptr<nccl::watchdog> watchdog_;

 public:
  const nccl::watchdog& watcher() const { return *watchdog_; }
};
static_assert(split_backend<backend>);

namespace detail {
constexpr plan_options nccl_plan_options(const settings_table& settings,
                                         const build_options& options) {
  return {options.reuse_world, options.singleton_policy == singletons::eager_split,
          settings.tags};
}
}  // namespace detail

template <class Topology, settings_table Settings = settings_table{},
          build_options Options = build_options{}>
class rank_groups
    : public plan_executor<backend, plan_of<Topology, detail::nccl_plan_options(Settings, Options)>,
                           Topology> {
  using base = plan_executor<backend,
                             plan_of<Topology, detail::nccl_plan_options(Settings, Options)>,
                             Topology>;

 public:
  // The world size is checked before anything collective happens. split_parent: the
  // non-blocking communicator to split off (null: nccl_world); watch: the watchdog's options.
  rank_groups(const boost::mpi::communicator& mpi_world, ncclComm_t nccl_world,
              double timeout_s = 60.0, ncclComm_t split_parent = nullptr,
              watchdog_options watch = {})
      : base(make_backend(mpi_world, nccl_world, split_parent, timeout_s, std::move(watch))) {}

  rank_groups(const bootstrap& boot, double timeout_s = 60.0, watchdog_options watch = {})
      : rank_groups(boot.mpi_world(), boot.nccl_world(), timeout_s, boot.split_parent(),
                    std::move(watch)) {}

  // Communicators this object has made so far (lazy ones count once asked for; the world's not).
  int created_count() const {
    int n = 0;
    for (const auto& slot : this->handles()) n += slot && *slot && (*slot)->owned ? 1 : 0;
    return n;
  }
  const nccl::watchdog& watcher() const { return this->backend().watcher(); }

 private:
  static backend make_backend(const boost::mpi::communicator& mpi_world, ncclComm_t nccl_world,
                              ncclComm_t split_parent, double timeout_s, watchdog_options watch) {
    check_world_size(mpi_world.size(), Topology::world);
    return backend(mpi_world.size(), mpi_world.rank(), nccl_world, split_parent, Settings,
                   timeout_s, std::move(watch));
  }
};

}  // namespace hetgrid::nccl

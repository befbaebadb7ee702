// hetgrid/nccl/rank_groups.hpp: the NCCL instantiator: executor.hpp's executor over an NCCL
// backend: one ncclCommSplit of the world communicator per plan round (a rank with nothing to
// gain from a round passes NCCL_SPLIT_NOCOLOR), the world communicator itself for groups of the
// whole job, and, by default, a communicator made locally and only on first use for a group of
// one.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hetgrid/executor.hpp"
#include "hetgrid/hetgrid.hpp"
#include "hetgrid/nccl/bootstrap.hpp"
#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/handle.hpp"
#include "hetgrid/nccl/polling.hpp"
#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/nccl/sharing.hpp"
#include "hetgrid/nccl/split.hpp"
#include "hetgrid/nccl/watchdog.hpp"
#include "hetgrid/mpi/launch_check.hpp"
#include "hetgrid/process_groups.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::nccl {

// How rank_groups makes and watches its communicators (the plan's shape is a template argument).
struct rank_groups_options {
  double timeout_s = default_timeout_s;  // creation: all split rounds, each lazy group of one
  watchdog_options watch{};              // the steady state
  // The non-blocking communicator to split off, so that each split is polled with the deadline
  // (the bootstrap's split_parent(); null: the world communicator itself).
  ncclComm_t split_parent = nullptr;
  bool world_high_priority = true;  // world()'s stream: a bridge between modules is latency-bound
};

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

  // A stall while finalizing is still caught by the watchdog; a communicator the watchdog has
  // claimed is its to abort (the process is ending), so it is left alone here.
  ~comm_slot() {
    if (!watch.closing()) (void)owned.release();
    owned.reset();
    watch.release();
  }

  ncclComm_t get() {
    if (comm == nullptr && lazy) {
      ncclUniqueId id{};
      check(ncclGetUniqueId(&id), "ncclGetUniqueId(" + name + ")");
      ncclConfig_t config = make_config(settings, name.c_str());
      ncclComm_t made = nullptr;
      check(ncclCommInitRankConfig(&made, 1, id, 0, &config),
            "ncclCommInitRankConfig(" + name + ")");
      await_ready(made, deadline_after(timeout_s), name, timeout_s);
      owned = owned_comm(made);
      comm = made;
      watch.set_comm(made);
    }
    return comm;
  }
};

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
  const std::string& name() const { return slot_->name; }

 private:
  detail::comm_slot* slot_ = nullptr;
  int rank_ = 0;
  int size_ = 0;
};

// The NCCL backend of the executor: ncclCommSplit of the world communicator as the split
// primitive, the world communicator itself for whole-job groups, a lazily made local
// communicator for groups of one. Each class gets a comm_slot (communicator, stream, settings).
// The job's size and this rank's place are the NCCL world's: the executor checks that size
// against the topology, the one world-size check on this path.
// `shared_rounds[r]`: round r's classes share resources (split_share = 1): they are split off
// a parent of their own, made with splitShare = 1 before the first such round (NCCL reads the
// parent's flag, not the child's); `share_note`: the line rank 0 prints then.
class backend {
 public:
  using handle = std::unique_ptr<detail::comm_slot>;
  using communicator = group_comm;

  backend(ncclComm_t nccl_world, const settings_table& settings, rank_groups_options options,
          std::vector<bool> shared_rounds = {}, std::string share_note = {})
      : world_(nccl_world),
        parent_(options.split_parent != nullptr ? options.split_parent : nccl_world),
        shared_rounds_(std::move(shared_rounds)), share_note_(std::move(share_note)),
        settings_(settings), timeout_s_(options.timeout_s),
        deadline_(detail::deadline_after(options.timeout_s)),
        watchdog_(std::make_unique<nccl::watchdog>()) {
    check(ncclCommCount(nccl_world, &size_), "ncclCommCount(world)");
    check(ncclCommUserRank(nccl_world, &rank_), "ncclCommUserRank(world)");
    if (!options.watch.on_failure) options.watch.on_failure = abort_mpi_job;
    watchdog_->configure(std::move(options.watch));
  }

  int size() const { return size_; }
  int rank() const { return rank_; }

  handle split(const class_request* request, int color, int key) {
    const std::size_t round = rounds_done_++;
    const bool shared = round < shared_rounds_.size() && shared_rounds_[round];
    return split_into(request ? make_slot(*request) : nullptr, shared ? share_parent() : parent_,
                      color, key, deadline_);
  }
  handle self(const class_request& request) {
    handle slot = make_slot(request);
    slot->lazy = true;
    return slot;
  }
  handle world(const class_request& request) {
    return world_slot(make_slot(request));
  }
  // The whole job as a group of its own: the world communicator, a stream, watched.
  handle job(bool high_priority) {
    return world_slot(make_slot("job", "world", comm_settings{.high_priority = high_priority}));
  }
  communicator group(handle& slot, const rank_group& g) {
    return group_comm(slot.get(), g.index_of(rank_), g.size());
  }
  const nccl::watchdog& watcher() const { return *watchdog_; }
  // A communicator beyond the plan's (a bridge's share group), split off the plan's parent and
  // watched like a split round's child, bounded by the creation timeout from now. Collective over
  // the parent: every rank calls it, a negative colour for none (then null).
  handle split_extra(std::string_view module, std::string_view kind, int color, int key) const {
    handle slot = color >= 0 ? make_slot(module, kind, comm_settings{.high_priority = true})
                             : nullptr;
    return split_into(std::move(slot), parent_, color, key, detail::deadline_after(timeout_s_));
  }
  // Whether a parent with splitShare = 1 was made (an extra communicator, never used for work).
  bool has_share_parent() const { return static_cast<bool>(share_parent_); }

 private:
  // Every rank reaches the first sharing round together (the rounds are the plan's, a type), so
  // every rank makes the parent there: one split of the whole job, non-blocking (polled).
  ncclComm_t share_parent() {
    if (!share_parent_) {
      ncclConfig_t config = detail::make_config(comm_settings{.blocking = false},
                                                "hetgrid:share_parent");
      config.splitShare = 1;
      share_parent_ = detail::split_bounded(parent_, 0, rank_, config, deadline_, timeout_s_,
                                            "the sharing parent");
      if (rank_ == 0 && !share_note_.empty()) std::fprintf(stderr, "%s\n", share_note_.c_str());
    }
    return share_parent_.get();
  }
  // One bounded split of `parent` into `slot` (null: this rank gets no group, NOCOLOR).
  handle split_into(handle slot, ncclComm_t parent, int color, int key,
                    detail::clock::time_point deadline) const {
    const std::string what = slot ? slot->name : "a split round";
    ncclConfig_t config = detail::make_config(slot ? slot->settings : comm_settings{},
                                              slot ? slot->name.c_str() : "hetgrid:none");
    owned_comm child = detail::split_bounded(parent, color, key, config, deadline, timeout_s_,
                                             what);
    if (!slot) return nullptr;  // no class this round (NOCOLOR): no child, or one freed here
    slot->comm = child.get();
    slot->owned = std::move(child);
    slot->watch.set_comm(slot->comm);
    return slot;
  }
  handle make_slot(const class_request& request) const {
    return make_slot(request.module_name, request.slot_name, settings_.of_tag(request.tag));
  }
  handle make_slot(std::string_view module, std::string_view slot_name,
                   const comm_settings& settings) const {
    auto slot = std::make_unique<detail::comm_slot>();
    slot->settings = settings;
    slot->name = "hetgrid:" + std::string(module) + ":" + std::string(slot_name);
    slot->timeout_s = timeout_s_;
    slot->stream = make_stream(slot->settings.high_priority);
    slot->watch = watchdog_->watch(slot->name, slot->stream.get(), slot->comm);
    return slot;
  }
  handle world_slot(handle slot) const {
    slot->comm = world_;
    slot->watch.set_comm(world_);
    return slot;
  }

  ncclComm_t world_, parent_;
  std::vector<bool> shared_rounds_;
  std::string share_note_;
  std::size_t rounds_done_ = 0;
  owned_comm share_parent_;  // made before, destroyed after, the children that share it
  int size_ = 0, rank_ = 0;
  settings_table settings_;
  double timeout_s_;
  detail::clock::time_point deadline_;
  // On the heap, so that the slots' handles stay valid as the backend moves into the executor;
  // the executor destroys its handles (the slots) before its backend, so this outlives them.
  std::unique_ptr<nccl::watchdog> watchdog_;
};
static_assert(split_backend<backend>);

namespace detail {
// The plan's options with the settings table's tags: the table is their one source.
constexpr plan_options nccl_plan_options(const settings_table& settings, plan_options options) {
  options.tags = settings.tags;
  return options;
}
}  // namespace detail

template <class Topology, settings_table Settings = settings_table{},
          plan_options Options = plan_options{}>
class rank_groups
    : public plan_executor<backend, plan_of<Topology, detail::nccl_plan_options(Settings, Options)>,
                           Topology> {
  static_assert(Options.tags.count == 0,
                "rank_groups: a group's tag comes from the settings table, not plan_options");
  static constexpr auto& plan_ = plan_of<Topology, detail::nccl_plan_options(Settings, Options)>;
  using base = plan_executor<backend, plan_, Topology>;
  static_assert(detail::no_mixed_round<plan_, Settings>(),
                "rank_groups: a split round holds kinds with split_share = 1 and kinds without "
                "it (they are split off different parents): give those kinds equal split_share");
  static std::vector<bool> shared_rounds() {
    std::vector<bool> rounds;
    for (const auto s : detail::sharing_of_rounds<plan_, Settings>())
      rounds.push_back(s == detail::round_sharing::shared);
    return rounds;
  }

 public:
  // With on_nodes, the launch is checked over the bootstrap's MPI world first (every rank throws
  // the same placement error: mpi/launch_check.hpp), its gather watched with the creation timeout.
  rank_groups(const bootstrap& boot, rank_groups_options options = {})
      : rank_groups(boot.nccl_world(), launch_checked(boot, std::move(options))) {}
  // From a world communicator made elsewhere (options.split_parent: a non-blocking one to split
  // off, else the world itself).
  rank_groups(ncclComm_t nccl_world, rank_groups_options options)
      : base(backend(nccl_world, Settings, options, shared_rounds(),
                     detail::sharing_note(detail::sharing_slots(Settings)))),
        world_slot_(this->backend().job(options.world_high_priority)),
        world_(world_slot_.get(), this->rank(), Topology::world) {}

  // The spellings before rank_groups_options (creation timeout, then the watchdog's options;
  // the MPI world is no longer needed: the NCCL world gives the size and the rank).
  rank_groups(const bootstrap& boot, double timeout_s, watchdog_options watch = {})
      : rank_groups(boot, rank_groups_options{.timeout_s = timeout_s, .watch = std::move(watch)}) {}
  rank_groups(const boost::mpi::communicator&, ncclComm_t nccl_world,
              double timeout_s = default_timeout_s, ncclComm_t split_parent = nullptr,
              watchdog_options watch = {})
      : rank_groups(nccl_world, rank_groups_options{.timeout_s = timeout_s,
                                                    .watch = std::move(watch),
                                                    .split_parent = split_parent}) {}

  // Moving keeps every communicator where it is. Assigning lets go of this object's world group
  // first: it is watched by this object's watchdog, which the base's assignment replaces.
  rank_groups(rank_groups&&) = default;
  rank_groups& operator=(rank_groups&& other) noexcept {
    if (this == &other) return *this;
    world_slot_.reset();
    base::operator=(std::move(other));
    world_slot_ = std::move(other.world_slot_);
    world_ = other.world_;
    return *this;
  }

  // The whole job: the world communicator, on a stream of its own, watched like every group.
  const group_comm& world() const { return world_; }

  // Communicators this object has made so far (lazy ones count once asked for; the world's not).
  int created_count() const {
    int n = 0;
    for (const auto& slot : this->handles()) n += slot && *slot && (*slot)->owned ? 1 : 0;
    return n;
  }
  const nccl::watchdog& watcher() const { return this->backend().watcher(); }
  // backend::split_extra: collective over the job (every rank calls it, colour < 0 for none).
  backend::handle split_extra(std::string_view module, std::string_view kind, int color,
                              int key) const {
    return this->backend().split_extra(module, kind, color, key);
  }
  // Whether some kind's split_share = 1 made a sharing parent (one more communicator, split off
  // the world, never used for work; its children share its resources).
  bool has_share_parent() const { return this->backend().has_share_parent(); }

 private:
  static rank_groups_options launch_checked(const bootstrap& boot, rank_groups_options options) {
    hetgrid::mpi::watchdog_options gather_watch;
    gather_watch.timeout_s = options.timeout_s;
    hetgrid::mpi::check_launch<Topology>(boot.mpi_world(), gather_watch);
    return with_parent(std::move(options), boot.split_parent());
  }
  static rank_groups_options with_parent(rank_groups_options options, ncclComm_t parent) {
    if (options.split_parent == nullptr) options.split_parent = parent;
    return options;
  }

  backend::handle world_slot_;  // destroyed before the base's watchdog, which watches it
  group_comm world_;
};

}  // namespace hetgrid::nccl

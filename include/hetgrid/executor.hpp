// hetgrid/executor.hpp: one executor of split plans for every backend. It checks the world
// size, runs the split rounds, hands out the self and world classes, collects each rank's
// groups and offers the accessors (modules(), language(), module(name), module<M>(), role(),
// counts, a round hook). A backend (mpi.hpp, nccl/rank_groups.hpp, the tests' recorder) only
// says how to make one class's communicator and what a group's communicator looks like.
#pragma once

#include <concepts>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hetgrid/checked_kind.hpp"
#include "hetgrid/detail/rule_facts.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/error.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/process_groups.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/rank_role.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid {

// The job rules of detail/rules.hpp. Every rank sees the same sizes, so every rank throws, and
// none waits in a collective.
inline void check_world_size(int job_ranks, int topology_world) {
#define HETGRID_CHECK_JOB_RULE(kind, holds, facts, words)           \
  if (!detail::holds(job_ranks, topology_world)) {                  \
    detail::rule_message m;                                         \
    detail::facts(m.put(words).put("; "), job_ranks, topology_world); \
    throw topology_error(error_kind::kind, std::string(m.view()));  \
  }
  HETGRID_JOB_RULES(HETGRID_CHECK_JOB_RULE)
#undef HETGRID_CHECK_JOB_RULE
}

// What a backend is told about the one class it makes a communicator for.
struct class_request {
  int id = -1;                   // the plan's class id
  int round = -1;                // the split round, for class_source::split
  class_source source = class_source::split;
  int tag = 0;                   // the plan's opaque tag (kind_tags), for the backend to read
  std::string_view module_name;  // a (module, slot) of the class, to name it in errors
  std::string_view slot_name;
};

// The backend contract. `handle` owns (or shares) one class's communicator; `communicator` is
// what a rank's process_groups hold for one group of that class.
//  - size(): the job's ranks; rank(): this rank's place in the job.
//  - split(request, color, key): one collective round; every rank calls it once per round,
//    with request == nullptr and color == split_plan's undefined_color where it gets nothing.
//  - self(request), world(request): a class of one-rank groups, or of the whole job.
//  - group(handle, group): the communicator of one group of that handle's class.
template <class B>
concept split_backend = requires(B& b, const B& cb, const class_request& r,
                                 const class_request* maybe, typename B::handle& h,
                                 const rank_group& g) {
  typename B::handle;
  typename B::communicator;
  { cb.size() } -> std::convertible_to<int>;
  { cb.rank() } -> std::convertible_to<int>;
  { b.split(maybe, 0, 0) } -> std::same_as<typename B::handle>;
  { b.self(r) } -> std::same_as<typename B::handle>;
  { b.world(r) } -> std::same_as<typename B::handle>;
  { b.group(h, g) } -> std::same_as<typename B::communicator>;
};

// The groups of one rank, built by executing `Plan` (a split_plan) over `Backend`.
// The plan is the one source of the layout: `Topology` is accepted and unused, so that code
// written as plan_executor<Backend, Plan, Topology> keeps compiling.
template <split_backend Backend, const auto& Plan, class Topology = void>
class plan_executor {
 public:
  using communicator = typename Backend::communicator;
  using handle = typename Backend::handle;
  static constexpr auto& plan = Plan;
  static constexpr int module_count = static_cast<int>(Plan.description.grids.size());

  // `after_round(round)` runs after each split round: a hook for tests and tracing.
  template <class AfterRound = void (*)(int)>
  explicit plan_executor(Backend backend, AfterRound after_round = [](int) {})
      : backend_(std::move(backend)), rank_(backend_.rank()) {
    check_world_size(backend_.size(), plan.world());
    handles_.resize(static_cast<std::size_t>(plan.class_count));
    for (int round = 0; round < plan.round_count; ++round) {
      const int id = plan.class_in_round(round, rank_);
      const int color = plan.color(round, rank_);
      if (id >= 0) {
        const class_request request = request_of(id);
        handles_[id].emplace(backend_.split(&request, color, plan.key(rank_)));
      } else {
        handle unused = backend_.split(nullptr, plan.undefined_color, plan.key(rank_));
        (void)unused;  // released here: a consistent plan gives none
      }
      after_round(round);
    }
    for (int id = 0; id < plan.class_count; ++id) {
      const class_source source = plan.classes[id].source;
      if (source == class_source::split || !plan.holds(id, rank_)) continue;
      const class_request request = request_of(id);
      handles_[id].emplace(source == class_source::self ? backend_.self(request)
                                                        : backend_.world(request));
    }
    collect();
  }

  // Moving keeps every communicator where it is (handles own them on the heap or share them),
  // so a moved-to object's groups stay valid. Assigning releases this object's groups, then its
  // handles, then its backend, in the order its destructor would: a handle may still need the
  // backend that made it (NCCL's watchdog).
  plan_executor(plan_executor&&) = default;
  plan_executor(const plan_executor&)
    requires std::copy_constructible<Backend> && std::copy_constructible<handle>
  = default;  // none where a handle cannot be copied (NCCL's own its communicators)
  plan_executor& operator=(plan_executor&& other) noexcept {
    if (this == &other) return *this;
    groups_ = {};
    handles_.clear();
    backend_ = std::move(other.backend_);
    rank_ = other.rank_;
    handles_ = std::move(other.handles_);
    groups_ = std::move(other.groups_);
    return *this;
  }
  plan_executor& operator=(const plan_executor& other)
    requires std::copy_constructible<Backend> && std::copy_constructible<handle>
  {
    if (this != &other) *this = plan_executor(other);
    return *this;
  }
  ~plan_executor() = default;

  const multi_module_groups<communicator, module_count>& modules() const { return groups_; }
  const process_groups<communicator>* language() const { return groups_.language(); }
  const process_groups<communicator>* module(std::string_view name) const {
    return groups_.module(name);
  }
  template <class Module>
  const process_groups<communicator>* module() const {
    return groups_.module(Module::name);
  }
  // Module's Kind communicator, both constants: the build stops where the layout builds no such
  // group (checked_kind.hpp). Throws std::out_of_range where this rank is not in Module, or holds
  // no group of Kind (an embedding off its stages). g[kind] stays the run-time lookup.
  template <class Module, group_kind Kind>
  const communicator& group() const {
    constexpr kind_place place = detail::place_of(plan.description, Module::name, Kind);
    if constexpr (detail::kind_check<Module, Kind, place>::ok) {
      const process_groups<communicator>* module = groups_.module(place.module);
      const communicator* comm = module ? module->slot(place.slot) : nullptr;
      if (comm) return *comm;
      throw std::out_of_range("hetgrid: rank " + std::to_string(rank_) + " holds no '" +
                              std::string(Kind.name_view()) + "' group of module '" +
                              std::string(Module::name) + "'");
    } else {
      throw std::logic_error("hetgrid: unreachable (the build stopped)");
    }
  }
  rank_role<module_count> role() const {
    return make_rank_role<module_count>(plan.description.grids, plan.description.language_index,
                                        rank_);
  }
  int rank() const { return rank_; }

  // The groups this rank is in, and the distinct communicators behind them.
  int group_count() const { return plan.counts(rank_).groups; }
  int communicator_count() const { return plan.counts(rank_).communicators; }
  static constexpr int split_calls() { return plan.round_count; }

 protected:
  Backend& backend() { return backend_; }
  const Backend& backend() const { return backend_; }
  // One entry per plan class; empty where this rank holds no group of it.
  const std::vector<std::optional<handle>>& handles() const { return handles_; }

 private:
  // Named by the module and slot this rank holds the class in (modules of one factorization
  // share a class), or by the class's own where it holds none.
  class_request request_of(int id) const {
    const group_class& c = plan.classes[id];
    const auto held = plan.held_as(id, rank_);
    const int module = held.id >= 0 ? held.module : c.module;
    const int slot = held.id >= 0 ? held.slot : c.slot;
    return {id, c.round, c.source, c.tag, plan.module_grid(module).name(),
            plan.description.slot_name(slot)};
  }

  void collect() {
    groups_.language_index = plan.description.language_index;
    for (int m = 0; m < module_count; ++m) {
      groups_.names[m] = plan.module_grid(m).name();
      if (!plan.module_grid(m).contains(rank_)) continue;
      auto& collection = groups_.modules[m].emplace(plan.description.slots);
      for (int slot = 0; slot < plan.slot_count(); ++slot) {
        const int id = plan.class_of(m, slot);
        const std::optional<rank_group> group =
            id >= 0 ? plan.group(m, slot, rank_) : std::nullopt;
        if (!group) continue;
        collection.set_slot(slot, backend_.group(*handles_[id], *group));
      }
    }
  }

  Backend backend_;
  int rank_;
  std::vector<std::optional<handle>> handles_;  // before groups_: groups_ may point into them
  multi_module_groups<communicator, module_count> groups_;
};

}  // namespace hetgrid

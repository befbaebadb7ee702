// hetgrid/process_groups.hpp: the collections a rank receives, for any communicator type
// (boost::mpi::communicator, nccl.hpp's handle): one module's groups (the seed's
// ProcessGroupCollection) and all modules of a rank (MultiModuleProcessGroupCollection).
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "hetgrid/group_kind.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid {

template <class Comm>
struct process_groups {
  Comm tp, cp, pp, dp, dp_cp, tp_cp, mp, ep, expt_tp, expt_dp, tp_ep, tp_ep_pp;
  std::optional<Comm> embd, pos_embd;  // the language module's, on the ranks that hold them

  const Comm& intra_dp_cp() const { return dp_cp; }
  const Comm& intra_expt_dp() const { return expt_dp; }

  const Comm& operator[](group_kind kind) const { return this->*kind_member(kind); }
  Comm& operator[](group_kind kind) { return this->*kind_member(kind); }

  // The communicator of a slot (group_kind.hpp), or null where the rank has none.
  const Comm* slot(int s) const {
    if (s == embd_slot) return embd ? &*embd : nullptr;
    if (s == pos_embd_slot) return pos_embd ? &*pos_embd : nullptr;
    return &(*this)[static_cast<group_kind>(s)];
  }

 private:
  static constexpr Comm process_groups::*kind_member(group_kind kind) {
    constexpr std::array<Comm process_groups::*, group_kind_count> members = {
        &process_groups::tp,      &process_groups::cp,      &process_groups::pp,
        &process_groups::dp,      &process_groups::dp_cp,   &process_groups::tp_cp,
        &process_groups::mp,      &process_groups::ep,      &process_groups::expt_tp,
        &process_groups::expt_dp, &process_groups::tp_ep,   &process_groups::tp_ep_pp};
    return members[static_cast<int>(kind)];
  }
};

// Every module of the topology, present only where it holds this rank.
template <class Comm, int ModuleCount>
struct multi_module_groups {
  std::array<std::optional<process_groups<Comm>>, ModuleCount> modules{};
  std::array<std::string_view, ModuleCount> names{};
  int language_index = -1;

  // Null on a rank that the language module does not hold.
  const process_groups<Comm>* language() const { return module(language_index); }
  const process_groups<Comm>* module(int index) const {
    return modules[index] ? &*modules[index] : nullptr;
  }
  const process_groups<Comm>* module(std::string_view name) const {
    for (int i = 0; i < ModuleCount; ++i)
      if (names[i] == name) return module(i);
    return nullptr;
  }
};

namespace detail {

// The collections of one rank, from a plan: comm_of(class id, group) gives the communicator
// of a group the rank is in. Both instantiators fill theirs with it.
template <class Comm, int ModuleCount, class CommOf>
multi_module_groups<Comm, ModuleCount> collect_groups(const split_plan<ModuleCount>& plan,
                                                      int language_index, int rank,
                                                      CommOf comm_of) {
  multi_module_groups<Comm, ModuleCount> out;
  out.language_index = language_index;
  for (int m = 0; m < ModuleCount; ++m) {
    out.names[m] = plan.grids[m].name();
    if (!plan.grids[m].contains(rank)) continue;
    auto& collection = out.modules[m].emplace();
    for (int slot = 0; slot < slot_count; ++slot) {
      const int id = plan.class_of[m][slot];
      const std::optional<rank_group> group = id >= 0 ? plan.group(m, slot, rank) : std::nullopt;
      if (!group) continue;
      Comm comm = comm_of(id, *group);
      if (slot == embd_slot)
        collection.embd = std::move(comm);
      else if (slot == pos_embd_slot)
        collection.pos_embd = std::move(comm);
      else
        collection[static_cast<group_kind>(slot)] = std::move(comm);
    }
  }
  return out;
}

}  // namespace detail
}  // namespace hetgrid

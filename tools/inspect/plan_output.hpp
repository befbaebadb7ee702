// tools/inspect/plan_output.hpp: `--plan`: the split plan of a layout before launch: its classes
// (one per distinct way of cutting a module into groups), the rounds that build them, and what
// each rank (or the one of --rank) holds: its groups and the distinct communicators behind them,
// which is what costs GPU memory under NCCL, with an estimate of it. Consecutive ranks that hold
// the same classes print as one range; --rank R prints that rank alone.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "clean_text.hpp"
#include "json_output.hpp"
#include "nodes_option.hpp"
#include "table_output.hpp"

namespace hetgrid::inspect {

namespace detail {

inline const char* source_text(class_source s) {
  switch (s) {
    case class_source::self: return "self (no collective)";
    case class_source::world: return "world (the job's communicator)";
    case class_source::split: return "split";
  }
  return "?";
}

}  // namespace detail

// What a rank's communicators cost under NCCL, from BENCHMARKS.md ("What an NCCL communicator
// costs", 2 ranks on 2 x H200, 2026-11-24): the world communicator 388 MiB, each split into
// one-rank groups 389 MiB, into two-rank groups 500 MiB, after the first all-reduce. Larger
// groups hold more peers' buffers, so the figure is a floor for them.
inline constexpr int nccl_world_mib = 388, nccl_one_rank_mib = 389, nccl_group_mib = 500;
inline constexpr const char* nccl_estimate_note =
    "  NCCL memory a rank: the world communicator 388 MiB, + 389 MiB per one-rank and\n"
    "  500 MiB per larger communicator (BENCHMARKS.md, 'What an NCCL communicator costs',\n"
    "  2 x H200, 2026-11-24; a floor for groups of more than 2 ranks)\n";

// The classes `rank` holds a group of, in module and slot order (-1 for a slot it holds none
// of): two ranks with the same list hold groups of the same shapes on the same communicators.
template <class Plan>
std::vector<int> rank_classes(const Plan& plan, int rank) {
  std::vector<int> ids;
  plan.for_each_module_holding(rank, [&](int m) {
    ids.push_back(-2 - m);  // which module, so that colocated modules cannot blur
    for (int s = 0; s < plan.slot_count(); ++s) {
      const int id = plan.class_of(m, s);
      ids.push_back(id >= 0 && plan.group(m, s, rank) ? id : -1);
    }
  });
  return ids;
}

// "ranks A-B: ..." (or "rank A: ..."): the counts, the distinct classes and the NCCL estimate,
// the same for every rank of the range (rank_classes).
template <class Plan>
void print_ranks(std::ostream& out, const Plan& plan, int first, int last) {
  const auto n = plan.counts(first);
  std::vector<int> ids;
  for (int id : rank_classes(plan, first))
    if (id >= 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  long long mib = nccl_world_mib;
  for (int id : ids) {
    const group_class& c = plan.classes[id];
    if (c.source == class_source::world) continue;  // the world communicator, counted once
    const auto h = plan.held_as(id, first);
    const int size = plan.group(h.module, h.slot, first)->size();
    mib += size == 1 ? nccl_one_rank_mib : nccl_group_mib;
  }
  out << "  " << (first == last ? "rank " + std::to_string(first)
                                : "ranks " + std::to_string(first) + "-" + std::to_string(last))
      << ": " << detail::counted(n.groups, "group", "groups") << " on "
      << detail::counted(n.communicators, "communicator", "communicators") << " (classes";
  for (int id : ids) out << " " << id;
  out << "), NCCL about " << mib << " MiB";
  if (first != last) out << " a rank, " << (last - first + 1) << " ranks";
  out << "\n";
}

// @pre the layout passed its checks
// With nodes: which classes cross node boundaries (nodes_option.hpp), after the classes.
inline void print_plan(std::ostream& out, const runtime_topology& layout,
                       std::optional<int> only_rank,
                       const std::optional<node_placement>& nodes = std::nullopt) {
  const split_plan<> plan(layout, plan_options{});
  out << "plan: world " << layout.world << ", "
      << detail::counted(layout.module_count(), "module", "modules") << ", "
      << detail::counted(layout.slot_count(), "slot", "slots") << " each, "
      << detail::counted(plan.class_count, "class", "classes") << ", "
      << detail::counted(plan.round_count, "split round", "split rounds") << "\n\nclasses\n";
  // Each class's (module, slot) pairs, in one pass over them: asking every pair for every class
  // was quadratic in modules (8.4 s at 8000 modules).
  std::vector<std::vector<std::pair<int, int>>> pairs_of(
      static_cast<std::size_t>(plan.class_count));
  for (int m = 0; m < plan.module_count(); ++m)
    for (int s = 0; s < plan.slot_count(); ++s)
      if (const int id = plan.class_of(m, s); id >= 0) pairs_of[id].emplace_back(m, s);
  for (int id = 0; id < plan.class_count; ++id) {
    const group_class& c = plan.classes[id];
    out << "  " << id << ": " << detail::source_text(c.source);
    if (c.source == class_source::split) out << " in round " << c.round;
    out << "; groups like " << detail::groups_text(1, [&](int) {
      return layout.grids[c.module].first_slot_group(layout.slots[c.slot]);
    }) << "; slots";
    for (const auto& [m, s] : pairs_of[id])
      out << " " << clean_text::printable(layout.grids[m].name()) << ":"
          << clean_text::printable(layout.slot_name(s));
    out << "\n";
    if (id % 4096 == 4095) check_written(out);
  }
  if (nodes) print_node_classes(out, layout, plan, *nodes);
  out << "\nrounds\n";
  std::vector<std::vector<int>> classes_of_round(static_cast<std::size_t>(plan.round_count));
  for (int id = 0; id < plan.class_count; ++id)
    if (plan.classes[id].round >= 0) classes_of_round[plan.classes[id].round].push_back(id);
  for (int round = 0; round < plan.round_count; ++round) {
    out << "  " << round << ": one split builds classes";
    for (int id : classes_of_round[round]) out << " " << id;
    out << "\n";
  }
  out << "\nranks (groups held, distinct communicators and their classes, NCCL memory)\n"
      << nccl_estimate_note;
  if (only_rank) {
    print_ranks(out, plan, *only_rank, *only_rank);
    return;
  }
  // Consecutive ranks that hold groups of the same classes (the same group shapes, shifted)
  // print as one range: a few lines per module at any world.
  std::vector<int> first_key = rank_classes(plan, 0), key;
  int first = 0;
  for (int r = 1; r <= layout.world; ++r) {
    if (r < layout.world) key = rank_classes(plan, r);
    if (r < layout.world && key == first_key) continue;
    print_ranks(out, plan, first, r - 1);
    check_written(out);  // a failed write stops a long listing at once
    first = r;
    first_key.swap(key);
  }
}

}  // namespace hetgrid::inspect

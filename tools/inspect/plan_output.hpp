// tools/inspect/plan_output.hpp: `--plan`: the split plan of a layout before launch: its classes
// (one per distinct way of cutting a module into groups), the rounds that build them, and what
// each rank (or the one of --rank) holds: its groups and the distinct communicators behind them,
// which is what costs GPU memory under NCCL. Streamed: one line per rank.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
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
  out << "\nranks (groups held, distinct communicators)\n";
  const auto print_rank = [&](int r) {
    const auto n = plan.counts(r);
    out << "  rank " << r << ": " << detail::counted(n.groups, "group", "groups") << " on "
        << detail::counted(n.communicators, "communicator", "communicators") << "\n";
  };
  if (only_rank)
    print_rank(*only_rank);
  else
    for (int r = 0; r < layout.world; ++r) {
      print_rank(r);
      if (r % 4096 == 4095) check_written(out);  // a failed write stops a long listing at once
    }
}

}  // namespace hetgrid::inspect

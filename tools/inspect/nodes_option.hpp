// tools/inspect/nodes_option.hpp: `--ranks-per-node N [--within KIND,KIND,...]` (docs/CONTRACT.md
// sections 5 and 6): the within-node kinds resolved against the layout's slots, the placement
// check, and what --plan adds: which classes of groups cross node boundaries.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clean_text.hpp"
#include "table_output.hpp"

namespace hetgrid::inspect {

// KIND,KIND,... -> kinds of the layout (a slot's name or an alias); a message (usage) for an
// empty item, a kind the layout lacks, or one given twice. No list: tp and expt_tp.
inline std::variant<std::vector<group_kind>, std::string> resolve_within(
    const runtime_topology& layout, const std::optional<std::string>& text) {
  if (!text)
    return std::vector<group_kind>(default_within_node_kinds.begin(),
                                   default_within_node_kinds.end());
  std::vector<group_kind> kinds;
  std::string_view rest = *text;
  for (;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (name.empty()) return "--within '" + *text + "' has an empty kind";
    std::optional<group_kind> kind;
    for (int s = 0; s < layout.slot_count(); ++s)
      if (layout.slot_name(s) == name) kind = layout.slots[s];
    if (!kind) kind = group_kind_from_string(name);
    if (!kind) return "--within: no kind is named '" + std::string(name) + "'";
    for (const group_kind& k : kinds)
      if (k == *kind) return "--within: kind '" + std::string(name) + "' given twice";
    kinds.push_back(*kind);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return kinds;
}

// "tp, expt_tp"
inline std::string kind_names(const std::vector<group_kind>& kinds) {
  std::string text;
  for (const group_kind& k : kinds)
    text += (text.empty() ? "" : ", ") + clean_text::printable(k.name_view());
  return text;
}

// After the plan's classes: for each, whether its groups cross node boundaries (the first that
// does, and where) or stay inside; classes of the within-node kinds are marked.
inline void print_node_classes(std::ostream& out, const runtime_topology& layout,
                               const split_plan<>& plan, const node_placement& nodes) {
  const int n = nodes.ranks_per_node;
  const std::vector<group_kind> within(nodes.within.begin(), nodes.within.end());
  std::vector<char> kept(static_cast<std::size_t>(plan.class_count), 0);  // one pass: no m*s*id
  for (int m = 0; m < plan.module_count(); ++m)
    for (int s = 0; s < plan.slot_count(); ++s)
      if (const int id = plan.class_of(m, s); id >= 0)
        for (const group_kind& k : within) kept[id] = kept[id] || k == layout.slots[s];
  out << "\nnodes of " << n << " ranks (kept inside a node: " << kind_names(within) << ")\n";
  for (int id = 0; id < plan.class_count; ++id) {
    const group_class& c = plan.classes[id];
    const grid& g = layout.grids[c.module];
    const group_kind& kind = layout.slots[c.slot];
    out << "  " << id << ": ";
    if (::hetgrid::detail::any_group_crosses(g, kind, n)) {
      const rank_group first = ::hetgrid::detail::first_crossing_group(g, kind, n);
      out << "crosses node boundaries (first " << detail::group_text(first) << " at rank "
          << (first.front() / n + 1) * n << ")";
    } else {
      out << "stays inside nodes";
    }
    out << (kept[id] ? "; kept inside a node" : "") << "\n";
  }
}

}  // namespace hetgrid::inspect

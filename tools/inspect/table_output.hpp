// tools/inspect/table_output.hpp: the tables for people. A group is printed in bounded space
// (its first and last members), and a kind with many groups shows a few of them: a layout of
// any size reads in a screen per module, and prints in time independent of the world size.
// Names print in clean_text::printable form: no control byte reaches the terminal.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <hetgrid/rank_text.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <algorithm>
#include <iomanip>
#include <optional>
#include <ostream>
#include <span>
#include <string>

#include "bridge_text.hpp"
#include "clean_text.hpp"

namespace hetgrid::inspect {

namespace detail {

// The rank's lines and the group text are the library's (hetgrid/rank_text.hpp).
using ::hetgrid::detail::group_text;
using ::hetgrid::detail::span_text;
inline constexpr int groups_shown = 4;   // a kind with more groups shows its first 3 and last 1

// `count` groups, group_at(i) the i-th, in at most groups_shown places.
template <class GroupAt>
std::string groups_text(int count, GroupAt group_at) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (count > groups_shown && i == groups_shown - 1) {
      text += "... ";
      i = count - 1;
    }
    text += group_text(group_at(i)) + (i + 1 < count ? " " : "");
  }
  return text;
}

// "1 module", "2 modules".
inline std::string counted(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

inline void print_module_table(std::ostream& out, std::span<const grid> grids) {
  // A column is as wide as its name, and at least 7: ranks, then every dim (module_dims).
  const auto width = [](std::string_view column) {
    return std::max<int>(7, static_cast<int>(column.size()));
  };
  out << std::left << std::setw(20) << "module" << std::setw(14) << "span" << std::right;
  out << " " << std::setw(width("ranks")) << "ranks";
  for (const module_dim& d : module_dims) out << " " << std::setw(width(d.name())) << d.name();
  out << "\n";
  for (const grid& g : grids) {
    out << std::left << std::setw(20) << ::hetgrid::inspect::clean_text::printable(g.name())
        << std::setw(14) << span_text(g) << std::right;
    out << " " << std::setw(width("ranks")) << g.ranks;
    for (const module_dim& d : module_dims) out << " " << std::setw(width(d.name())) << g.size_of(d);
    out << (g.language ? "  language" : "") << "\n";
  }
}

inline void print_module_groups(std::ostream& out, const grid& g,
                                std::span<const group_kind> slots) {
  out << "\n" << ::hetgrid::inspect::clean_text::printable(g.name()) << " (ranks " << span_text(g)
      << "): groups\n";
  out << "  " << std::left << std::setw(26) << "kind" << std::right << std::setw(8) << "count"
      << std::setw(8) << "size"
      << "  groups\n";
  const auto row = [&](std::string_view kind, int count, int size, const std::string& groups) {
    out << "  " << std::left << std::setw(26) << kind << std::right << std::setw(8) << count
        << std::setw(8) << size << "  " << groups << "\n";
  };
  for (const group_kind& kind : slots)
    if (g.has(kind))
      row(to_string(kind), g.group_count(kind), g.group_size(kind),
          groups_text(g.group_count(kind), [&](int i) { return g.group(kind, i); }));
}

inline void print_header(std::ostream& out, const runtime_topology& layout) {
  out << "world " << layout.world << ", " << counted(layout.module_count(), "module", "modules")
      << ", layout " << to_string(layout.kind) << "\n\n";
}

}  // namespace detail

inline void print_layout_table(std::ostream& out, const runtime_topology& layout) {
  detail::print_header(out, layout);
  detail::print_module_table(out, layout.grids);
  for (const grid& g : layout.grids) detail::print_module_groups(out, g, layout.slots);
}

// @pre 0 <= rank < world
inline void print_rank_table(std::ostream& out, const runtime_topology& layout, int rank) {
  detail::print_header(out, layout);
  detail::print_module_table(out, layout.grids);
  out << "\n";
  write_rank_text(out, layout, rank);
  write_rank_bridges(out, layout, rank);
}

}  // namespace hetgrid::inspect

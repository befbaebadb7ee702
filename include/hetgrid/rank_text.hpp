// hetgrid/rank_text.hpp: what one rank does, for people, e.g. at a job's start-up (docs/CONTRACT.md
// section 6):
//   hetgrid::write_rank_text<mimo>(std::cout, rank);
// the text form of write_rank_json (hetgrid/json.hpp): for each module that holds the rank, its
// coordinates, its stage and each group that holds it, with the rank's position in the group.
// A group prints in bounded space (a long one as its first 6 and last 2 members), names in
// detail::text::printable form. hetgrid-inspect --rank R prints the same lines.
#pragma once

#include <cstddef>
#include <iomanip>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/text.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

namespace detail {

inline constexpr int members_shown = 8;  // a longer group shows its first 6 and last 2 members

inline std::string span_text(const grid& g) {
  return std::to_string(g.offset) + "-" + std::to_string(g.offset + g.ranks - 1);
}

inline std::string group_text(const rank_group& group) {
  const int n = group.size();
  std::string text = "[";
  for (int i = 0; i < n; ++i) {
    if (n > members_shown && i == members_shown - 2) {
      text += "...,";
      i = n - 2;
    }
    text += std::to_string(group[i]) + (i + 1 < n ? "," : "");
  }
  return text + "]";
}

inline std::string stage_text(const grid& g, int rank) {
  const bool first = g.is_first_stage(rank), last = g.is_last_stage(rank);
  const std::string where =
      " (pp " + std::to_string(g.coords(rank).pp) + " of " + std::to_string(g.pp) + ")";
  if (first && last) return "first and last" + where;
  if (first) return "first" + where;
  if (last) return "last" + where;
  return "middle" + where;
}

// One module's part of `rank`: its coordinates, stage and the group of each slot of the layout
// it has (a program's own kinds included). @pre g.contains(rank)
inline void write_module_rank_text(std::ostream& out, const grid& g,
                                   const_span<group_kind> slots, int rank) {
  const rank_coords c = g.coords(rank);
  out << "\n"
      << text::printable(g.name()) << (g.language ? " (language module" : " (module")
      << ", ranks " << span_text(g) << ")\n";
  out << "  coords ";
  for (const module_dim& d : module_dims)
    out << (d.in_view == view::expert && d.index == 0 ? "  " : " ") << d.name() << "=" << c.at(d);
  out << "\n";
  out << "  stage   " << stage_text(g, rank) << "\n";
  out << "  " << std::left << std::setw(26) << "group" << std::right << std::setw(10)
      << "position" << std::setw(8) << "size" << "  members\n";
  const auto row = [&](std::string_view kind, const std::optional<rank_group>& group) {
    out << "  " << std::left << std::setw(26) << kind << std::right;
    if (!group) {
      out << std::setw(10) << "-" << std::setw(8) << "-" << "  none\n";
      return;
    }
    out << std::setw(10) << group->index_of(rank) << std::setw(8) << group->size() << "  "
        << group_text(*group) << "\n";
  };
  for (const group_kind& kind : slots)
    if (g.has(kind)) row(text::printable(to_string(kind)), g.slot_group(kind, rank));
}

}  // namespace detail

// "rank R of W: MODULE ...", then a block per module that holds the rank. @pre 0 <= rank < world
template <std::size_t M, std::size_t S>
void write_rank_text(std::ostream& out, const topology_description<M, S>& layout, int rank) {
  out << "rank " << rank << " of " << layout.world << ":";
  for (const grid& g : layout.grids)
    if (g.contains(rank)) out << " " << detail::text::printable(g.name());
  out << "\n";
  for (const grid& g : layout.grids)
    if (g.contains(rank)) detail::write_module_rank_text(out, g, layout.slots, rank);
}

// The same for a compile-time topology: write_rank_text<mimo>(std::cout, rank).
template <class Topology>
void write_rank_text(std::ostream& out, int rank) {
  write_rank_text(out, Topology::description, rank);
}

}  // namespace hetgrid

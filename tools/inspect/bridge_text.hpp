// tools/inspect/bridge_text.hpp: a rank's part in each bridge into the language module, for
// `--rank R` (docs/CONTRACT.md sections 4 and 5): source or destination leader, the ranks it
// sends to or receives from with the part of the batch each carries, the fan, and the share
// group in which a leader passes its replica's data on. Read from hetgrid/bridge.hpp's run-time
// bridge, so it is what the bridge does, not a second account of it.
#pragma once

#include <hetgrid/bridge.hpp>
#include <hetgrid/rank_text.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <ostream>
#include <string>

#include "clean_text.hpp"

namespace hetgrid::inspect {

namespace detail {

inline std::string part_text(const batch_slice& s) {
  return s.whole() ? std::string("all")
                   : "part " + std::to_string(s.part + 1) + "/" + std::to_string(s.parts);
}

// One side of one bridge for `rank`: its transfers (leaders) or its leader (the others).
inline void write_bridge_side(std::ostream& out, const bridge& b, int rank, bool source) {
  const leader_set& leaders = source ? b.source_leaders() : b.destination_leaders();
  const auto share = source ? b.source_share_group(rank) : b.destination_share_group(rank);
  if (!share) return;  // not the source's last stage, nor the destination's first
  const char* side = source ? "source" : "destination";
  const int leader = leaders.index_of(rank);
  out << "    " << side;
  if (leader < 0) {
    out << ": not a leader; its leader rank " << share->front() << " shares the replica's "
        << (source ? "output" : "input") << " with it in group "
        << ::hetgrid::detail::group_text(*share) << "\n";
    return;
  }
  out << " leader " << leader << " of " << leaders.count << ";";
  const transfer_list list = source ? b.sends(rank) : b.receives(rank);
  for (const bridge_transfer t : list) {
    const batch_slice mine = source ? t.source_slice : t.destination_slice;
    out << (source ? " sends " : " receives ") << part_text(mine) << " of its batch "
        << (source ? "to rank " : "from rank ")
        << (source ? t.destination_rank : t.source_rank) << ";";
  }
  out << " share group " << ::hetgrid::detail::group_text(*share) << "\n";
}

}  // namespace detail

// "bridges" and a block per bridge into the language module that `rank` takes part in.
inline void write_rank_bridges(std::ostream& out, const runtime_topology& layout, int rank) {
  const int language = layout.language_index;
  bool header = false;
  for (int m = 0; m < layout.module_count(); ++m) {
    if (m == language) continue;
    const grid& from = layout.grids[m];
    const grid& to = layout.grids[language];
    if (!bridge_divisible(from, to)) continue;
    const bridge b(from, to);
    if (!b.source_share_group(rank) && !b.destination_share_group(rank)) continue;
    if (!header) out << "\nbridges (forward; the backward pass runs each reversed)\n";
    header = true;
    out << "  " << clean_text::printable(from.name()) << " -> "
        << clean_text::printable(to.name()) << ", fan-" << to_string(b.fan()) << " "
        << b.source_leaders().count << " -> " << b.destination_leaders().count << " leaders\n";
    detail::write_bridge_side(out, b, rank, true);
    detail::write_bridge_side(out, b, rank, false);
  }
}

}  // namespace hetgrid::inspect

// hetgrid/detail/bridge_messages.hpp: what one rank does in one pass of a bridge, for both data
// backends (mpi/bridge.hpp, nccl/bridge.hpp): the slices it sends, receives or copies to itself,
// as element offsets of its own buffers, and where its share step finds a communicator.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "hetgrid/bridge.hpp"
#include "hetgrid/rank_group.hpp"

namespace hetgrid::detail {

// One message of a pass: `count` elements at `offset` of the buffer it leaves (send) or enters
// (receive), to or from global rank `peer`; a copy moves `count` from `offset` to `to_offset`.
struct bridge_message {
  enum class what { send, receive, copy } kind = what::send;
  std::size_t offset = 0, to_offset = 0, count = 0;
  int peer = 0;
};

// The rows of a leader's batch, checked against the slices the plan cuts it into.
inline std::size_t bridge_rows(std::size_t elements, std::size_t row, batch_slice slice,
                               const char* side) {
  const std::size_t rows = elements / row;
  if (elements % row != 0 || rows % static_cast<std::size_t>(slice.parts) != 0)
    throw std::invalid_argument(
        std::string("bridge: the ") + side + " batch of " + std::to_string(elements) +
        " elements is not a whole number of rows of " + std::to_string(row) +
        " that splits into " + std::to_string(slice.parts) + " equal parts");
  return rows;
}

// Calls `f(bridge_message)` for each message of `rank` in a pass. Forward: the source side's
// batch (`from`, elements) goes out, the destination side's (`to`) comes in; backward: the
// reverse. A transfer from the rank to itself is a copy (colocated layouts).
template <class F>
void for_each_bridge_message(const bridge& b, int rank, std::size_t row, bool forward,
                             std::size_t from, std::size_t to, F&& f) {
  const std::size_t src = forward ? from : to, dst = forward ? to : from;
  const auto range = [&](batch_slice s, std::size_t elements, const char* side) {
    const std::size_t rows = bridge_rows(elements, row, s, side);
    const std::size_t per = rows / static_cast<std::size_t>(s.parts) * row;
    return std::pair{per * static_cast<std::size_t>(s.part), per};
  };
  // The sending side walks its sends; a self transfer is met once there, as a copy.
  for (const bridge_transfer t : b.sends(rank)) {
    const auto [at, n] = range(t.source_slice, src, "source");
    if (t.destination_rank == rank) {
      const auto [to_at, to_n] = range(t.destination_slice, dst, "destination");
      if (to_n != n)
        throw std::invalid_argument("bridge: a leader copies " + std::to_string(n) +
                                    " elements to itself into a slice of " +
                                    std::to_string(to_n));
      f(forward ? bridge_message{bridge_message::what::copy, at, to_at, n, rank}
                : bridge_message{bridge_message::what::copy, to_at, at, n, rank});
      continue;
    }
    using w = bridge_message::what;
    f(bridge_message{forward ? w::send : w::receive, at, 0, n, t.destination_rank});
  }
  for (const bridge_transfer t : b.receives(rank)) {
    if (t.source_rank == rank) continue;  // the copy above
    const auto [at, n] = range(t.destination_slice, dst, "destination");
    using w = bridge_message::what;
    f(bridge_message{forward ? w::receive : w::send, at, 0, n, t.source_rank});
  }
}

// The slot of `Plan` whose group of module `m` on `rank` has the share group's members: the
// share kind where the layout builds it, else tp where gtp_remat = cp = 1 (the same ranks); -1
// where neither does (the bridge then makes a communicator of its own).
template <const auto& Plan>
int share_slot(int module, const rank_group& share, int rank) {
  const grid& g = Plan.module_grid(module);
  for (const group_kind& k : {group_kind(bridge::share_kind), group_kind(group_kind::tp)}) {
    const int slot = Plan.description.slot_of(k);
    if (slot >= 0 && g.group_of(k, rank) == share) return slot;
  }
  return -1;
}

// Where this rank's share step of one pass runs: the destination's group (forward) or the
// source's (backward), its module, and the slot of `Plan` with those members (-1: none); none
// where the group is the rank alone.
struct share_place {
  rank_group members{};
  int module = -1, slot = -1;
};
template <const auto& Plan>
std::optional<share_place> share_place_of(const bridge& b, int source_module,
                                          int destination_module, int rank, bool forward) {
  const std::optional<rank_group> g =
      forward ? b.destination_share_group(rank) : b.source_share_group(rank);
  if (!g || g->size() == 1) return std::nullopt;
  const int module = forward ? destination_module : source_module;
  return share_place{*g, module, share_slot<Plan>(module, *g, rank)};
}

}  // namespace hetgrid::detail

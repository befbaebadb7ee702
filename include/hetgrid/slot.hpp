// hetgrid/slot.hpp: the slot list of a layout. A slot is one group a module can give a rank: the
// built-in kinds (slot = row), the language module's two embedding kinds, then the kinds a program
// adds (topology::with_kinds). Each slot is a kind row, and the row alone says how its groups
// are formed (its dims, the members taken, the language module only); nothing downstream
// special-cases a slot.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "hetgrid/const_span.hpp"
#include "hetgrid/group_kind.hpp"

namespace hetgrid {

namespace detail {
constexpr group_kind embedding_kind(std::string_view name, members taken) {
  kind_row row = make_kind(name, view::base, {"pp"}).taking(taken);
  row.language_only = true;
  return row;
}
}  // namespace detail

// The tied embedding, [P.first, P.last] of each pp group P ([P.first] where pp == 1), and the
// position embedding, [P.first] (docs/CONTRACT.md section 2).
inline constexpr group_kind embd_kind = detail::embedding_kind("embd", members::ends);
inline constexpr group_kind pos_embd_kind = detail::embedding_kind("pos_embd", members::first);

inline constexpr int embd_slot = group_kind_count;
inline constexpr int pos_embd_slot = group_kind_count + 1;
inline constexpr int slot_count = group_kind_count + 2;  // without a program's own kinds

// The slot list of an instantiation: the built-in kinds, embd, pos_embd, then `extra`.
template <std::size_t Extra>
constexpr std::array<group_kind, slot_count + Extra> make_slots(
    const std::array<group_kind, Extra>& extra) {
  std::array<group_kind, slot_count + Extra> slots{};
  for (int i = 0; i < group_kind_count; ++i) slots[i] = builtin_kinds[i];
  slots[embd_slot] = embd_kind;
  slots[pos_embd_slot] = pos_embd_kind;
  std::size_t next = slot_count;
  for (const group_kind& kind : extra) slots[next++] = kind;
  return slots;
}
inline constexpr std::array<group_kind, slot_count> builtin_slots =
    make_slots(std::array<group_kind, 0>{});

constexpr std::string_view slot_name(int slot) { return builtin_slots[slot].name_view(); }
// The built-in slot of a built-in kind (its row), or -1.
constexpr int builtin_slot(const group_kind& kind) { return index_of(builtin_kinds, kind); }

// Why a program's own kind cannot join a slot list, or nullptr where it can.
constexpr const char* extra_kind_problem(const_span<group_kind> slots,
                                         const group_kind& kind) {
  if (kind.name[0] == '\0') return "a kind needs a name";
  if (kind.dims == 0 || kind.dims >> view_dim_count) return "a kind needs dims of its view";
  for (const kind_alias& a : kind_aliases)
    if (a.alias == kind.name_view()) return "a kind may not take an alias's name";
  for (const group_kind& s : slots)
    if (s.name_view() == kind.name_view()) return "kind names must be distinct";
  return nullptr;
}

}  // namespace hetgrid

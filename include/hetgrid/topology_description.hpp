// hetgrid/topology_description.hpp: a whole layout as one value: the world, the module grids,
// the language module and the slot list (slot.hpp). As std::mdspan keeps static and
// dynamic extents in one type, the counts are either fixed (what topology<> holds, a constexpr
// value) or std::dynamic_extent (built at run time from specs read from a command line, and
// checked by the same rules; include hetgrid/runtime_topology.hpp for those). The split plan,
// the inspect tool and the tests all read this.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "hetgrid/const_span.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/slot.hpp"

namespace hetgrid {

inline constexpr std::size_t dynamic_count = std::dynamic_extent;

namespace detail {

// Fixed counts hold a std::array; dynamic ones a std::vector, defined in runtime_topology.hpp
// so that a translation unit with only compile-time layouts does not parse <vector>.
template <class T, std::size_t N>
struct storage_of {
  using type = std::array<T, N>;
  static constexpr type make(std::size_t) { return type{}; }
};
template <class T>
struct storage_of<T, dynamic_count>;  // #include <hetgrid/runtime_topology.hpp>
template <class T, std::size_t N>
using storage = typename storage_of<T, N>::type;

constexpr int language_index(const_span<grid> grids) {
  for (std::size_t i = 0; i < grids.size(); ++i)
    if (grids[i].language) return static_cast<int>(i);
  return -1;
}

}  // namespace detail

template <std::size_t ModuleCount = dynamic_count, std::size_t SlotCount = dynamic_count>
struct topology_description {
  static constexpr bool fixed = ModuleCount != dynamic_count;

  int world = 0;
  detail::storage<grid, ModuleCount> grids;
  detail::storage<group_kind, SlotCount> slots;
  int language_index = -1;
  layout_kind kind = layout_kind::colocated;

  // A compile-time topology's: its rules were checked by static_assert.
  constexpr topology_description(int world_size, const std::array<grid, ModuleCount>& module_grids,
                                 const std::array<group_kind, SlotCount>& slot_kinds)
    requires(ModuleCount != dynamic_count && SlotCount != dynamic_count)
      : world(world_size), grids(module_grids), slots(slot_kinds),
        language_index(detail::language_index(module_grids)),
        kind(detail::all_spans_equal(module_grids) ? layout_kind::colocated
                                                   : layout_kind::non_colocated) {}

  // Specs read at run time: checked here, with the rules' words (throws topology_error).
  // The slots are the built-in ones unless a program passes its own list (make_slots).
  topology_description(int world_size, const_span<grid_spec> specs,
                       const_span<group_kind> slot_kinds = builtin_slots)
    requires(ModuleCount == dynamic_count && SlotCount == dynamic_count)
      : world(world_size), slots(slot_kinds.begin(), slot_kinds.end()) {
    validate_layout(world_size, specs);
    grids.reserve(specs.size());
    for (const grid_spec& s : specs) grids.emplace_back(s);
    language_index = detail::language_index(grids);
    kind = layout_of(specs);
  }

  // A compile-time topology's description as a run-time one, as std::mdspan's static extents
  // convert to dynamic ones: nothing to check again.
  template <std::size_t M, std::size_t S>
  explicit topology_description(const topology_description<M, S>& fixed)
    requires(ModuleCount == dynamic_count && SlotCount == dynamic_count &&
             topology_description<M, S>::fixed)
      : world(fixed.world), grids(fixed.grids.begin(), fixed.grids.end()),
        slots(fixed.slots.begin(), fixed.slots.end()), language_index(fixed.language_index),
        kind(fixed.kind) {}

  constexpr int module_count() const { return static_cast<int>(grids.size()); }
  constexpr int slot_count() const { return static_cast<int>(slots.size()); }
  constexpr std::string_view slot_name(int slot) const { return slots[slot].name_view(); }
  // The slot of a kind, or -1 where this layout does not build it.
  constexpr int slot_of(const group_kind& kind) const {
    for (int s = 0; s < slot_count(); ++s)
      if (slots[s] == kind) return s;
    return -1;
  }
  // The module of a name, or -1.
  constexpr int module_index(std::string_view name) const {
    for (int m = 0; m < module_count(); ++m)
      if (grids[m].name() == name) return m;
    return -1;
  }
  // The group of module m's slot that holds `rank`, if any.
  constexpr std::optional<rank_group> group(int module, int slot, int rank) const {
    if (!has_slot(module, slot)) return std::nullopt;
    return grids[module].slot_group(slots[slot], rank);
  }
  // Whether module m has groups in a slot at all (only the language module has embeddings).
  constexpr bool has_slot(int module, int slot) const { return grids[module].has(slots[slot]); }
};

}  // namespace hetgrid

// hetgrid/split_plan.hpp: the backend-neutral plan that turns a layout (a topology_description,
// fixed or read at run time) into communicators. For each group a rank can hold it says which
// *class* of groups it belongs to (one way of cutting a module's span into groups; groups of
// equal class have equal members on every rank), and for each split *round* each rank's colour
// and key. The executor (executor.hpp) carries it out over any backend.
//
// A class needs no collective when its groups are single ranks (`self`) or the whole job
// (`world`, unless reuse is turned off). The others are packed into rounds: a round holds
// classes whose spans are disjoint, so a non-colocated layout needs at most one round per slot
// for all modules at once, and a slot whose groups repeat an earlier slot's needs none.
// Everything here is constexpr and grows with the number of modules and kinds, never with the
// world.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

enum class class_source { self, world, split };

// An opaque tag per slot name, which only a backend interprets (nccl::settings_table makes them
// from its settings): groups with equal members but different tags get different
// communicators. Slots not named have tag 0.
struct kind_tags {
  static constexpr int max_tags = 32;
  struct entry {
    char slot[max_kind_name_length + 1]{};
    int tag = 0;
  };
  std::array<entry, max_tags> entries{};
  int count = 0;

  constexpr int of(std::string_view slot) const {
    for (int i = 0; i < count; ++i)
      if (std::string_view(entries[i].slot) == slot) return entries[i].tag;
    return 0;
  }
  // @pre slot is at most 31 characters; more than max_tags slots is not a constant expression
  constexpr kind_tags with(std::string_view slot, int tag) const {
    kind_tags t = *this;
    int i = 0;
    while (i < t.count && std::string_view(t.entries[i].slot) != slot) ++i;
    if (i == t.count) {
      if (t.count == max_tags) throw "kind_tags: more than 32 tagged slots";
      for (std::size_t c = 0; c < slot.size() && c < max_kind_name_length; ++c)
        t.entries[i].slot[c] = slot[c];
      ++t.count;
    }
    t.entries[i].tag = tag;
    return t;
  }
};

struct plan_options {
  bool reuse_world = true;        // a group of the whole job is the job's own communicator
  bool split_singletons = false;  // give one-rank groups a split round too
  kind_tags tags{};
};

// One way of cutting a span into groups, in canonical form: dims of size 1 dropped and dims
// that continue each other merged, so that equal classes mean equal groups on every rank that
// holds both (pos_embd, on first-stage ranks only, shares the class of the other one-rank groups).
struct group_class {
  int offset = 0, ranks = 0;  // the module span it cuts
  int dims = 0;
  std::array<int, rank_group::max_dims> shape{}, stride{};
  bool partial = false;  // embd with pp > 2: only first and last stage ranks are members
  int tag = 0;
  class_source source = class_source::split;
  int round = -1;              // the split round that builds it, for class_source::split
  int module = -1, slot = -1;  // a (module, slot) of this class, to compute groups with

  constexpr bool same_groups(const group_class& o) const {
    if (offset != o.offset || ranks != o.ranks || dims != o.dims || partial != o.partial ||
        tag != o.tag)
      return false;
    for (int i = 0; i < dims; ++i)
      if (shape[i] != o.shape[i] || stride[i] != o.stride[i]) return false;
    return true;
  }
};

namespace detail {

constexpr group_class canonical_class(const grid& g, const group_kind& slot, int tag) {
  const rank_group first = g.first_slot_group(slot);
  group_class c;
  c.offset = g.offset;
  c.ranks = g.ranks;
  c.tag = tag;
  c.partial = slot == embd_kind && g.pp > 2;
  for (int i = 0; i < first.dims(); ++i) {
    if (first.shape()[i] == 1) continue;
    if (c.dims > 0 && first.stride()[i] == c.shape[c.dims - 1] * c.stride[c.dims - 1]) {
      c.shape[c.dims - 1] *= first.shape()[i];  // continues the previous dim
    } else {
      c.shape[c.dims] = first.shape()[i];
      c.stride[c.dims] = first.stride()[i];
      ++c.dims;
    }
  }
  return c;
}

constexpr std::size_t product_count(std::size_t a, std::size_t b) {
  return a == dynamic_count || b == dynamic_count ? dynamic_count : a * b;
}

}  // namespace detail

template <std::size_t ModuleCount = dynamic_count, std::size_t SlotCount = dynamic_count>
struct split_plan {
  static constexpr std::size_t max_classes = detail::product_count(ModuleCount, SlotCount);
  static constexpr int undefined_color = -1;  // MPI_UNDEFINED / NCCL_SPLIT_NOCOLOR

  topology_description<ModuleCount, SlotCount> layout;
  detail::storage<int, max_classes> class_ids;  // [module * slot_count + slot]; -1: none
  detail::storage<group_class, max_classes> classes;
  int class_count = 0;
  int round_count = 0;

  constexpr split_plan(const topology_description<ModuleCount, SlotCount>& description,
                       const plan_options& options)
      : layout(description),
        class_ids(detail::storage_of<int, max_classes>::make(slots_times_modules(description))),
        classes(detail::storage_of<group_class, max_classes>::make(
            slots_times_modules(description))) {
    for (int m = 0; m < module_count(); ++m) {
      for (int slot = 0; slot < slot_count(); ++slot) {
        class_ids[m * slot_count() + slot] = -1;
        if (!layout.has_slot(m, slot)) continue;
        const group_class c = with_source(
            detail::canonical_class(layout.grids[m], layout.slots[slot],
                                    options.tags.of(layout.slot_name(slot))),
            options);
        int id = 0;
        while (id < class_count && !classes[id].same_groups(c)) ++id;
        if (id == class_count) {
          classes[class_count] = c;
          ++class_count;
        }
        // Groups are computed through a (module, slot) of the class: prefer one that every
        // rank of the span holds (pos_embd exists on the first stage only).
        if (classes[id].slot < 0 || layout.slots[classes[id].slot] == pos_embd_kind) {
          classes[id].module = m;
          classes[id].slot = slot;
        }
        class_ids[m * slot_count() + slot] = id;
      }
    }
    // First fit: a class joins the first round whose classes all have spans disjoint from its.
    for (int id = 0; id < class_count; ++id) {
      if (classes[id].source != class_source::split) continue;
      int round = 0;
      for (;; ++round) {
        bool clash = false;
        for (int other = 0; other < id; ++other)
          if (classes[other].round == round && detail::spans_overlap(classes[other], classes[id]))
            clash = true;
        if (!clash) break;
      }
      classes[id].round = round;
      if (round + 1 > round_count) round_count = round + 1;
    }
  }

  constexpr int world() const { return layout.world; }
  constexpr int module_count() const { return layout.module_count(); }
  constexpr int slot_count() const { return layout.slot_count(); }
  constexpr const grid& module_grid(int m) const { return layout.grids[m]; }

  // The class of module m's groups in a slot; -1: the module has none there.
  constexpr int class_of(int module, int slot) const {
    return class_ids[module * slot_count() + slot];
  }

  // The group that `rank` holds in module m's slot, if any.
  constexpr std::optional<rank_group> group(int module, int slot, int rank) const {
    return layout.group(module, slot, rank);
  }

  // Colour of `rank` in a split round: the smallest member of its group of that round's class
  // that holds it (unique across classes, as their spans are disjoint), or undefined_color.
  constexpr int color(int round, int rank) const {
    const int id = class_in_round(round, rank);
    if (id < 0) return undefined_color;
    return group(classes[id].module, classes[id].slot, rank)->front();
  }
  // Members keep ascending global rank, so a rank's place in a group is its position in the
  // enumeration.
  static constexpr int key(int rank) { return rank; }

  // The class that a round gives `rank` a communicator of, or -1.
  constexpr int class_in_round(int round, int rank) const {
    if (round < 0) return -1;
    for (int id = 0; id < class_count; ++id) {
      const group_class& c = classes[id];
      if (c.round == round && rank >= c.offset && rank < c.offset + c.ranks)
        return group(c.module, c.slot, rank) ? id : -1;
    }
    return -1;
  }

  // Whether `rank` is in some group of class `id`.
  constexpr bool holds(int id, int rank) const {
    for (int m = 0; m < module_count(); ++m)
      for (int s = 0; s < slot_count(); ++s)
        if (class_of(m, s) == id && group(m, s, rank)) return true;
    return false;
  }

  // What one rank holds: the groups it is in, and the distinct classes behind them.
  struct rank_counts {
    int groups = 0;
    int communicators = 0;
  };
  constexpr rank_counts counts(int rank) const {
    rank_counts n;
    auto seen = detail::storage_of<bool, max_classes>::make(classes.size());
    for (int m = 0; m < module_count(); ++m)
      for (int slot = 0; slot < slot_count(); ++slot) {
        const int id = class_of(m, slot);
        if (id < 0 || !group(m, slot, rank)) continue;
        ++n.groups;
        if (!seen[id]) {
          seen[id] = true;
          ++n.communicators;
        }
      }
    return n;
  }

 private:
  static constexpr std::size_t slots_times_modules(
      const topology_description<ModuleCount, SlotCount>& d) {
    return static_cast<std::size_t>(d.module_count()) * static_cast<std::size_t>(d.slot_count());
  }

  constexpr group_class with_source(group_class c, const plan_options& options) const {
    const int world_size = layout.world;
    const bool whole_job =
        c.offset == 0 && c.ranks == world_size && !c.partial &&
        (c.dims == 0 ? world_size == 1
                     : c.dims == 1 && c.shape[0] == world_size && c.stride[0] == 1);
    if (options.reuse_world && c.tag == 0 && whole_job)
      c.source = class_source::world;
    else if (c.dims == 0 && !options.split_singletons)
      c.source = class_source::self;
    return c;
  }
};

// The plan of a topology type, computed once at compile time.
template <class Topology, plan_options Options = plan_options{}>
inline constexpr split_plan<Topology::module_count, Topology::slots.size()> plan_of{
    Topology::description, Options};

}  // namespace hetgrid

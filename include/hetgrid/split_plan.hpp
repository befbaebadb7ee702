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
// Everything here is constexpr; classes are made once per distinct factorization of a module
// (n log n in modules at most, linear for a layout in rank order), never per rank of the world,
// and a rank's questions look at the modules that hold it alone.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "hetgrid/detail/heap_sort.hpp"
#include "hetgrid/detail/rule_facts.hpp"
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
  bool partial = false;  // some ranks of each group's span are not members (embd with pp > 2)
  int tag = 0;
  class_source source = class_source::split;
  int round = -1;              // the split round that builds it, for class_source::split
  int module = -1, slot = -1;  // a (module, slot) of this class, to compute groups with

  constexpr bool same_groups(const group_class& o) const {
    if (dims != o.dims || offset != o.offset || ranks != o.ranks || partial != o.partial ||
        tag != o.tag)
      return false;
    for (int i = 0; i < dims; ++i)
      if (shape[i] != o.shape[i] || stride[i] != o.stride[i]) return false;
    return true;
  }
};

namespace detail {

// What the plan needs of a slot, read once per slot: comparing kinds costs a constant
// evaluation more than all the rest of the plan.
struct slot_facts {
  members taken = members::all;
  bool language_only = false;
  int tag = 0;
};

// The canonical class of module g's groups in a slot, from the grid's sizes and strides alone:
// building the slot's first group instead cost a constant evaluation about 2000 operations,
// most of a split plan's.
constexpr group_class canonical_class(const grid& g, const group_kind& slot,
                                      const slot_facts& facts) {
  group_class c;
  c.offset = g.offset;
  c.ranks = g.ranks;
  c.tag = facts.tag;
  const auto add_dim = [&c](int size, int stride) {
    if (size == 1) return;
    if (c.dims > 0 && stride == c.shape[c.dims - 1] * c.stride[c.dims - 1]) {
      c.shape[c.dims - 1] *= size;  // continues the previous dim
    } else {
      c.shape[c.dims] = size;
      c.stride[c.dims] = stride;
      ++c.dims;
    }
  };
  const auto& sizes = g.sizes(slot.in_view);
  const auto& strides = g.strides(slot.in_view);
  if (facts.taken == members::first) return c;  // one rank: the first of its span
  if (facts.taken == members::ends) {           // the first and the last of its span
    int span = 1, last = 0;
    for (int i = 0; i < view_dim_count; ++i)
      if (slot.dims >> i & 1u) span *= sizes[i], last += (sizes[i] - 1) * strides[i];
    c.partial = span > 2;
    if (span > 1) add_dim(2, last);
    return c;
  }
  for (int i = 0; i < view_dim_count; ++i)
    if (slot.dims >> i & 1u) add_dim(sizes[i], strides[i]);
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

  topology_description<ModuleCount, SlotCount> description;
  detail::storage<int, max_classes> class_ids;  // [module * slot_count + slot]; -1: none
  detail::storage<group_class, max_classes> classes;
  int class_count = 0;
  int round_count = 0;

  constexpr split_plan(const topology_description<ModuleCount, SlotCount>& layout,
                       const plan_options& options)
      : description(layout),
        class_ids(detail::storage_of<int, max_classes>::make(slots_times_modules(description))),
        // Run-time plans size their classes once the factorizations are known (below).
        classes(detail::storage_of<group_class, max_classes>::make(
            max_classes == dynamic_count ? 0 : slots_times_modules(description))),
        modules_by_offset_(detail::storage_of<int, ModuleCount>::make(
            static_cast<std::size_t>(description.module_count()))),
        prototype_(detail::storage_of<int, ModuleCount>::make(
            static_cast<std::size_t>(description.module_count()))) {
    // Spans are all equal (colocated) or pairwise disjoint, so classes of two modules can be
    // equal, or clash in a round, only in a colocated layout: elsewhere a module's classes are
    // compared with its own alone, and a split class's round is the count of split classes
    // before it on its span (what first fit gives). Modules of the same factorization share
    // their classes (one split round serves all their disjoint spans at once), so the plan
    // computes a class list per distinct factorization, not per module: thousands of modules
    // stay within a constant evaluation's limits.
    const bool one_span = description.kind == layout_kind::colocated;
    // Plain pointers and counts held in locals: a constant evaluation counts every call.
    const int modules = module_count(), slots = slot_count();
    detail::scratch<detail::slot_facts> facts(static_cast<std::size_t>(slots));
    for (int slot = 0; slot < slots; ++slot)
      facts.items[slot] = {description.slots[slot].taken, description.slots[slot].language_only,
                           options.tags.of(description.slot_name(slot))};
    find_prototypes();
    if constexpr (max_classes == dynamic_count) {  // at most a class per slot of a prototype
      std::size_t prototypes = 0;
      for (int m = 0; m < modules; ++m) prototypes += prototype_[m] == m;
      classes.resize(prototypes * static_cast<std::size_t>(slots));
    }
    int* const ids = class_ids.data();
    group_class* const all = classes.data();
    int span_first_class = 0, span_split_classes = 0;
    for (int m = 0; m < modules; ++m) {
      if (prototype_[m] != m) continue;
      if (!one_span) span_first_class = class_count, span_split_classes = 0;
      const grid& g = description.grids[m];
      for (int slot = 0; slot < slots; ++slot) {
        const detail::slot_facts& slot_is = facts.items[slot];
        if (!g.language && slot_is.language_only) {
          ids[m * slots + slot] = -1;
          continue;
        }
        group_class c =
            with_source(detail::canonical_class(g, description.slots[slot], slot_is), options);
        int id = span_first_class;
        while (id < class_count && !all[id].same_groups(c)) ++id;
        if (id == class_count) {
          if (c.source == class_source::split) {
            c.round = span_split_classes++;
            if (c.round + 1 > round_count) round_count = c.round + 1;
          }
          all[class_count++] = c;
        }
        // Groups are computed through a (module, slot) of the class: prefer one that every
        // rank of the span holds (pos_embd exists on the first stage only).
        if (all[id].slot < 0 || facts.items[all[id].slot].taken != members::all) {
          all[id].module = m;
          all[id].slot = slot;
        }
        ids[m * slots + slot] = id;
      }
    }
    // Modules by offset, for the binary search of for_each_module_holding.
    detail::scratch<int> offsets(static_cast<std::size_t>(modules));
    for (int m = 0; m < modules; ++m) {
      modules_by_offset_[m] = m;
      offsets.items[m] = description.grids[m].offset;
    }
    const int* const offset = offsets.items;
    if (!one_span)
      detail::sort_unless_sorted(modules_by_offset_.data(), modules_by_offset_.size(),
                                 [offset](int a, int b) { return offset[a] < offset[b]; });
  }

  constexpr int world() const { return description.world; }
  constexpr int module_count() const { return description.module_count(); }
  constexpr int slot_count() const { return description.slot_count(); }
  constexpr const grid& module_grid(int m) const { return description.grids[m]; }

  // The class of module m's groups in a slot; -1: the module has none there. A class is shared
  // by the modules of one factorization; its (module, slot) is the first of them.
  constexpr int class_of(int module, int slot) const {
    return class_ids[prototype_[module] * slot_count() + slot];
  }

  // The group that `rank` holds in module m's slot, if any.
  constexpr std::optional<rank_group> group(int module, int slot, int rank) const {
    return description.group(module, slot, rank);
  }

  // Colour of `rank` in a split round: the smallest member of its group of that round's class
  // that holds it (unique across classes, as their spans are disjoint), or undefined_color.
  constexpr int color(int round, int rank) const {
    const held h = held_in_round(round, rank);
    if (h.id < 0) return undefined_color;
    return group(h.module, h.slot, rank)->front();
  }
  // Members keep ascending global rank, so a rank's place in a group is its position in the
  // enumeration.
  static constexpr int key(int rank) { return rank; }

  // Calls f(m) for each module that holds `rank`: one in a non-colocated layout, found by
  // binary search; every module in a colocated one.
  template <class F>
  constexpr void for_each_module_holding(int rank, F f) const {
    if (description.kind == layout_kind::colocated) {
      for (int m = 0; m < module_count(); ++m)
        if (description.grids[m].contains(rank)) f(m);
      return;
    }
    std::size_t low = 0, high = modules_by_offset_.size();  // the last offset <= rank
    while (high - low > 1) {
      const std::size_t mid = low + (high - low) / 2;
      (description.grids[modules_by_offset_[mid]].offset <= rank ? low : high) = mid;
    }
    if (high > 0 && description.grids[modules_by_offset_[low]].contains(rank))
      f(modules_by_offset_[low]);
  }

  // The class that a round gives `rank` a communicator of, or -1.
  constexpr int class_in_round(int round, int rank) const { return held_in_round(round, rank).id; }

  // A class as `rank` holds it: the class, and the module and slot it holds it in.
  struct held {
    int id = -1, module = -1, slot = -1;
  };
  // Where `rank` holds a group of class `id` (id -1 where it holds none).
  constexpr held held_as(int id, int rank) const {
    return first_held(rank, [id](int c) { return c == id; });
  }
  // Whether `rank` is in some group of class `id`.
  constexpr bool holds(int id, int rank) const { return held_as(id, rank).id >= 0; }

  // What one rank holds: the groups it is in, and the distinct classes behind them.
  struct rank_counts {
    int groups = 0;
    int communicators = 0;
  };
  constexpr rank_counts counts(int rank) const {
    int holding = 0;
    for_each_module_holding(rank, [&](int) { ++holding; });
    detail::scratch<int> ids(static_cast<std::size_t>(holding) * slot_count());
    rank_counts n;
    for_each_module_holding(rank, [&](int m) {
      for (int slot = 0; slot < slot_count(); ++slot) {
        const int id = class_of(m, slot);
        if (id >= 0 && group(m, slot, rank)) ids.items[n.groups++] = id;
      }
    });
    detail::heap_sort(ids.items, static_cast<std::size_t>(n.groups),
                      [](int a, int b) { return a < b; });
    for (int i = 0; i < n.groups; ++i)
      n.communicators += i == 0 || ids.items[i] != ids.items[i - 1];
    return n;
  }

 private:
  static constexpr std::size_t slots_times_modules(
      const topology_description<ModuleCount, SlotCount>& d) {
    return static_cast<std::size_t>(d.module_count()) * static_cast<std::size_t>(d.slot_count());
  }

  detail::storage<int, ModuleCount> modules_by_offset_;  // module indices, by span
  detail::storage<int, ModuleCount> prototype_;  // the first module of each one's factorization

  // The first group `rank` holds whose class `accepts`, in module and slot order.
  template <class Accepts>
  constexpr held first_held(int rank, Accepts accepts) const {
    held found;
    for_each_module_holding(rank, [&](int m) {
      for (int s = 0; s < slot_count() && found.id < 0; ++s) {
        const int id = class_of(m, s);
        if (id >= 0 && accepts(id) && group(m, s, rank)) found = {id, m, s};
      }
    });
    return found;
  }
  constexpr held held_in_round(int round, int rank) const {
    if (round < 0) return {};
    return first_held(rank, [&](int id) { return classes[id].round == round; });
  }

  // Modules of one factorization (every size, and the language mark) get the first of them as
  // their prototype: sorted by factorization, n log n. The sizes are grid_spec's field table
  // (a field added there is in the key), as the grid resolves them; offset is the module's
  // place, not its factorization, and its slot holds the language mark.
  constexpr void find_prototypes() {
    const int modules = module_count();
    constexpr std::size_t key_size = sizeof spec_fields / sizeof spec_fields[0];
    using factorization = std::array<int, key_size>;
    detail::scratch<factorization> keys(static_cast<std::size_t>(modules));
    detail::scratch<int> order(static_cast<std::size_t>(modules));
    for (int m = 0; m < modules; ++m) {
      const grid_spec& spec = description.grids[m].spec();
      std::size_t i = 0;
      for (const spec_field& f : spec_fields)
        if (f.member != &grid_spec::offset)
          keys.items[m][i++] = detail::resolved_field(spec, f.member);
      keys.items[m][i] = spec.language ? 1 : 0;
      order.items[m] = m;
    }
    // Most layouts repeat a module's factorization in runs: sorted already, nothing to sort.
    const factorization* const k = keys.items;
    detail::sort_unless_sorted(order.items, static_cast<std::size_t>(modules), [k](int a, int b) {
      for (std::size_t i = 0; i < key_size; ++i)
        if (k[a][i] != k[b][i]) return k[a][i] < k[b][i];
      return a < b;
    });
    for (int i = 0; i < modules; ++i) {
      const int m = order.items[i];
      const bool repeats = i > 0 && k[m] == k[order.items[i - 1]];
      prototype_[m] = repeats ? prototype_[order.items[i - 1]] : m;
    }
  }

  constexpr group_class with_source(group_class c, const plan_options& options) const {
    const int world_size = description.world;
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

// hetgrid/split_plan.hpp: the backend-neutral plan that turns a topology into communicators.
// For each group a rank can hold it says which *class* of groups it belongs to (one way of
// cutting a module's span into groups; groups of equal class have equal members on every rank),
// and for each split *round* each rank's colour and key. mpi.hpp and nccl.hpp only execute it.
//
// A class needs no collective when its groups are single ranks (`self`) or the whole job
// (`world`, unless reuse is turned off). The others are packed into rounds: a round holds
// classes whose spans are disjoint, so a non-colocated layout needs at most one round per slot
// for all modules at once, and a slot whose groups repeat an earlier slot's needs none.
// Everything here is constexpr and grows with the number of modules, never with the world.
#pragma once

#include <array>
#include <optional>

#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/rank_group.hpp"

namespace hetgrid {

enum class class_source { self, world, split };

// Which settings table entry (nccl/settings.hpp) each slot uses; 0 = the default settings.
using slot_settings = std::array<int, slot_count>;

struct plan_options {
  bool reuse_world = true;        // a group of the whole job is the job's own communicator
  bool split_singletons = false;  // give one-rank groups a split round too (NCCL's eager path)
  slot_settings settings{};
};

// One way of cutting a span into groups, in canonical form: dims of size 1 dropped and dims
// that continue each other merged, so that equal classes mean equal groups on every rank that
// holds both (pos_embd, on first-stage ranks only, shares the class of the other one-rank groups).
struct group_class {
  int offset = 0, ranks = 0;  // the module span it cuts
  int dims = 0;
  std::array<int, rank_group::max_dims> shape{}, stride{};
  bool partial = false;  // embd with pp > 2: only first and last stage ranks are members
  int setting = 0;
  class_source source = class_source::split;
  int round = -1;                    // the split round that builds it, for class_source::split
  int module = -1, slot = -1;        // a (module, slot) of this class, to compute groups with

  constexpr bool same_groups(const group_class& o) const {
    if (offset != o.offset || ranks != o.ranks || dims != o.dims || partial != o.partial ||
        setting != o.setting)
      return false;
    for (int i = 0; i < dims; ++i)
      if (shape[i] != o.shape[i] || stride[i] != o.stride[i]) return false;
    return true;
  }
};

namespace detail {

constexpr group_class canonical_class(const grid& g, int slot, int setting) {
  const rank_group first = slot == embd_slot       ? g.embd_group_at(0)
                           : slot == pos_embd_slot ? g.pos_embd_group_at(0)
                                                   : g.group(static_cast<group_kind>(slot), 0);
  group_class c;
  c.offset = g.offset;
  c.ranks = g.ranks;
  c.setting = setting;
  c.partial = slot == embd_slot && g.pp > 2;
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

constexpr bool spans_overlap(const group_class& a, const group_class& b) {
  return a.offset < b.offset + b.ranks && b.offset < a.offset + a.ranks;
}

}  // namespace detail

template <int ModuleCount>
struct split_plan {
  static constexpr int max_classes = ModuleCount * slot_count;
  static constexpr int undefined_color = -1;  // MPI_UNDEFINED / NCCL_SPLIT_NOCOLOR

  int world = 0;
  std::array<grid, ModuleCount> grids;
  // class_of[m][slot]: the class of module m's groups in that slot; -1: the module has none.
  std::array<std::array<int, slot_count>, ModuleCount> class_of{};
  std::array<group_class, max_classes> classes{};
  int class_count = 0;
  int round_count = 0;

  constexpr split_plan(int world_size, const std::array<grid, ModuleCount>& module_grids,
                       const plan_options& options)
      : world(world_size), grids(module_grids) {
    for (int m = 0; m < ModuleCount; ++m) {
      for (int slot = 0; slot < slot_count; ++slot) {
        class_of[m][slot] = -1;
        if (slot >= embd_slot && !grids[m].language) continue;
        const group_class c =
            with_source(detail::canonical_class(grids[m], slot, options.settings[slot]), options);
        int id = 0;
        while (id < class_count && !classes[id].same_groups(c)) ++id;
        if (id == class_count) {
          classes[class_count] = c;
          ++class_count;
        }
        // Groups are computed through a (module, slot) of the class: prefer one that every
        // rank of the span holds (pos_embd exists on the first stage only).
        if (classes[id].slot < 0 || classes[id].slot == pos_embd_slot) {
          classes[id].module = m;
          classes[id].slot = slot;
        }
        class_of[m][slot] = id;
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

  // The group that `rank` holds in module m's slot, if any.
  constexpr std::optional<rank_group> group(int module, int slot, int rank) const {
    return grids[module].slot_group(slot, rank);
  }

  // Colour of `rank` in a split round: the smallest member of its group of that round's class
  // that holds it (unique across classes, as their spans are disjoint), or undefined_color.
  constexpr int color(int round, int rank) const {
    if (round < 0) return undefined_color;  // classes that no round builds
    for (int id = 0; id < class_count; ++id) {
      const group_class& c = classes[id];
      if (c.round != round || rank < c.offset || rank >= c.offset + c.ranks) continue;
      const std::optional<rank_group> g = group(c.module, c.slot, rank);
      return g ? g->front() : undefined_color;
    }
    return undefined_color;
  }
  // Members keep ascending global rank, so a rank's place in a group is its SPEC position.
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

  // What one rank holds: the groups it is in, and the distinct classes behind them.
  struct rank_counts {
    int groups = 0;
    int communicators = 0;
  };
  constexpr rank_counts counts(int rank) const {
    rank_counts n;
    std::array<bool, max_classes> seen{};
    for (int m = 0; m < ModuleCount; ++m)
      for (int slot = 0; slot < slot_count; ++slot) {
        if (class_of[m][slot] < 0 || !group(m, slot, rank)) continue;
        ++n.groups;
        if (!seen[class_of[m][slot]]) {
          seen[class_of[m][slot]] = true;
          ++n.communicators;
        }
      }
    return n;
  }

 private:
  constexpr group_class with_source(group_class c, const plan_options& options) const {
    const bool whole_job = c.offset == 0 && c.ranks == world && !c.partial &&
                           (c.dims == 0 ? world == 1
                                        : c.dims == 1 && c.shape[0] == world && c.stride[0] == 1);
    if (options.reuse_world && c.setting == 0 && whole_job)
      c.source = class_source::world;
    else if (c.dims == 0 && !options.split_singletons)
      c.source = class_source::self;
    return c;
  }
};

// The plan of a topology type, computed once at compile time.
template <class Topology, plan_options Options = plan_options{}>
inline constexpr split_plan<Topology::module_count> plan_of{Topology::world, Topology::grids,
                                                            Options};

}  // namespace hetgrid

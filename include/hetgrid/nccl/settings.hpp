// hetgrid/nccl/settings.hpp: per-group NCCL settings, a constexpr table written next to the
// layout. Entry 0 is NCCL's defaults; each slot (group kind, embd, pos_embd) points at one entry.
// Groups with equal members but different entries get different communicators.
#pragma once

#include <nccl.h>

#include <array>

#include "hetgrid/group_kind.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::nccl {

struct comm_settings {
  bool high_priority = false;  // ncclConfig_t has no priority: hetgrid makes the stream
  int min_ctas = 0;            // 0: NCCL's default
  int max_ctas = 0;            // 0: NCCL's default
  // 1: this kind's split communicators share NCCL resources with each other, split off a
  // sharing parent of their own (NCCL reads the flag on the parent): they must never run
  // concurrently in different orders (docs/CONTRACT.md section 3). -1 / 0: no sharing (default).
  int split_share = -1;
  int cga_cluster_size = -1;   // -1: NCCL's default
  // NCCL's blocking mode for the communicator's own calls (the default): grouped send/recv at
  // full speed (BENCHMARKS.md, "Blocking against non-blocking": a non-blocking group end starts a
  // thread). Creation stays bounded either way: a split's call follows its *parent's* mode, and
  // hetgrid splits off a non-blocking parent (bootstrap::split_parent()) and polls it with the
  // deadline. In the steady state the watchdog (watchdog.hpp) bounds a stalled operation.
  // false: NCCL's non-blocking mode (every call may return ncclInProgress; poll with await()).
  bool blocking = true;
  friend constexpr bool operator==(const comm_settings&, const comm_settings&) = default;
};

// The table hands the neutral plan only an opaque tag per slot (split_plan.hpp's kind_tags):
// the entry's index. Groups with equal members but different entries get different
// communicators.
struct settings_table {
  static constexpr int max_entries = 8;
  std::array<comm_settings, max_entries> entries{};
  int entry_count = 1;
  kind_tags tags{};  // slot name -> entry; a slot not named uses entry 0

  // The table with the slot named `slot` (a kind's name, "embd" or "pos_embd") set to `s`.
  constexpr settings_table with_name(std::string_view slot, comm_settings s) const {
    settings_table t = *this;
    int entry = 0;
    while (entry < t.entry_count && !(t.entries[entry] == s)) ++entry;
    if (entry == t.entry_count) {
      if (t.entry_count == max_entries) throw "settings_table: more than 8 distinct settings";
      t.entries[t.entry_count++] = s;
    }
    t.tags = t.tags.with(slot, entry);
    return t;
  }
  // Any kind, a program's own included.
  constexpr settings_table with(const group_kind& kind, comm_settings s) const {
    return with_name(kind.name_view(), s);
  }
  // A built-in slot by number (a built-in kind's row, embd_slot or pos_embd_slot).
  constexpr settings_table with_slot(int slot, comm_settings s) const {
    return with_name(slot_name(slot), s);
  }
  constexpr const comm_settings& of(std::string_view slot) const { return entries[tags.of(slot)]; }
  constexpr const comm_settings& of_tag(int tag) const { return entries[tag]; }
};

// How the plan is cut (the world's reuse, one-rank groups split or made locally) is the plan's
// own plan_options (split_plan.hpp); its tags come from the settings table, never from here.
// build_options is its former name (its fields are plan_options' now).
using build_options = plan_options;

// Every group from a split of its own: no reuse of the world, one-rank groups split too (what
// the benchmarks and tests use to measure a communicator that rank_groups creates and owns).
inline constexpr plan_options split_everything{.reuse_world = false, .split_singletons = true};

namespace detail {

inline ncclConfig_t make_config(const comm_settings& s, const char* name) {
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = s.blocking ? 1 : 0;  // polled with a deadline unless asked otherwise
  if (s.min_ctas > 0) config.minCTAs = s.min_ctas;
  if (s.max_ctas > 0) config.maxCTAs = s.max_ctas;
  if (s.split_share >= 0) config.splitShare = s.split_share;
  if (s.cga_cluster_size >= 0) config.cgaClusterSize = s.cga_cluster_size;
  config.commName = name;
  return config;
}

}  // namespace detail
}  // namespace hetgrid::nccl

// hetgrid/nccl/sharing.hpp: which split rounds share NCCL resources (comm_settings::split_share).
// NCCL decides sharing on the *parent* of a split (the splitShare it was made with), never on the
// child's config, so the kinds that ask for it are split off a parent of their own made with
// splitShare = 1 (rank_groups.hpp). Every rank calls a round on one parent, so the classes of a
// round must all ask for it or all not: the plan is a type, so that is checked at compile time.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/split_plan.hpp"

namespace hetgrid::nccl::detail {

enum class round_sharing : signed char { plain, shared, mixed };

// Per split round of Plan: plain, shared (every class of it asks for sharing), or mixed.
template <const auto& Plan, settings_table Settings>
constexpr std::array<round_sharing, Plan.round_count> sharing_of_rounds() {
  std::array<round_sharing, Plan.round_count> rounds{};
  std::array<bool, Plan.round_count> seen{};
  for (int id = 0; id < Plan.class_count; ++id) {
    const auto& c = Plan.classes[id];
    if (c.source != class_source::split || c.round < 0) continue;
    const round_sharing s = Settings.of_tag(c.tag).split_share == 1 ? round_sharing::shared
                                                                    : round_sharing::plain;
    if (!seen[c.round]) rounds[c.round] = s;
    else if (rounds[c.round] != s) rounds[c.round] = round_sharing::mixed;
    seen[c.round] = true;
  }
  return rounds;
}

template <const auto& Plan, settings_table Settings>
constexpr bool no_mixed_round() {
  for (const round_sharing s : sharing_of_rounds<Plan, Settings>())
    if (s == round_sharing::mixed) return false;
  return true;
}

// The slots a table marks split_share = 1, comma-separated: the note names them.
inline std::string sharing_slots(const settings_table& settings) {
  std::string names;
  for (int i = 0; i < settings.tags.count; ++i)
    if (settings.of_tag(settings.tags.entries[i].tag).split_share == 1)
      names += (names.empty() ? "" : ", ") + std::string(settings.tags.entries[i].slot);
  return names;
}

// The line printed (rank 0, stderr) when a sharing parent is made: the trade is never silent.
inline std::string sharing_note(const std::string& slots) {
  return "hetgrid: nccl: " + slots + " share NCCL resources (split_share = 1): their operations "
         "run one at a time in the order each rank issues them, so they must never be issued "
         "concurrently in different orders, and aborting one makes the others unusable "
         "(docs/CONTRACT.md, section 3, NCCL settings)";
}

}  // namespace hetgrid::nccl::detail

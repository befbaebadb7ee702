// hetgrid/layout_check.hpp: the rules that concern a whole topology (SPEC section 1), as constexpr
// predicates over its specs. topology<> static_asserts each one; check_layout() runs them all at
// run time, for specs read from a command line, and reports the first broken rule in SPEC order.
#pragma once

#include <span>
#include <string>

#include "hetgrid/detail/rules.hpp"
#include "hetgrid/grid_spec.hpp"

namespace hetgrid {

enum class layout { colocated, non_colocated };

constexpr std::string_view to_string(layout l) {
  return l == layout::colocated ? "colocated" : "non_colocated";
}

namespace detail {

constexpr int language_count(std::span<const grid_spec> specs) {
  int n = 0;
  for (const auto& s : specs) n += s.language ? 1 : 0;
  return n;
}

constexpr bool names_distinct(std::span<const grid_spec> specs) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t j = i + 1; j < specs.size(); ++j)
      if (specs[i].name_view() == specs[j].name_view()) return false;
  return true;
}

constexpr bool spans_equal(const grid_spec& a, const grid_spec& b) {
  return a.offset == b.offset && a.ranks == b.ranks;
}
constexpr bool spans_overlap(const grid_spec& a, const grid_spec& b) {
  return a.offset < b.offset + b.ranks && b.offset < a.offset + a.ranks;
}

constexpr bool all_spans_equal(std::span<const grid_spec> specs) {
  for (const auto& s : specs)
    if (!spans_equal(s, specs[0])) return false;
  return true;
}

// Rule 5: all identical (colocated) or pairwise disjoint (non-colocated).
constexpr bool spans_disjoint_or_equal(std::span<const grid_spec> specs) {
  if (specs.empty() || all_spans_equal(specs)) return true;
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t j = i + 1; j < specs.size(); ++j)
      if (spans_overlap(specs[i], specs[j])) return false;
  return true;
}

// Rule 6, no gap: with the spans inside [0, world) and identical-or-disjoint, they cover it
// exactly when their sizes add up to world (colocated: the one span is the world).
constexpr bool spans_cover(int world, std::span<const grid_spec> specs) {
  if (specs.empty()) return false;
  if (all_spans_equal(specs)) return specs[0].offset == 0 && specs[0].ranks == world;
  long long covered = 0;
  for (const auto& s : specs) covered += s.ranks;
  return covered == world;
}

}  // namespace detail

// The first broken rule and the module it concerns (-1: the topology as a whole).
struct layout_error {
  error_kind kind = error_kind::none;
  int module = -1;
  constexpr explicit operator bool() const { return kind != error_kind::none; }
};

// Order (SPEC section 1): language, names; then each module (positive, divisible, world);
// then disjoint; then partition.
constexpr layout_error check_layout(int world, std::span<const grid_spec> specs) {
  if (specs.empty()) return {error_kind::names, -1};
  if (detail::language_count(specs) != 1) return {error_kind::language, -1};
  if (!detail::names_distinct(specs)) return {error_kind::names, -1};
  if (world < 1) return {error_kind::positive, -1};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (error_kind k = check_module(specs[i]); k != error_kind::none)
      return {k, static_cast<int>(i)};
    if (!detail::fits_world(specs[i], world)) return {error_kind::world, static_cast<int>(i)};
  }
  if (!detail::spans_disjoint_or_equal(specs)) return {error_kind::disjoint, -1};
  if (!detail::spans_cover(world, specs)) return {error_kind::partition, -1};
  return {};
}

// @pre !check_layout(world, specs)
constexpr layout layout_of(std::span<const grid_spec> specs) {
  return detail::all_spans_equal(specs) ? layout::colocated : layout::non_colocated;
}

// The message of a broken rule: the rule's words (as the compiler shows them), then the facts.
inline std::string describe(const layout_error& e, int world, std::span<const grid_spec> specs) {
  using namespace std::string_literals;
  const auto module_facts = [&](const grid_spec& s) {
    return "; module '"s + std::string(s.name_view()) + "': ranks=" + std::to_string(s.ranks) +
           " offset=" + std::to_string(s.offset) + " tp=" + std::to_string(s.tp) +
           " cp=" + std::to_string(s.cp) + " pp=" + std::to_string(s.pp) +
           " ep=" + std::to_string(s.ep) + " expt_tp=" + std::to_string(s.resolved_expt_tp());
  };
  switch (e.kind) {
    case error_kind::none: return "none";
    case error_kind::language:
      return HETGRID_RULE_LANGUAGE "; "s + std::to_string(detail::language_count(specs)) +
             " are marked";
    case error_kind::names:
      return specs.empty() ? HETGRID_RULE_NAMES_EMPTY : HETGRID_RULE_NAMES_DISTINCT;
    case error_kind::positive:
      if (e.module < 0) return HETGRID_RULE_WORLD_POSITIVE "; world="s + std::to_string(world);
      return HETGRID_RULE_POSITIVE + module_facts(specs[e.module]);
    case error_kind::divisible: {
      const grid_spec& s = specs[e.module];
      return (detail::dense_divisible(s) ? HETGRID_RULE_DIVISIBLE_EXPERT
                                         : HETGRID_RULE_DIVISIBLE_DENSE) +
             module_facts(s);
    }
    case error_kind::world:
      return HETGRID_RULE_WORLD + module_facts(specs[e.module]) +
             "; world=" + std::to_string(world);
    case error_kind::disjoint: return HETGRID_RULE_DISJOINT;
    case error_kind::partition: return HETGRID_RULE_PARTITION "; world="s + std::to_string(world);
  }
  return "unknown";
}

// Throws topology_error with the first broken rule's message.
inline void validate_layout(int world, std::span<const grid_spec> specs) {
  if (const layout_error e = check_layout(world, specs)) throw topology_error(e.kind, describe(e, world, specs));
}

}  // namespace hetgrid

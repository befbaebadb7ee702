// hetgrid/layout_check.hpp: the rules that concern a whole topology (docs/CONTRACT.md section 1), as constexpr
// predicates over its specs, and check_layout() / describe(), which run the rule table of
// detail/rules.hpp at run time, for specs read from a command line, in the contract's order.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hetgrid/detail/rules.hpp"
#include "hetgrid/grid_spec.hpp"

namespace hetgrid {

enum class layout { colocated, non_colocated };

constexpr std::string_view to_string(layout l) {
  return l == layout::colocated ? "colocated" : "non_colocated";
}

namespace detail {

using spec_list = std::span<const grid_spec>;

// Above this many modules the run-time checks sort (n log n) instead of comparing pairs; a
// compile-time topology never gets near it.
inline constexpr std::size_t pairwise_limit = 32;

constexpr int language_count(spec_list specs) {
  int n = 0;
  for (const auto& s : specs) n += s.language ? 1 : 0;
  return n;
}

constexpr long long span_end(const grid_spec& s) {
  return static_cast<long long>(s.offset) + s.ranks;
}
constexpr bool spans_equal(const grid_spec& a, const grid_spec& b) {
  return a.offset == b.offset && a.ranks == b.ranks;
}
constexpr bool spans_overlap(const grid_spec& a, const grid_spec& b) {
  return a.offset < span_end(b) && b.offset < span_end(a);
}
constexpr bool all_spans_equal(spec_list specs) {
  for (const auto& s : specs)
    if (!spans_equal(s, specs[0])) return false;
  return true;
}

constexpr bool has_modules(int, spec_list specs) { return !specs.empty(); }
constexpr bool one_language_module(int, spec_list specs) { return language_count(specs) == 1; }
constexpr bool world_positive(int world, spec_list) { return world >= 1; }

constexpr bool names_distinct(int, spec_list specs) {
  if (std::is_constant_evaluated() || specs.size() <= pairwise_limit) {
    for (std::size_t i = 0; i < specs.size(); ++i)
      for (std::size_t j = i + 1; j < specs.size(); ++j)
        if (specs[i].name_view() == specs[j].name_view()) return false;
    return true;
  }
  std::vector<std::string_view> names;
  names.reserve(specs.size());
  for (const auto& s : specs) names.push_back(s.name_view());
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end();
}

// Rule 5: all identical (colocated) or pairwise disjoint (non-colocated).
constexpr bool spans_disjoint_or_equal(int, spec_list specs) {
  if (specs.empty() || all_spans_equal(specs)) return true;
  if (std::is_constant_evaluated() || specs.size() <= pairwise_limit) {
    for (std::size_t i = 0; i < specs.size(); ++i)
      for (std::size_t j = i + 1; j < specs.size(); ++j)
        if (spans_overlap(specs[i], specs[j])) return false;
    return true;
  }
  std::vector<std::pair<long long, long long>> spans;  // [begin, end), sorted: neighbours clash
  spans.reserve(specs.size());
  for (const auto& s : specs) spans.emplace_back(s.offset, span_end(s));
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second) return false;
  return true;
}

// Rule 6, no gap: with the spans inside [0, world) and identical-or-disjoint, they cover it
// exactly when their sizes add up to world (colocated: the one span is the world).
constexpr bool spans_cover(int world, spec_list specs) {
  if (specs.empty()) return false;
  if (all_spans_equal(specs)) return specs[0].offset == 0 && specs[0].ranks == world;
  long long covered = 0;
  for (const auto& s : specs) covered += s.ranks;
  return covered == world;
}

// One row of the rule table, for the run-time check.
struct topology_rule {
  error_kind kind;
  bool (*holds)(int, spec_list);
  const char* words;
};
struct module_rule {
  error_kind kind;
  bool (*holds)(const grid_spec&, int);
  const char* words;
};

#define HETGRID_RULE_ROW(kind, holds, words) {error_kind::kind, &holds, words},
inline constexpr topology_rule topology_rules_first[] = {
    HETGRID_TOPOLOGY_RULES_FIRST(HETGRID_RULE_ROW)};
inline constexpr module_rule module_rules[] = {
    HETGRID_MODULE_RULES(HETGRID_RULE_ROW) HETGRID_MODULE_WORLD_RULES(HETGRID_RULE_ROW)};
inline constexpr topology_rule topology_rules_last[] = {
    HETGRID_TOPOLOGY_RULES_LAST(HETGRID_RULE_ROW)};
#undef HETGRID_RULE_ROW

}  // namespace detail

// The first broken rule, its words, and the module it concerns (-1: the topology as a whole).
struct layout_error {
  error_kind kind = error_kind::none;
  int module = -1;
  const char* words = "none";
  constexpr explicit operator bool() const { return kind != error_kind::none; }
};

// Order (docs/CONTRACT.md section 1): names (no module), language, names; then each module (positive,
// divisible, world); then disjoint; then partition: the rows of detail/rules.hpp.
constexpr layout_error check_layout(int world, std::span<const grid_spec> specs) {
  for (const auto& rule : detail::topology_rules_first)
    if (!rule.holds(world, specs)) return {rule.kind, -1, rule.words};
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (const auto& rule : detail::module_rules)
      if (!rule.holds(specs[i], world)) return {rule.kind, static_cast<int>(i), rule.words};
  for (const auto& rule : detail::topology_rules_last)
    if (!rule.holds(world, specs)) return {rule.kind, -1, rule.words};
  return {};
}

// @pre !check_layout(world, specs)
constexpr layout layout_of(std::span<const grid_spec> specs) {
  return detail::all_spans_equal(specs) ? layout::colocated : layout::non_colocated;
}

// The message of a broken rule: the rule's words (as the compiler shows them), then the facts.
// Names are printed as given: callers that print to a terminal or a file escape the message.
inline std::string describe(const layout_error& e, int world, std::span<const grid_spec> specs) {
  if (!e) return "none";
  std::string message = e.words;
  if (e.kind == error_kind::language)
    message += "; " + std::to_string(detail::language_count(specs)) + " are marked";
  if (e.module >= 0) {
    const grid_spec& s = specs[e.module];
    message += "; module '" + std::string(s.name_view()) + "': ranks=" + std::to_string(s.ranks) +
               " offset=" + std::to_string(s.offset) + " tp=" + std::to_string(s.tp) +
               " gtp_remat=" + std::to_string(s.gtp_remat) + " cp=" + std::to_string(s.cp) +
               " pp=" + std::to_string(s.pp) + " ep=" + std::to_string(s.ep) +
               " expt_tp=" + std::to_string(s.resolved_expt_tp()) +
               " expt_gtp_remat=" + std::to_string(s.expt_gtp_remat);
  }
  if (e.kind == error_kind::world || e.kind == error_kind::partition ||
      (e.kind == error_kind::positive && e.module < 0))
    message += "; world=" + std::to_string(world);
  return message;
}

// Throws topology_error with the first broken rule's message.
inline void validate_layout(int world, std::span<const grid_spec> specs) {
  if (const layout_error e = check_layout(world, specs))
    throw topology_error(e.kind, describe(e, world, specs));
}

}  // namespace hetgrid

// hetgrid/layout_check.hpp: the rules that concern a whole topology (docs/CONTRACT.md section 1),
// as constexpr predicates over its specs, and check_layout(), which runs the rule table of
// detail/rules.hpp at run time, for specs read from a command line, in the contract's order.
// Its messages as std::string (describe) are in describe.hpp.
#pragma once

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/heap_sort.hpp"
#include "hetgrid/detail/rule_facts.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/grid_spec.hpp"
#include "hetgrid/layout_kind.hpp"

namespace hetgrid {

namespace detail {

// Above this many modules the checks sort (n log n) instead of comparing pairs.
inline constexpr std::size_t pairwise_limit = 32;

// A span [offset, offset + ranks) of anything that has one: a grid_spec, a grid, a split class.
// Its end in 64 bits, so that no sum overflows.
template <class Span>
constexpr long long span_end(const Span& s) {
  return static_cast<long long>(s.offset) + s.ranks;
}
template <class A, class B>
constexpr bool spans_equal(const A& a, const B& b) {
  return a.offset == b.offset && a.ranks == b.ranks;
}
template <class A, class B>
constexpr bool spans_overlap(const A& a, const B& b) {
  return a.offset < span_end(b) && b.offset < span_end(a);
}
template <class Spans>
constexpr bool all_spans_equal(const Spans& spans) {
  for (const auto& s : spans)
    if (!spans_equal(s, spans[0])) return false;
  return true;
}

constexpr bool has_modules(int, spec_list specs) { return !specs.empty(); }
constexpr bool one_language_module(int, spec_list specs) { return language_count(specs) == 1; }
constexpr bool world_positive(int world, spec_list) { return world >= 1; }

// Sorted, n log n, at compile time too: pairs would exceed the compiler's operation limit at a
// few hundred modules, and the error would then point at this rule though it holds.
constexpr bool names_distinct(int, spec_list specs) {
  if (specs.size() <= pairwise_limit) {
    for (std::size_t i = 0; i < specs.size(); ++i)
      for (std::size_t j = i + 1; j < specs.size(); ++j)
        if (specs[i].name_view() == specs[j].name_view()) return false;
    return true;
  }
  // A name as four 8-byte words: integer comparisons cost the compiler a fraction of
  // string_view's, which keeps 5000 modules under g++'s default operation limit.
  struct name_key {
    unsigned long long words[4]{};
  };
  static_assert(sizeof(grid_spec::name) == 32);
  scratch<name_key> keys(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t c = 0; c < 32; ++c)
      keys.items[i].words[c / 8] = keys.items[i].words[c / 8] << 8 |
                                   static_cast<unsigned char>(specs[i].name[c]);
  heap_sort(keys.items, specs.size(), [](const name_key& a, const name_key& b) {
    for (int w = 0; w < 4; ++w)
      if (a.words[w] != b.words[w]) return a.words[w] < b.words[w];
    return false;
  });
  const auto same = [](const name_key& a, const name_key& b) {
    return a.words[0] == b.words[0] && a.words[1] == b.words[1] && a.words[2] == b.words[2] &&
           a.words[3] == b.words[3];
  };
  for (std::size_t i = 1; i < specs.size(); ++i)
    if (same(keys.items[i], keys.items[i - 1])) return false;
  return true;
}

// Rule 5: all identical (colocated) or pairwise disjoint (non-colocated).
constexpr bool spans_disjoint_or_equal(int, spec_list specs) {
  if (specs.empty() || all_spans_equal(specs)) return true;
  if (specs.size() <= pairwise_limit) {  // sorted beyond, at compile time too (names_distinct)
    for (std::size_t i = 0; i < specs.size(); ++i)
      for (std::size_t j = i + 1; j < specs.size(); ++j)
        if (spans_overlap(specs[i], specs[j])) return false;
    return true;
  }
  struct span_bounds {
    long long begin, end;
  };
  scratch<span_bounds> spans(specs.size());  // sorted by begin: only neighbours can clash
  for (std::size_t i = 0; i < specs.size(); ++i)
    spans.items[i] = {specs[i].offset, span_end(specs[i])};
  heap_sort(spans.items, specs.size(), [](const span_bounds& a, const span_bounds& b) {
    return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
  });
  for (std::size_t i = 1; i < specs.size(); ++i)
    if (spans.items[i].begin < spans.items[i - 1].end) return false;
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
  rule_facts facts;
  const char* words;
};
struct module_rule {
  error_kind kind;
  bool (*holds)(const grid_spec&, int);
  rule_facts facts;
  const char* words;
};

#define HETGRID_RULE_ROW(kind, holds, facts, words) {error_kind::kind, &holds, &facts, words},
inline constexpr topology_rule topology_rules_first[] = {
    HETGRID_TOPOLOGY_RULES_FIRST(HETGRID_RULE_ROW)};
inline constexpr module_rule module_rules[] = {
    HETGRID_MODULE_RULES(HETGRID_RULE_ROW) HETGRID_MODULE_WORLD_RULES(HETGRID_RULE_ROW)};
inline constexpr topology_rule topology_rules_last[] = {
    HETGRID_TOPOLOGY_RULES_LAST(HETGRID_RULE_ROW)};
#undef HETGRID_RULE_ROW

}  // namespace detail

// The first broken rule, its words, the module it concerns (-1: the topology as a whole) and
// its row's facts.
struct layout_error {
  error_kind kind = error_kind::none;
  int module = -1;
  const char* words = "none";
  detail::rule_facts facts = nullptr;
  constexpr explicit operator bool() const { return kind != error_kind::none; }
};

// Order (docs/CONTRACT.md section 1): names (no module), language, names; then each module
// (positive, divisible, world); then disjoint; then partition: the rows of detail/rules.hpp.
constexpr layout_error check_layout(int world, const_span<grid_spec> specs) {
  for (const auto& rule : detail::topology_rules_first)
    if (!rule.holds(world, specs)) return {rule.kind, -1, rule.words, rule.facts};
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (const auto& rule : detail::module_rules)
      if (!rule.holds(specs[i], world))
        return {rule.kind, static_cast<int>(i), rule.words, rule.facts};
  for (const auto& rule : detail::topology_rules_last)
    if (!rule.holds(world, specs)) return {rule.kind, -1, rule.words, rule.facts};
  return {};
}

// @pre !check_layout(world, specs)
constexpr layout_kind layout_of(const_span<grid_spec> specs) {
  return detail::all_spans_equal(specs) ? layout_kind::colocated : layout_kind::non_colocated;
}

// Throws topology_error with the first broken rule's message. Declared here for the run-time
// topology's constructor; defined, with describe(), in describe.hpp, which needs <string>.
inline void validate_layout(int world, const_span<grid_spec> specs);

}  // namespace hetgrid

// tools/inspect/layout_rules.hpp: the layout check of hetgrid-inspect, for specs read from a
// command line: hetgrid::check_layout's rules in its order (SPEC section 1), with the library's
// rule words, plus what only a command line can say:
//   - an explicit `expt_tp=0` breaks `positive` (in grid_spec a 0 means "left out");
//   - sizes whose product does not fit an int break `divisible` and never reach int arithmetic:
//     products are taken in 64 bits, saturated above any int;
//   - names and spans are checked in O(n log n) (sorted), so 40,000 modules take milliseconds.
// Once a module passes, every product and sum of its fields fits an int, so hetgrid::grid and
// hetgrid::describe are safe to call on it.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hetgrid/hetgrid.hpp>

namespace hetgrid::inspect {

struct rule_break {
  error_kind kind = error_kind::none;
  std::string message;  // starts with the kind word, as hetgrid::describe's
};

namespace detail {

// a * b for positive factors, saturated at 2^31 (more than any int): enough to compare with an
// int without ever overflowing.
constexpr std::int64_t saturating_product(std::initializer_list<int> factors) {
  constexpr std::int64_t cap = std::int64_t{1} << 31;
  std::int64_t product = 1;
  for (int f : factors) product = std::min<std::int64_t>(product * f, cap);  // <= 2^31 * 2^31
  return product;
}

// ranks divisible by a product of positive factors, without int arithmetic on the product.
constexpr bool divides(int ranks, std::int64_t product) {
  return product <= ranks && ranks % product == 0;
}

inline bool names_distinct_sorted(std::span<const grid_spec> specs) {
  std::vector<std::string_view> names;
  names.reserve(specs.size());
  for (const grid_spec& s : specs) names.push_back(s.name_view());
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end();
}

// Rule 5 in O(n log n): all spans identical, or, sorted by offset, each ends at or before the
// next one starts (then no two overlap). @pre every span non-empty and inside [0, world)
inline bool spans_disjoint_or_equal_sorted(std::span<const grid_spec> specs) {
  if (specs.empty() || hetgrid::detail::all_spans_equal(specs)) return true;
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // (offset, end)
  spans.reserve(specs.size());
  for (const grid_spec& s : specs)
    spans.emplace_back(s.offset, std::int64_t{s.offset} + s.ranks);
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i - 1].second > spans[i].first) return false;
  return true;
}

inline std::string name_in_quotes(const grid_spec& s) {
  std::string quoted(1, '\'');  // appended, not `"'" + ...`: g++ 12 warns falsely on that
  quoted += s.name_view();
  quoted += '\'';
  return quoted;
}

// A module's own rules (positive, divisible), or nullopt. @pre the name and world checked
inline std::optional<rule_break> module_break(int world, std::span<const grid_spec> specs,
                                              std::size_t i, bool expt_tp_given_zero) {
  const grid_spec& s = specs[i];
  const int index = static_cast<int>(i);
  if (expt_tp_given_zero)
    return rule_break{error_kind::positive,
                      HETGRID_RULE_POSITIVE "; module " + name_in_quotes(s) +
                          ": expt_tp=0 was given (only a key that is left out takes its "
                          "default, tp)"};
  if (!hetgrid::detail::sizes_positive(s))
    return rule_break{error_kind::positive,
                      describe({error_kind::positive, index}, world, specs)};
  const std::int64_t dense = saturating_product({s.tp, s.cp, s.pp});
  const std::int64_t expert = saturating_product({s.resolved_expt_tp(), s.ep, s.pp});
  if (divides(s.ranks, dense) && divides(s.ranks, expert)) return std::nullopt;
  // hetgrid::describe multiplies in int: call it only where the products fit.
  if (dense <= INT_MAX && expert <= INT_MAX)
    return rule_break{error_kind::divisible,
                      describe({error_kind::divisible, index}, world, specs)};
  const bool dense_breaks = !divides(s.ranks, dense);
  return rule_break{
      error_kind::divisible,
      std::string(dense_breaks ? HETGRID_RULE_DIVISIBLE_DENSE : HETGRID_RULE_DIVISIBLE_EXPERT) +
          "; module " + name_in_quotes(s) + ": ranks=" + std::to_string(s.ranks) + " but " +
          (dense_breaks ? "tp*cp*pp" : "expt_tp*ep*pp") + " does not even fit an int"};
}

}  // namespace detail

// The first broken rule, in hetgrid::check_layout's order; nullopt for a valid layout.
// `expt_tp_given_zero[i]`: module i was given `expt_tp=0` (empty: none was).
inline std::optional<rule_break> check_layout_input(int world, std::span<const grid_spec> specs,
                                                    std::span<const unsigned char> expt_tp_given_zero = {}) {
  const auto whole = [&](error_kind kind) {
    return rule_break{kind, describe({kind, -1}, world, specs)};
  };
  if (specs.empty()) return whole(error_kind::names);
  if (hetgrid::detail::language_count(specs) != 1) return whole(error_kind::language);
  if (!detail::names_distinct_sorted(specs)) return whole(error_kind::names);
  if (world < 1) return whole(error_kind::positive);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const bool zero = i < expt_tp_given_zero.size() && expt_tp_given_zero[i] != 0;
    if (auto broken = detail::module_break(world, specs, i, zero)) return broken;
    if (!hetgrid::detail::fits_world(specs[i], world))
      return rule_break{error_kind::world,
                        describe({error_kind::world, static_cast<int>(i)}, world, specs)};
  }
  if (!detail::spans_disjoint_or_equal_sorted(specs)) return whole(error_kind::disjoint);
  if (!hetgrid::detail::spans_cover(world, specs)) return whole(error_kind::partition);
  return std::nullopt;
}

}  // namespace hetgrid::inspect

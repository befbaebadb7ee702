// tools/inspect/layout_rules.hpp: hetgrid-inspect's layout check: the library's own
// check_layout (the rule table of hetgrid/detail/rules.hpp, overflow-proof, n log n over
// modules), plus the one thing only a command line can say: an explicit `expt_tp=0` breaks
// `positive`, since in grid_spec a 0 means "left out".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <hetgrid/hetgrid.hpp>

namespace hetgrid::inspect {

struct rule_break {
  error_kind kind = error_kind::none;
  std::string message;  // starts with the kind word, as hetgrid::describe's
};

// The first broken rule, in hetgrid::check_layout's order; nullopt for a valid layout.
// `expt_tp_given_zero[i]`: module i was given `expt_tp=0` (empty: none was).
inline std::optional<rule_break> check_layout_input(
    int world, std::span<const grid_spec> specs,
    std::span<const unsigned char> expt_tp_given_zero = {}) {
  // An explicit zero is a size that is not >= 1: mark it so that the library finds it in its
  // own order (this module's `positive`, after the rules that come before it).
  std::vector<grid_spec> checked(specs.begin(), specs.end());
  for (std::size_t i = 0; i < checked.size() && i < expt_tp_given_zero.size(); ++i)
    if (expt_tp_given_zero[i] != 0) checked[i].expt_tp = -1;
  const layout_error e = check_layout(world, checked);
  if (!e) return std::nullopt;
  if (e.kind == error_kind::positive && e.module >= 0 &&
      static_cast<std::size_t>(e.module) < expt_tp_given_zero.size() &&
      expt_tp_given_zero[e.module] != 0 && specs[e.module].expt_tp == 0)
    return rule_break{e.kind, std::string(e.words) + "; module '" +
                                  std::string(specs[e.module].name_view()) +
                                  "': expt_tp=0 was given (only a key that is left out takes "
                                  "its default, tp)"};
  return rule_break{e.kind, describe(e, world, specs)};
}

}  // namespace hetgrid::inspect

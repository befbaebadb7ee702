// tools/inspect/layout_rules.hpp: hetgrid-inspect's layout check: the library's own
// check_layout (the rule table of hetgrid/detail/rules.hpp, overflow-proof, n log n over
// modules), plus the one thing only a command line can say: a typed `expt_tp=0` breaks
// `positive`, while in grid_spec a 0 means "same as tp".
#pragma once

#include <algorithm>
#include <cstddef>
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

// The first broken rule, in hetgrid::check_layout's order, and its message, hetgrid::describe's
// word for word (an expt_tp left out is 0 in `specs`, "defaulted from tp" in the message);
// nullopt for a valid layout. `typed_zero_expt_tp`: the indices of the specs whose expt_tp=0
// the user typed, a size that breaks `positive` (command_line.hpp's request).
inline std::optional<rule_break> check_layout_input(
    int world, std::span<const grid_spec> specs,
    std::span<const std::size_t> typed_zero_expt_tp = {}) {
  // A typed zero is a size that is not >= 1: handed to the library as one, so that it finds it
  // in its own order (this module's `positive`, after the rules that come before it).
  std::vector<grid_spec> checked(specs.begin(), specs.end());
  for (std::size_t i : typed_zero_expt_tp) checked[i].expt_tp = -1;
  const layout_error e = check_layout(world, checked);
  if (!e) return std::nullopt;
  const bool typed_zero =
      e.module >= 0 && std::find(typed_zero_expt_tp.begin(), typed_zero_expt_tp.end(),
                                 static_cast<std::size_t>(e.module)) != typed_zero_expt_tp.end();
  if (e.kind != error_kind::positive || !typed_zero)
    return rule_break{e.kind, describe(e, world, specs)};
  // The module's other broken sizes as the library says them (its expt_tp set aside), then
  // the typed zero, which the library would call defaulted.
  checked[e.module].expt_tp = 1;
  std::string message = describe(e, world, checked);
  if (!message.ends_with(": ")) message += ", ";
  return rule_break{e.kind, message + "expt_tp=0 was given (only a key that is left out takes "
                                      "its default, tp)"};
}
}  // namespace hetgrid::inspect

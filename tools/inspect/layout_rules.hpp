// tools/inspect/layout_rules.hpp: hetgrid-inspect's layout check: the library's own
// check_layout (the rule table of hetgrid/detail/rules.hpp, overflow-proof, n log n over
// modules), plus the one thing only a command line can say: a typed `expt_tp=0` breaks
// `positive`, while in grid_spec a 0 means "same as tp".
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

// What an expt_tp of 0 in the specs is: grid_spec's "same as tp", or a size the user typed (the
// command line's specs, whose expt_tp command_line.hpp resolves where the key is left out).
enum class expt_tp_zero { same_as_tp, typed };

// The first broken rule, in hetgrid::check_layout's order; nullopt for a valid layout.
inline std::optional<rule_break> check_layout_input(int world, std::span<const grid_spec> specs,
                                                    expt_tp_zero zero = expt_tp_zero::same_as_tp) {
  const auto typed_zero = [&](const grid_spec& s) {
    return zero == expt_tp_zero::typed && s.expt_tp == 0;
  };
  // A typed zero is a size that is not >= 1: handed to the library as one, so that it finds it
  // in its own order (this module's `positive`, after the rules that come before it).
  std::vector<grid_spec> checked(specs.begin(), specs.end());
  for (grid_spec& s : checked)
    if (typed_zero(s)) s.expt_tp = -1;
  const layout_error e = check_layout(world, checked);
  if (!e) return std::nullopt;
  // Said apart where expt_tp alone breaks it (with tp=0 too, the spec's own values say it).
  if (e.kind == error_kind::positive && e.module >= 0 && typed_zero(specs[e.module]) &&
      specs[e.module].tp >= 1)
    return rule_break{e.kind, std::string(e.words) + "; module '" +
                                  std::string(specs[e.module].name_view()) +
                                  "': expt_tp=0 was given (only a key that is left out takes "
                                  "its default, tp)"};
  return rule_break{e.kind, describe(e, world, specs)};
}

}  // namespace hetgrid::inspect

// hetgrid/checked_kind.hpp: a kind named as a constant, checked against the layout when the
// program builds. g[kind] finds a kind at run time (std::out_of_range where the layout builds
// none); checked_kind<Described, Module, Kind> stops the build instead, and the compiler's
// "in instantiation of kind_check<module_grid<...>, kind_row{"name", ...}, ...>" names both.
#pragma once

#include <string_view>

#include "hetgrid/detail/rule_message.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/group_kind.hpp"

namespace hetgrid {

// Where a (module, kind) sits in a layout: the module's index and the kind's slot, or -1.
struct kind_place {
  int module = -1;
  int slot = -1;
  bool language_only = false;  // the slot is built for the language module alone
  bool language = false;       // the module is the language module
};

namespace detail {

// The rules of detail/rules.hpp's HETGRID_KIND_PLACE_RULES, true when they hold.
constexpr bool kind_built(const kind_place& p) { return p.slot >= 0; }
constexpr bool kind_in_language(const kind_place& p) {
  return p.slot < 0 || !p.language_only || p.language;
}

template <class Description>
constexpr kind_place place_of(const Description& d, std::string_view module,
                              const group_kind& kind) {
  kind_place p;
  for (std::size_t m = 0; m < d.grids.size(); ++m)
    if (d.grids[m].name() == module) p.module = static_cast<int>(m);
  for (std::size_t s = 0; s < d.slots.size(); ++s)
    if (d.slots[s] == kind) {
      p.slot = static_cast<int>(s);
      p.language_only = kind.language_only;
    }
  p.language = p.module >= 0 && p.module == d.language_index;
  return p;
}

// A class of its own, so that the compiler prints the module and the kind it was asked for.
template <class Module, group_kind Kind, kind_place Place>
struct kind_check {
  static_assert(Place.module >= 0, "module: this layout has no module of that name");
  // With values where the compiler prints them (detail/rules.hpp's HETGRID_RULE_ASSERT).
#define HETGRID_ASSERT_KIND_PLACE_RULE(kind, holds, words)                            \
  HETGRID_RULE_ASSERT(holds, ::hetgrid::detail::holds(Place), words,                  \
                      rule_message{}.put(words).put("; kind ").quoted(Kind.name_view()) \
                          .put(" of module ").quoted(Module::name))
  HETGRID_KIND_PLACE_RULES(HETGRID_ASSERT_KIND_PLACE_RULE)
#undef HETGRID_ASSERT_KIND_PLACE_RULE
  static constexpr bool ok =
      Place.module >= 0 && Place.slot >= 0 && (!Place.language_only || Place.language);
};

}  // namespace detail

// The place of Module's Kind groups in a layout `Described` (a topology, or anything with a
// static constexpr `description`); the build stops where the layout builds no such group.
template <class Described, class Module, group_kind Kind>
constexpr kind_place checked_kind() {
  constexpr kind_place place = detail::place_of(Described::description, Module::name, Kind);
  (void)detail::kind_check<Module, Kind, place>::ok;  // instantiated: its asserts run
  return place;
}

}  // namespace hetgrid

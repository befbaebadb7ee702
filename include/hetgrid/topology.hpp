// hetgrid/topology.hpp: a whole job's layout as a type, topology<World, Modules...>. Every rule
// of docs/CONTRACT.md section 1 is a static_assert here or in module_grid, generated from the rule
// table (detail/rules.hpp); none grows with World. A program adds kinds of its own with
// topology<...>::with_kinds<make_kind(...), ...>, and places it on nodes with on_nodes<N, ...>.
#pragma once

#include <array>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <initializer_list>

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/module_grid.hpp"
#include "hetgrid/placement_check.hpp"
#include "hetgrid/rank_role.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

namespace detail {

// A class of its own so that the compiler names the module whose span does not fit.
template <int World, class Module>
struct module_fits_world {
#define HETGRID_ASSERT_MODULE_WORLD_RULE(kind, holds, facts, words)                       \
  HETGRID_RULE_ASSERT(holds, ::hetgrid::detail::holds(Module::spec, World), words, \
                      ::hetgrid::detail::module_message(words, &::hetgrid::detail::facts,         \
                                                        Module::spec, World))
  HETGRID_MODULE_WORLD_RULES(HETGRID_ASSERT_MODULE_WORLD_RULE)
#undef HETGRID_ASSERT_MODULE_WORLD_RULE
  static constexpr bool value = true;
};

// Whether every one holds. A list, not a fold: clang nests a fold's operands and stops at 256.
constexpr bool all_hold(std::initializer_list<bool> holds) {
  for (const bool h : holds)
    if (!h) return false;
  return true;
}

// The first of a program's own kinds that cannot join the slots before it (slot.hpp's
// extra_kind_problem), and why; index -1 where all fit.
struct unfit_kind {
  int index = -1;
  const char* why = nullptr;
};
using kind_list = const_span<group_kind>;
constexpr unfit_kind first_unfit_kind(kind_list base, kind_list extra) {
  scratch<group_kind> slots(base.size() + extra.size());
  std::size_t count = 0;
  for (const group_kind& kind : base) slots.items[count++] = kind;
  for (std::size_t i = 0; i < extra.size(); ++i) {
    if (const char* why = extra_kind_problem(kind_list(slots.items, count), extra[i]))
      return {static_cast<int>(i), why};
    slots.items[count++] = extra[i];
  }
  return {};
}

// The kind rules' predicates and facts (rows of detail/rules.hpp's HETGRID_KIND_RULES).
constexpr bool some_extra_kind(kind_list, kind_list extra) { return !extra.empty(); }
constexpr bool extra_kinds_fit(kind_list base, kind_list extra) {
  return first_unfit_kind(base, extra).index < 0;
}
constexpr void no_kind_facts(rule_message& m, kind_list, kind_list extra) {
  m.field("kinds", static_cast<long long>(extra.size()));
}
constexpr void unfit_kind_facts(rule_message& m, kind_list base, kind_list extra) {
  const unfit_kind u = first_unfit_kind(base, extra);
  m.put("kind ").quoted(extra[u.index].name_view()).put(": ").put(u.why);
}
constexpr rule_message kind_message(const char* words,
                                    void (*facts)(rule_message&, kind_list, kind_list),
                                    kind_list base, kind_list extra) {
  rule_message m;
  m.put(words).put("; ");
  facts(m, base, extra);
  return m;
}

template <class Base, group_kind... Extra>
struct with_own_kinds;

}  // namespace detail

template <int World, class... Modules>
struct topology {
  static constexpr int world = World;
  static constexpr int module_count = sizeof...(Modules);
  static constexpr std::array<grid_spec, module_count> specs{Modules::spec...};
  static constexpr std::array<grid, module_count> grids{Modules::value...};
  // The modules as a compile-time collection, for hana::for_each over their types. Its type is
  // spelled out (hana::tuple_t's) so that only a program that uses it pays for the tuple: with
  // `auto`, every topology instantiated it, about 1 ms a module.
  static constexpr boost::hana::tuple<boost::hana::type<Modules>...> modules{};

#define HETGRID_ASSERT_TOPOLOGY_RULE(kind, holds, facts, words)                        \
  HETGRID_RULE_ASSERT(holds, ::hetgrid::detail::holds(World, specs), words,   \
                      ::hetgrid::detail::layout_message(words, &::hetgrid::detail::facts, World, \
                                                        specs, -1))
  HETGRID_TOPOLOGY_RULES_FIRST(HETGRID_ASSERT_TOPOLOGY_RULE)
  static_assert(detail::all_hold({detail::module_fits_world<World, Modules>::value...}));
  HETGRID_TOPOLOGY_RULES_LAST(HETGRID_ASSERT_TOPOLOGY_RULE)
#undef HETGRID_ASSERT_TOPOLOGY_RULE

  static constexpr layout_kind layout = layout_of(specs);

  // The groups this layout builds: the built-in kinds and the embeddings (group_kind.hpp).
  static constexpr std::array<group_kind, ::hetgrid::slot_count> slots = builtin_slots;
  static constexpr int slot_count = ::hetgrid::slot_count;
  static constexpr topology_description<module_count, ::hetgrid::slot_count> description{
      World, grids, slots};
  static constexpr int language_index = description.language_index;

  // Which modules hold `rank`, and its stage in each. @pre 0 <= rank < world
  static constexpr rank_role<module_count> role(int rank) {
    return make_rank_role<module_count>(grids, language_index, rank);
  }

  // The same layout with kinds of the program's own, built like the built-in ones:
  //   constexpr auto tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
  //   using mine = mimo::with_kinds<tp_pp>;   hg::mpi::rank_groups<mine> g(world);  g[tp_pp]
  // It composes: mine::with_kinds<more> holds tp_pp and more.
  template <group_kind... Extra>
  using with_kinds = detail::with_own_kinds<topology, Extra...>;

  // The same layout on nodes of N ranks, each group of the named kinds (default tp, expt_tp; a
  // program's own kinds too) inside one node: mimo::on_nodes<8> (placement_check.hpp).
  template <int N, group_kind... Within>
  using on_nodes = detail::placed_on_nodes<topology, N, Within...>;
};

namespace detail {

// A topology and the kinds a program adds to it. Its own with_kinds adds to the kinds already
// there, so a chain (or a helper applied twice) keeps every kind.
template <class Base, group_kind... Extra>
struct with_own_kinds : Base {
  static constexpr std::array<group_kind, sizeof...(Extra)> extra_kinds{Extra...};
#define HETGRID_ASSERT_KIND_RULE(kind, holds, facts, words)                                   \
  HETGRID_RULE_ASSERT(holds,                                                   \
                      ::hetgrid::detail::holds(builtin_slots, extra_kinds), words,            \
                      ::hetgrid::detail::kind_message(words, &::hetgrid::detail::facts,        \
                                                      builtin_slots, extra_kinds))
  HETGRID_KIND_RULES(HETGRID_ASSERT_KIND_RULE)
#undef HETGRID_ASSERT_KIND_RULE

  static constexpr std::array<group_kind, ::hetgrid::slot_count + sizeof...(Extra)> slots =
      make_slots(extra_kinds);
  static constexpr int slot_count = static_cast<int>(slots.size());
  static constexpr topology_description<Base::module_count, slots.size()> description{
      Base::world, Base::grids, slots};

  template <group_kind... More>
  using with_kinds = with_own_kinds<Base, Extra..., More...>;
  template <int N, group_kind... Within>
  using on_nodes = placed_on_nodes<with_own_kinds, N, Within...>;
};

}  // namespace detail

}  // namespace hetgrid

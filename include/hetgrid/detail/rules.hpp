// hetgrid/detail/rules.hpp: the one table of rules (docs/CONTRACT.md section 1, the bridge rules
// of section 4, the kinds a program adds): for each rule its kind word, its predicate (detail::,
// true when the rule holds), its facts (detail::, what broke it, as 'module',
// [first, end), name=value) and its words. The static_asserts (module_grid, topology, bridge_of,
// with_kinds, on_nodes, checked_kind), check_layout(), describe(), check_bridge() and the
// executor's world-size check are all generated from these rows, in this order. A message is
// the words, "; " and the facts.
//
// X-macros, because a C++20 static_assert takes only a string literal: a row is the one place
// that literal is written, and the run-time check must say exactly the same words. Each rule's
// static_assert itself is a class template below the rows, out of any macro, so that what the
// compiler prints is the words and the instantiation chain, not the chain of macro expansions.
//
// Not rows, and why:
//  - module_grid's pp agreement (the base and expert views give the same pp groups) is no rule
//    a user can break: both views put pp slowest with one stride, so it holds for every spec
//    that keeps the rules; it guards grid.hpp's construction and says so in its words.
//  - make_kind's dims and name (group_kind.hpp's kind_error_*): make_kind is a function, not a
//    class, so there is no static_assert to carry a message; a constant expression that calls a
//    non-constexpr function stops the build, and that function's name is the message.
//  - split_plan.hpp's kind_tags and nccl/settings.hpp's settings_table capacities (32 tagged
//    slots, 8 distinct settings) are sizes of fixed constexpr tables, not rules of a layout:
//    a throw in a constant expression stops the build with the literal shown.
#pragma once

#include <string_view>

#include "hetgrid/detail/rule_message.hpp"

#define HETGRID_RULE_POSITIVE                                                                  \
  "positive: every size (ranks, tp, cp, pp, gtp_remat, ep, expt_tp once resolved, "            \
  "expt_gtp_remat) must be >= 1, offset >= 0 and the module name non-empty"
#define HETGRID_RULE_DIVISIBLE_DENSE \
  "divisible: ranks must be divisible by tp*gtp_remat*cp*pp (dense factorization)"
#define HETGRID_RULE_DIVISIBLE_EXPERT \
  "divisible: ranks must be divisible by expt_tp*ep*expt_gtp_remat*pp (expert view)"
#define HETGRID_RULE_LANGUAGE "language: exactly one module must be marked language"
#define HETGRID_RULE_NAMES_EMPTY "names: a topology needs at least one module"
#define HETGRID_RULE_NAMES_DISTINCT "names: module names must be distinct"
#define HETGRID_RULE_WORLD \
  "world: a module's span [offset, offset + ranks) must end at or before the world size"
#define HETGRID_RULE_WORLD_POSITIVE "positive: the world size must be >= 1"
#define HETGRID_RULE_DISJOINT                                                             \
  "disjoint: module spans must be all identical (colocated) or pairwise disjoint "       \
  "(non-colocated); spans that overlap without being equal are not allowed"
#define HETGRID_RULE_PARTITION \
  "partition: module spans must cover [0, world) with no gap; some rank is in no module"
#define HETGRID_RULE_JOB_WORLD \
  "world: the job must have as many ranks as the world the topology is compiled for"
#define HETGRID_RULE_NODE_POSITIVE "positive: the number of ranks a node holds must be >= 1"
#define HETGRID_RULE_PLACEMENT \
  "placement: a group of a kind kept inside a node must not cross a node boundary"
#define HETGRID_RULE_BRIDGE_DIVISIBLE                                                   \
  "bridge: the number of source leaders must divide the number of destination leaders " \
  "or be divisible by it"
#define HETGRID_RULE_BRIDGE_SOURCE "bridge: the source module is not a module of the topology"
#define HETGRID_RULE_BRIDGE_DESTINATION \
  "bridge: the destination module is not a module of the topology"
#define HETGRID_RULE_BRIDGE_DISTINCT "bridge: the source and destination must be different modules"
#define HETGRID_RULE_KIND_NONE "kind: with_kinds needs at least one kind"
#define HETGRID_RULE_KIND_NOT_BUILT                                              \
  "kind: this layout builds no group of this kind; add it with "                 \
  "topology<...>::with_kinds<kind>, or look it up at run time with g[kind]"
#define HETGRID_RULE_KIND_OFF_LANGUAGE \
  "kind: embd and pos_embd groups are built for the language module alone"
#define HETGRID_RULE_KIND_FITS                                                                 \
  "kind: a program's own kind needs a name, dims of its view (at least one), and a name that " \
  "no built-in kind, alias, embd, pos_embd or earlier kind of its own has"

// Rules of the topology as a whole that come before the modules' own: X(kind, predicate, facts,
// words) with predicate(world, specs) and facts(message, world, specs, module).
#define HETGRID_TOPOLOGY_RULES_FIRST(X)                                      \
  X(names, has_modules, module_count_facts, HETGRID_RULE_NAMES_EMPTY)        \
  X(language, one_language_module, language_facts, HETGRID_RULE_LANGUAGE)    \
  X(names, names_distinct, repeated_name_facts, HETGRID_RULE_NAMES_DISTINCT) \
  X(positive, world_positive, world_size_facts, HETGRID_RULE_WORLD_POSITIVE)

// Rules of one module, checked for each module in the given order: predicate(spec, world).
// module_grid asserts the ones that need no world; topology the last, with its world.
#define HETGRID_MODULE_RULES(X)                                                 \
  X(positive, sizes_positive, sizes_positive_facts, HETGRID_RULE_POSITIVE)      \
  X(divisible, dense_divisible, dense_product_facts, HETGRID_RULE_DIVISIBLE_DENSE) \
  X(divisible, expert_divisible, expert_product_facts, HETGRID_RULE_DIVISIBLE_EXPERT)
#define HETGRID_MODULE_WORLD_RULES(X) \
  X(world, fits_world, span_past_world_facts, HETGRID_RULE_WORLD)

// Rules of the topology as a whole that come after every module's: predicate(world, specs).
#define HETGRID_TOPOLOGY_RULES_LAST(X)                                        \
  X(disjoint, spans_disjoint_or_equal, overlap_facts, HETGRID_RULE_DISJOINT)  \
  X(partition, spans_cover, gap_facts, HETGRID_RULE_PARTITION)

// The job that runs a topology (executor.hpp, at run time): predicate(job ranks, world).
#define HETGRID_JOB_RULES(X) X(world, job_matches_world, job_size_facts, HETGRID_RULE_JOB_WORLD)

// Rules of a bridge between two modules: predicate(bridge_ends), facts(message, bridge_ends).
// bridge_of asserts all; check_bridge(grid, grid), which has no topology, the last.
#define HETGRID_BRIDGE_OF_RULES(X)                                                   \
  X(bridge, source_in_topology, source_facts, HETGRID_RULE_BRIDGE_SOURCE)            \
  X(bridge, destination_in_topology, destination_facts, HETGRID_RULE_BRIDGE_DESTINATION) \
  X(bridge, ends_distinct, same_module_facts, HETGRID_RULE_BRIDGE_DISTINCT)
#define HETGRID_BRIDGE_RULES(X) \
  X(bridge, leader_counts_divide, leader_counts_facts, HETGRID_RULE_BRIDGE_DIVISIBLE)

// A program's own kinds (topology<...>::with_kinds): predicate(slots, extra kinds),
// facts(message, slots, extra kinds).
#define HETGRID_KIND_RULES(X)                                     \
  X(kind, some_extra_kind, no_kind_facts, HETGRID_RULE_KIND_NONE) \
  X(kind, extra_kinds_fit, unfit_kind_facts, HETGRID_RULE_KIND_FITS)

// The rules of topology<...>::on_nodes<N, kinds...> (placement_check.hpp), after every rule above:
// X(kind, predicate, words) with predicate(node size, within-node kinds, grids). Their facts
// (the group, its ranks, the boundary) come from placement_check.hpp's own finder, which walks the
// groups only where the closed-form check failed; at compile time the words alone.
#define HETGRID_PLACEMENT_RULES(X)                          \
  X(positive, node_size_positive, HETGRID_RULE_NODE_POSITIVE) \
  X(placement, groups_inside_nodes, HETGRID_RULE_PLACEMENT)

// A kind a program names as a constant (checked_kind<Described, Module, Kind>, checked_kind.hpp):
// X(kind, predicate, words) with predicate(kind_place); the facts name the kind and the module.
// Rows, though of one site, because clang prints a site inside a row without macro notes.
#define HETGRID_KIND_PLACE_RULES(X)                                \
  X(kind, kind_built, HETGRID_RULE_KIND_NOT_BUILT)                 \
  X(kind, kind_in_language, HETGRID_RULE_KIND_OFF_LANGUAGE)

// A rule's static_assert: HETGRID_RULE_ASSERT(rule, condition, words, message) instantiates
// detail::<rule>_rule<condition> below, whose own static_assert fails where the rule is broken.
// The static_assert sits in a class template written out of any macro, so that g++ prints the
// words and the instantiation chain (with the spec's values), not the chain of macro
// expansions. Where the compiler takes a computed message (C++26, P2741: clang >= 17 with
// -std=c++2c, g++ >= 14) it prints `message`, a detail::rule_message; elsewhere (g++ 12, nvcc)
// the words alone. clang evaluates a message even when the condition holds, so the facts are
// computed only when it is false (rule_text: a rule that holds costs an empty message).
// `words` are the row's: each template's are the same (tests/test_check_layout.cpp).
#if defined(__cpp_static_assert) && __cpp_static_assert >= 202306L
#define HETGRID_COMPUTED_RULE_MESSAGES 1
#define HETGRID_RULE_ASSERT(rule, condition, words, message) \
  static_assert(                                             \
      ::hetgrid::detail::rule##_rule<(condition), decltype([] { return message; })>::checked);
#define HETGRID_RULE_TEXT(words) ::hetgrid::detail::rule_text<Holds>(Make{})
#else
#define HETGRID_COMPUTED_RULE_MESSAGES 0
#define HETGRID_RULE_ASSERT(rule, condition, words, message) \
  static_assert(::hetgrid::detail::rule##_rule<(condition)>::checked);
#define HETGRID_RULE_TEXT(words) words
#endif

namespace hetgrid::detail {

// One template a rule, its static_assert spelled out: a C++20 message is a string literal, and
// a static_assert that a macro writes makes g++ print that macro's expansions (6 notes, 18 lines
// for a row). Holds is the rule's condition, Make (C++26) makes its message. A rule added to the
// table without one here stops the build at its row's site; `words` must be the row's (checked
// in tests/test_check_layout.cpp: here it cost every program 3 % of the seed TU). `checked` is
// true even where the rule is broken, so that the site's own assert adds no second error.
struct rule_base {
  static constexpr bool checked = true;
};
struct words_alone {  // the Make of a rule asked for its words only
  constexpr no_message operator()() const { return {}; }
};
template <bool Holds, class Make = words_alone>
struct has_modules_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_NAMES_EMPTY));
  static constexpr std::string_view words = HETGRID_RULE_NAMES_EMPTY;
};
template <bool Holds, class Make = words_alone>
struct one_language_module_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_LANGUAGE));
  static constexpr std::string_view words = HETGRID_RULE_LANGUAGE;
};
template <bool Holds, class Make = words_alone>
struct names_distinct_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_NAMES_DISTINCT));
  static constexpr std::string_view words = HETGRID_RULE_NAMES_DISTINCT;
};
template <bool Holds, class Make = words_alone>
struct world_positive_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_WORLD_POSITIVE));
  static constexpr std::string_view words = HETGRID_RULE_WORLD_POSITIVE;
};
template <bool Holds, class Make = words_alone>
struct sizes_positive_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_POSITIVE));
  static constexpr std::string_view words = HETGRID_RULE_POSITIVE;
};
template <bool Holds, class Make = words_alone>
struct dense_divisible_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_DIVISIBLE_DENSE));
  static constexpr std::string_view words = HETGRID_RULE_DIVISIBLE_DENSE;
};
template <bool Holds, class Make = words_alone>
struct expert_divisible_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_DIVISIBLE_EXPERT));
  static constexpr std::string_view words = HETGRID_RULE_DIVISIBLE_EXPERT;
};
template <bool Holds, class Make = words_alone>
struct fits_world_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_WORLD));
  static constexpr std::string_view words = HETGRID_RULE_WORLD;
};
template <bool Holds, class Make = words_alone>
struct spans_disjoint_or_equal_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_DISJOINT));
  static constexpr std::string_view words = HETGRID_RULE_DISJOINT;
};
template <bool Holds, class Make = words_alone>
struct spans_cover_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_PARTITION));
  static constexpr std::string_view words = HETGRID_RULE_PARTITION;
};
template <bool Holds, class Make = words_alone>
struct source_in_topology_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_BRIDGE_SOURCE));
  static constexpr std::string_view words = HETGRID_RULE_BRIDGE_SOURCE;
};
template <bool Holds, class Make = words_alone>
struct destination_in_topology_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_BRIDGE_DESTINATION));
  static constexpr std::string_view words = HETGRID_RULE_BRIDGE_DESTINATION;
};
template <bool Holds, class Make = words_alone>
struct ends_distinct_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_BRIDGE_DISTINCT));
  static constexpr std::string_view words = HETGRID_RULE_BRIDGE_DISTINCT;
};
template <bool Holds, class Make = words_alone>
struct leader_counts_divide_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_BRIDGE_DIVISIBLE));
  static constexpr std::string_view words = HETGRID_RULE_BRIDGE_DIVISIBLE;
};
template <bool Holds, class Make = words_alone>
struct some_extra_kind_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_KIND_NONE));
  static constexpr std::string_view words = HETGRID_RULE_KIND_NONE;
};
template <bool Holds, class Make = words_alone>
struct extra_kinds_fit_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_KIND_FITS));
  static constexpr std::string_view words = HETGRID_RULE_KIND_FITS;
};
template <bool Holds, class Make = words_alone>
struct node_size_positive_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_NODE_POSITIVE));
  static constexpr std::string_view words = HETGRID_RULE_NODE_POSITIVE;
};
template <bool Holds, class Make = words_alone>
struct groups_inside_nodes_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_PLACEMENT));
  static constexpr std::string_view words = HETGRID_RULE_PLACEMENT;
};
template <bool Holds, class Make = words_alone>
struct kind_built_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_KIND_NOT_BUILT));
  static constexpr std::string_view words = HETGRID_RULE_KIND_NOT_BUILT;
};
template <bool Holds, class Make = words_alone>
struct kind_in_language_rule : rule_base {
  static_assert(Holds, HETGRID_RULE_TEXT(HETGRID_RULE_KIND_OFF_LANGUAGE));
  static constexpr std::string_view words = HETGRID_RULE_KIND_OFF_LANGUAGE;
};

}  // namespace hetgrid::detail

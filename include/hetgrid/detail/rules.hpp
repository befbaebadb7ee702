// hetgrid/detail/rules.hpp: the one table of layout rules (docs/CONTRACT.md section 1 and the
// bridge rule of section 4): for each rule its kind word, its predicate (detail::, true when the
// rule holds) and its words. The static_asserts (module_grid, topology, bridge_of), check_layout()
// and describe() are all generated from these rows, in this order.
//
// X-macros, because a C++20 static_assert takes only a string literal: a row is the one place
// that literal is written, and the run-time check must say exactly the same words.
#pragma once

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
#define HETGRID_RULE_NODE_POSITIVE "positive: the number of ranks a node holds must be >= 1"
#define HETGRID_RULE_PLACEMENT \
  "placement: a group of a kind kept inside a node must not cross a node boundary"
#define HETGRID_RULE_BRIDGE_DIVISIBLE                                                   \
  "bridge: the number of source leaders must divide the number of destination leaders " \
  "or be divisible by it"

// Rules of the topology as a whole that come before the modules' own: X(kind, predicate, words)
// with predicate(world, specs).
#define HETGRID_TOPOLOGY_RULES_FIRST(X)                         \
  X(names, has_modules, HETGRID_RULE_NAMES_EMPTY)               \
  X(language, one_language_module, HETGRID_RULE_LANGUAGE)       \
  X(names, names_distinct, HETGRID_RULE_NAMES_DISTINCT)         \
  X(positive, world_positive, HETGRID_RULE_WORLD_POSITIVE)

// Rules of one module, checked for each module in the given order: predicate(spec, world).
// module_grid asserts the ones that need no world; topology the last, with its world.
#define HETGRID_MODULE_RULES(X)                                  \
  X(positive, sizes_positive, HETGRID_RULE_POSITIVE)             \
  X(divisible, dense_divisible, HETGRID_RULE_DIVISIBLE_DENSE)    \
  X(divisible, expert_divisible, HETGRID_RULE_DIVISIBLE_EXPERT)
#define HETGRID_MODULE_WORLD_RULES(X) X(world, fits_world, HETGRID_RULE_WORLD)

// Rules of the topology as a whole that come after every module's: predicate(world, specs).
#define HETGRID_TOPOLOGY_RULES_LAST(X)                               \
  X(disjoint, spans_disjoint_or_equal, HETGRID_RULE_DISJOINT)        \
  X(partition, spans_cover, HETGRID_RULE_PARTITION)

// Rules of a bridge between two modules: predicate(source dp, destination dp).
#define HETGRID_BRIDGE_RULES(X) X(bridge, leader_counts_divide, HETGRID_RULE_BRIDGE_DIVISIBLE)

// The rules of topology<...>::on_nodes<N, kinds...> (placement.hpp), after every rule above:
// predicate(node size, within-node kinds, grids).
#define HETGRID_PLACEMENT_RULES(X)                          \
  X(positive, node_size_positive, HETGRID_RULE_NODE_POSITIVE) \
  X(placement, groups_inside_nodes, HETGRID_RULE_PLACEMENT)

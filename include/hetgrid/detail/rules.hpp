// hetgrid/detail/rules.hpp: the wording of each layout rule (SPEC section 1).
// Macros, because a C++20 static_assert takes only a string literal, and the run-time check must
// say exactly the same words.
#pragma once

#define HETGRID_RULE_POSITIVE                                                                     \
  "positive: every size (ranks, tp, cp, pp, ep, expt_tp once resolved) must be >= 1, offset >= 0 " \
  "and the module name non-empty"
#define HETGRID_RULE_DIVISIBLE_DENSE \
  "divisible: ranks must be divisible by tp*cp*pp (dense factorization)"
#define HETGRID_RULE_DIVISIBLE_EXPERT \
  "divisible: ranks must be divisible by expt_tp*ep*pp (expert view)"
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

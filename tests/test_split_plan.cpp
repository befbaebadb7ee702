// The split plan without MPI: simulate each round (ranks grouped by colour, ordered by key) and
// check that every rank gets exactly the members of each of its groups, that classes merge only
// groups that are equal on every rank, and that rounds stay within one per slot.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/runtime_topology.hpp>
#include <spec_layouts.hpp>
#include <map>
#include <vector>

namespace hg = hetgrid;

namespace {

using members = std::vector<int>;

template <class Plan>
members simulated_group(const Plan& plan, int class_id, int rank) {
  const hg::group_class& c = plan.classes[class_id];
  if (c.source == hg::class_source::self) return {rank};
  if (c.source == hg::class_source::world) {
    members all(plan.world());
    for (int r = 0; r < plan.world(); ++r) all[r] = r;
    return all;
  }
  const int color = plan.color(c.round, rank);
  REQUIRE(color != plan.undefined_color);
  std::vector<std::pair<int, int>> keyed;  // (key, rank) of the ranks with this colour
  for (int r = 0; r < plan.world(); ++r)
    if (plan.color(c.round, r) == color) keyed.emplace_back(plan.key(r), r);
  std::sort(keyed.begin(), keyed.end());
  members out;
  for (auto [key, r] : keyed) out.push_back(r);
  return out;
}

template <class Plan>
bool holds_class(const Plan& plan, int class_id, int rank) {
  for (int m = 0; m < plan.module_count(); ++m)
    for (int slot = 0; slot < plan.slot_count(); ++slot)
      if (plan.class_of(m, slot) == class_id && plan.group(m, slot, rank)) return true;
  return false;
}

template <class Plan>
void check_plan(const Plan& plan, bool non_colocated) {
  for (int rank = 0; rank < plan.world(); ++rank) {
    for (int m = 0; m < plan.module_count(); ++m) {
      for (int slot = 0; slot < plan.slot_count(); ++slot) {
        CAPTURE(rank);
        CAPTURE(m);
        CAPTURE(plan.description.slot_name(slot));
        const int id = plan.class_of(m, slot);
        const auto expected = plan.group(m, slot, rank);
        if (!plan.description.has_slot(m, slot)) {
          CHECK(id == -1);
          continue;
        }
        REQUIRE(id >= 0);
        if (!expected) {
          // A rank that holds no group of this class gets no communicator from its round.
          if (plan.classes[id].source == hg::class_source::split && !holds_class(plan, id, rank))
            CHECK(plan.class_in_round(plan.classes[id].round, rank) != id);
          continue;
        }
        CHECK(plan.class_in_round(plan.classes[id].round, rank) ==
              (plan.classes[id].source == hg::class_source::split ? id : -1));
        CHECK(simulated_group(plan, id, rank) == members(expected->begin(), expected->end()));
      }
    }
  }
  if (non_colocated) CHECK(plan.round_count <= plan.slot_count() - 1);
}

template <class Topology, hg::plan_options Options = hg::plan_options{}>
void check_topology() {
  check_plan(hg::plan_of<Topology, Options>, Topology::layout == hg::layout::non_colocated);
}

using seed = hg::layouts::seed::topology;

using colocated = hg::topology<
    16, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 16, .tp = 2, .cp = 2, .ep = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 16, .tp = 4, .pp = 4,
                                  .expt_tp = 1, .language = true}>>;

using moe_pp3 = hg::topology<
    24, hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 6, .cp = 3, .ep = 2, .expt_tp = 1}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 6, .tp = 2, .pp = 3, .offset = 6}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 12, .tp = 2, .pp = 3, .ep = 2,
                                  .offset = 12, .language = true}>>;

using solo = hg::layouts::solo::topology;

// Every kind of the language module spans more than one rank, so its only one-rank groups are
// pos_embd (first stage only); the images module, colocated, has one-rank groups everywhere.
using pos_embd_first = hg::topology<
    32,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 32, .tp = 2, .cp = 2, .pp = 2,
                                  .ep = 2, .expt_tp = 2, .language = true}>,
    hg::module_grid<hg::grid_spec{.name = "images", .ranks = 32, .tp = 2}>>;

// Modules of one factorization share their classes (one split serves their disjoint spans),
// given out of rank order, with a module of its own factorization between them.
using repeated = hg::topology<
    14, hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 4, .tp = 2, .offset = 6}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 2, .offset = 10}>,
    hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "depth", .ranks = 2, .offset = 4}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .tp = 2, .offset = 12,
                                  .language = true}>>;

}  // namespace

TEST_CASE("modules of one factorization share classes and rounds, in any order") {
  check_topology<repeated>();
  constexpr auto& plan = hg::plan_of<repeated>;
  constexpr int tp = hg::builtin_slot(hg::group_kind::tp);
  static_assert(plan.class_of(0, tp) == plan.class_of(2, tp));  // audio and images
  static_assert(plan.class_of(1, tp) == plan.class_of(3, tp));  // video and depth
  static_assert(plan.class_of(0, tp) != plan.class_of(4, tp));  // the language module's own
  // Each rank's colour is its own group's first rank, in its own module.
  static_assert(plan.color(plan.classes[plan.class_of(0, tp)].round, 7) == 6);
  static_assert(plan.color(plan.classes[plan.class_of(0, tp)].round, 3) == 2);
  static_assert(plan.held_as(plan.class_of(0, tp), 8).module == 0);
  static_assert(plan.held_as(plan.class_of(0, tp), 1).module == 2);
  const hg::runtime_topology layout(repeated::world, repeated::specs);
  const hg::split_plan<> dynamic(layout, {});
  check_plan(dynamic, true);
  CHECK(dynamic.class_count == plan.class_count);
  for (int r = 0; r < repeated::world; ++r)
    CHECK(dynamic.counts(r).communicators == plan.counts(r).communicators);
}

TEST_CASE("seed: three rounds; a language rank has 22 groups on four communicators") {
  check_topology<seed>();
  constexpr auto& plan = hg::plan_of<seed>;
  static_assert(plan.round_count == 3);
  static_assert(plan.counts(4).groups == 22 && plan.counts(4).communicators == 4);
  static_assert(plan.counts(7).groups == 21 && plan.counts(7).communicators == 4);
  static_assert(plan.counts(0).groups == 20 && plan.counts(0).communicators == 4);  // + intra_dist_opt
}

// A fixed description converts to the run-time one, a program's own kinds included, and gives the
// same plan as one rebuilt from the specs.
TEST_CASE("a compile-time description converts to a run-time one") {
  constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
  using mine = seed::with_kinds<tp_pp>;
  const hg::runtime_topology converted(mine::description);
  const hg::runtime_topology rebuilt(seed::world, seed::specs,
                                     std::span<const hg::group_kind>(mine::slots));
  CHECK(converted.world == rebuilt.world);
  CHECK(converted.kind == rebuilt.kind);
  CHECK(converted.language_index == rebuilt.language_index);
  REQUIRE(converted.slot_count() == mine::slot_count);
  CHECK(converted.slot_of(tp_pp) == hg::slot_count);
  REQUIRE(converted.module_count() == rebuilt.module_count());
  for (int m = 0; m < converted.module_count(); ++m)
    CHECK(converted.grids[m].name() == rebuilt.grids[m].name());
  const hg::split_plan<> a(converted, {}), b(rebuilt, {});
  CHECK(a.class_count == b.class_count);
  for (int r = 0; r < seed::world; ++r)
    CHECK(a.counts(r).communicators == b.counts(r).communicators);
}

TEST_CASE("a plan made at run time from specs equals the compile-time one") {
  const hg::runtime_topology layout(seed::world, seed::specs);
  const hg::split_plan<> plan(layout, {});
  constexpr auto& fixed = hg::plan_of<seed>;
  REQUIRE(plan.class_count == fixed.class_count);
  CHECK(plan.round_count == fixed.round_count);
  for (int id = 0; id < plan.class_count; ++id) {
    CHECK(plan.classes[id].same_groups(fixed.classes[id]));
    CHECK(plan.classes[id].round == fixed.classes[id].round);
  }
  for (int r = 0; r < seed::world; ++r) {
    CHECK(plan.counts(r).groups == fixed.counts(r).groups);
    CHECK(plan.counts(r).communicators == fixed.counts(r).communicators);
    for (int round = 0; round < plan.round_count; ++round)
      CHECK(plan.color(round, r) == fixed.color(round, r));
  }
  check_plan(plan, true);
}

TEST_CASE("a program's own kind gets a slot, a class and its groups") {
  static constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp_mine", {"tp", "pp"});
  using mine = seed::with_kinds<tp_pp>;
  constexpr auto& plan = hg::plan_of<mine>;
  static_assert(mine::slot_count == hg::slot_count + 1);
  static_assert(mine::description.slot_of(tp_pp) == hg::slot_count);
  // On the seed's language module tp_pp is every rank of it, as mp is: no new communicator.
  static_assert(plan.counts(4).groups == 23 && plan.counts(4).communicators == 4);
  static_assert(plan.class_of(1, hg::slot_count) ==
                plan.class_of(1, hg::builtin_slot(hg::group_kind::mp)));
  check_plan(plan, true);
}

TEST_CASE("colocated modules with different factorizations") { check_topology<colocated>(); }
TEST_CASE("three modules, pp = 3, embd with middle-stage non-members") { check_topology<moe_pp3>(); }

TEST_CASE("solo: every group is the whole job") {
  constexpr auto& plan = hg::plan_of<solo>;
  static_assert(plan.round_count == 0 && plan.counts(0).communicators == 1);
  check_topology<solo>();
  // Reuse off and singletons split: one round, still one communicator.
  constexpr hg::plan_options eager{.reuse_world = false, .split_singletons = true};
  static_assert(hg::plan_of<solo, eager>.round_count == 1);
  check_topology<solo, eager>();
  // Reuse off, singletons local: no round at all.
  constexpr hg::plan_options local{.reuse_world = false};
  static_assert(hg::plan_of<solo, local>.round_count == 0);
  static_assert(hg::plan_of<solo, local>.classes[0].source == hg::class_source::self);
}

TEST_CASE("one-rank groups split eagerly reach every rank, also when pos_embd comes first") {
  static_assert(hg::module_grid<hg::grid_spec{.name = "language", .ranks = 32, .tp = 2, .cp = 2,
                                              .pp = 2, .ep = 2, .expt_tp = 2,
                                              .language = true}>::dp == 4);
  constexpr hg::plan_options eager{.split_singletons = true};
  check_topology<pos_embd_first, eager>();
  check_topology<pos_embd_first>();
}

TEST_CASE("a different setting for one slot splits its communicator off") {
  constexpr auto& plain = hg::plan_of<seed>;
  constexpr hg::plan_options tagged{.tags = hg::kind_tags{}.with("tp", 1)};
  constexpr auto& with_setting = hg::plan_of<seed, tagged>;
  // tp_cp, tp_dp, expt_tp and tp_ep repeat tp's members but not its tag: one more communicator.
  static_assert(with_setting.counts(4).communicators == plain.counts(4).communicators + 1);
  check_topology<seed, tagged>();
}

// pos_embd exists on first-stage ranks only; where two slots both exist, a class means equal.
TEST_CASE("classes merge groups that are equal wherever both exist, and only those") {
  constexpr auto& plan = hg::plan_of<moe_pp3>;
  for (int m = 0; m < 3; ++m)
    for (int a = 0; a < hg::slot_count; ++a)
      for (int b = 0; b < hg::slot_count; ++b) {
        const int ca = plan.class_of(m, a), cb = plan.class_of(m, b);
        if (ca < 0 || cb < 0) continue;
        bool equal_where_both = true;
        for (int r = 0; r < plan.world(); ++r) {
          const auto ga = plan.group(m, a, r), gb = plan.group(m, b, r);
          if (ga && gb && !(*ga == *gb)) equal_where_both = false;
        }
        CAPTURE(hg::slot_name(a));
        CAPTURE(hg::slot_name(b));
        CHECK((ca == cb) == equal_where_both);
      }
}

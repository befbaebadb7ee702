// The executor's backend contract (executor.hpp), proven with a third backend that records
// instead of communicating. Every rank of a layout is played in one process: its split calls
// are recorded, then the rounds are replayed (ranks of one colour, ordered by key) to check
// that each rank's colours and keys give exactly the plan's groups, and that the handles a rank
// receives are shared exactly as the plan's counts say. No MPI, no GPU.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <hetgrid/executor.hpp>
#include <hetgrid/hetgrid.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <spec_layouts.hpp>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace hg = hetgrid;

namespace {

// One split call as a rank made it.
struct split_call {
  int round = -1;  // the order of the call among this rank's splits
  int class_id = -1;
  int color = 0, key = 0;
};

// A handle: which class it is for and how it was made; shared_ptr so that sharing is visible.
struct record {
  int class_id = -1;
  hg::class_source source = hg::class_source::split;
  int color = -1;
};

// What a group's communicator is here: the handle it came from, and the group.
struct recorded_comm {
  std::shared_ptr<record> handle;
  hg::rank_group group;
};

class recording_backend {
 public:
  using handle = std::shared_ptr<record>;
  using communicator = recorded_comm;

  recording_backend(int size, int rank, std::vector<split_call>* calls, int fail_at = -1)
      : size_(size), rank_(rank), calls_(calls), fail_at_(fail_at) {}
  int size() const { return size_; }
  int rank() const { return rank_; }
  handle split(const hg::class_request* request, int color, int key) {
    const int round = static_cast<int>(calls_->size());
    if (round == fail_at_) throw std::runtime_error("injected failure");
    calls_->push_back({round, request ? request->id : -1, color, key});
    if (!request) return nullptr;
    CHECK(request->round == round);
    CHECK(request->source == hg::class_source::split);
    return std::make_shared<record>(record{request->id, request->source, color});
  }
  handle self(const hg::class_request& request) {
    CHECK(request.source == hg::class_source::self);
    return std::make_shared<record>(record{request.id, request.source, -1});
  }
  handle world(const hg::class_request& request) {
    CHECK(request.source == hg::class_source::world);
    return std::make_shared<record>(record{request.id, request.source, -1});
  }
  communicator group(handle& h, const hg::rank_group& g) { return {h, g}; }

 private:
  int size_, rank_;
  std::vector<split_call>* calls_;
  int fail_at_;
};
static_assert(hg::split_backend<recording_backend>);

template <class Topology, hg::plan_options Options = hg::plan_options{}>
using recorded_groups = hg::plan_executor<recording_backend, hg::plan_of<Topology, Options>, Topology>;

template <class Topology, hg::plan_options Options = hg::plan_options{}>
void check_executor() {
  constexpr auto& plan = hg::plan_of<Topology, Options>;
  const int world = Topology::world;
  std::vector<std::vector<split_call>> calls(world);
  std::vector<std::unique_ptr<recorded_groups<Topology, Options>>> ranks;
  for (int r = 0; r < world; ++r)
    ranks.push_back(std::make_unique<recorded_groups<Topology, Options>>(
        recording_backend(world, r, &calls[r])));

  for (int r = 0; r < world; ++r) {
    CAPTURE(r);
    // One split per round on every rank, with the plan's colour and key.
    REQUIRE(static_cast<int>(calls[r].size()) == plan.round_count);
    for (int round = 0; round < plan.round_count; ++round) {
      CHECK(calls[r][round].color == plan.color(round, r));
      CHECK(calls[r][round].key == plan.key(r));
      CHECK(calls[r][round].class_id == plan.class_in_round(round, r));
    }
  }
  // Replaying a round: the ranks of one colour, by key, are the members of each one's group.
  for (int round = 0; round < plan.round_count; ++round) {
    std::map<int, std::vector<std::pair<int, int>>> by_color;
    for (int r = 0; r < world; ++r)
      if (calls[r][round].color >= 0) by_color[calls[r][round].color].emplace_back(calls[r][round].key, r);
    for (auto& [color, keyed] : by_color) {
      std::sort(keyed.begin(), keyed.end());
      std::vector<int> members;
      for (auto [key, r] : keyed) members.push_back(r);
      for (int r : members) {
        const int id = calls[r][round].class_id;
        REQUIRE(id >= 0);
        const auto& c = plan.classes[id];
        const auto group = plan.group(c.module, c.slot, r);
        REQUIRE(group.has_value());
        CHECK(members == std::vector<int>(group->begin(), group->end()));
      }
    }
  }
  // What each rank holds: every group of every module, its handle shared as the plan says.
  for (int r = 0; r < world; ++r) {
    CAPTURE(r);
    const auto& groups = *ranks[r];
    std::set<const record*> distinct;
    int group_count = 0;
    for (int m = 0; m < Topology::module_count; ++m) {
      const auto* collection = groups.modules().module(m);
      REQUIRE((collection != nullptr) == Topology::grids[m].contains(r));
      if (!collection) continue;
      for (int slot = 0; slot < Topology::slot_count; ++slot) {
        const auto want = plan.group(m, slot, r);
        const recorded_comm* got = collection->slot(slot);
        REQUIRE((got != nullptr) == want.has_value());
        if (!want) continue;
        REQUIRE(got != nullptr);
        REQUIRE(got->handle != nullptr);
        CHECK(got->group == *want);
        CHECK(got->handle->class_id == plan.class_of(m, slot));
        ++group_count;
        distinct.insert(got->handle.get());
      }
    }
    CHECK(group_count == groups.group_count());
    CHECK(static_cast<int>(distinct.size()) == groups.communicator_count());
    CHECK(groups.communicator_count() == plan.counts(r).communicators);
  }
}

using seed = hg::layouts::seed::topology;
using solo = hg::layouts::solo::topology;
using gtp = hg::topology<
    24, hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 8, .tp = 2, .gtp_remat = 2,
                                      .expt_tp = 1, .expt_gtp_remat = 4}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 16, .tp = 2, .pp = 2,
                                  .gtp_remat = 2, .ep = 2, .offset = 8, .language = true}>>;
using colocated_pp3 = hg::topology<
    12, hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 12, .cp = 3, .ep = 2,
                                      .expt_tp = 1}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 12, .tp = 2, .pp = 3,
                                  .language = true}>>;

constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
constexpr hg::group_kind expert_dp_pp = hg::make_kind("expert_dp_pp", {"expt_dp", "pp"});

}  // namespace

TEST_CASE("seed: colours, keys and sharing as the plan says") { check_executor<seed>(); }
TEST_CASE("solo: no round; every group is the world's") { check_executor<solo>(); }
TEST_CASE("gtp_remat in both views") { check_executor<gtp>(); }
TEST_CASE("colocated, pp = 3") { check_executor<colocated_pp3>(); }
TEST_CASE("one-rank groups split eagerly, world reuse off") {
  constexpr hg::plan_options eager{.reuse_world = false, .split_singletons = true};
  check_executor<seed, eager>();
  check_executor<solo, eager>();
}
TEST_CASE("a tagged kind gets its own communicator") {
  constexpr hg::plan_options tagged{.tags = hg::kind_tags{}.with("tp", 3).with("embd", 1)};
  check_executor<gtp, tagged>();
  static_assert(hg::plan_of<gtp, tagged>.counts(8).communicators >
                hg::plan_of<gtp>.counts(8).communicators);
}
TEST_CASE("a program's own kinds") {
  using mine = gtp::with_kinds<tp_pp, expert_dp_pp>;
  check_executor<mine>();
  std::vector<split_call> calls, other_calls;
  recorded_groups<mine> groups(recording_backend(24, 9, &calls));
  // By kind, and the built-in members by name.
  CHECK(groups.language()->operator[](tp_pp).group == mine::grids[1].group_of(tp_pp, 9));
  CHECK(groups.language()->tp.group == mine::grids[1].group_of(hg::group_kind::tp, 9));
  CHECK((*groups.language())[hg::group_kind::intra_dp_cp].group ==
        mine::grids[1].group_of(hg::group_kind::dp_cp, 9));
  CHECK_THROWS_AS((*hg::plan_executor<recording_backend, hg::plan_of<gtp>, gtp>(
                        recording_backend(24, 9, &other_calls))
                        .language())[tp_pp],
                  std::out_of_range);
}
// Slots are rows: a program's own kind that takes the ends of its groups, as the tied embedding
// does, is planned, built and reached like any other; an embedding is reached by its kind too.
TEST_CASE("a program's own kind over the ends of its groups; embeddings by kind") {
  constexpr hg::group_kind tp_ends = hg::make_kind("tp_ends", {"tp", "cp"}).taking(hg::members::ends);
  using mine = colocated_pp3::with_kinds<tp_ends>;
  check_executor<mine>();
  const hg::grid& lm = mine::grids[1];
  for (int r = 0; r < 12; ++r) {
    CAPTURE(r);
    std::vector<split_call> calls;
    recorded_groups<mine> groups(recording_backend(12, r, &calls));
    for (int m = 0; m < 2; ++m) {  // audio's tp-cp groups have 3 ranks, language's 2
      CAPTURE(m);
      const auto& collection = *groups.modules().module(m);
      // Independent of the kind's own rule: the first and last member of the tp-cp group.
      const hg::rank_group around = mine::grids[m].group_of(hg::group_kind::tp_cp, r);
      const bool end = r == around.front() || r == around.back();
      if (end) {
        CHECK(collection[tp_ends].group.front() == around.front());
        CHECK(collection[tp_ends].group.back() == around.back());
        CHECK(collection[tp_ends].group.size() == (around.size() == 1 ? 1 : 2));
      } else {
        CHECK_THROWS_AS(collection[tp_ends], std::out_of_range);
      }
      CHECK(mine::grids[m].slot_group(tp_ends, r).has_value() == end);
      // embd by kind where the rank holds it, as g.embd.
      if (collection.embd) CHECK(collection[hg::embd_kind].group == collection.embd->group);
      else CHECK_THROWS_AS(collection[hg::embd_kind], std::out_of_range);
    }
  }
  // Every group of the slot, enumerated like a built-in kind's.
  CHECK(lm.slot_groups(tp_ends).size() == lm.group_count(hg::group_kind::tp_cp));
  CHECK(lm.slot_groups(hg::embd_kind).size() == lm.group_count(hg::group_kind::pp));
  CHECK(mine::grids[0].slot_groups(hg::embd_kind).size() == 0);  // not the language module
}

TEST_CASE("a copy's named members are its own") {
  std::vector<split_call> calls;
  recorded_groups<seed> groups(recording_backend(8, 5, &calls));
  hg::process_groups<recorded_comm> copy = *groups.language();
  copy.tp.group = hg::rank_group::single(99);
  CHECK(copy[hg::group_kind::tp].group == hg::rank_group::single(99));
  CHECK(groups.language()->tp.group == hg::rank_group(4, 1, {2, 1, 1, 1, 1}, {1, 1, 1, 1, 1}));
}
// Issue 20, row 1: `groups = rank_groups<T>(world)` used to leave g.tp and the other named
// members bound to the temporary's freed array (a use-after-free on every rank).
TEST_CASE("assignment: the named members are the assigned-to object's, holding the new groups") {
  std::vector<split_call> calls5, calls6, calls7;
  recorded_groups<seed> groups(recording_backend(8, 5, &calls5));
  const auto check_named = [](const recorded_groups<seed>& g, int rank) {
    const auto& lm = *g.language();
    CHECK(&lm.tp == &lm[hg::group_kind::tp]);
    CHECK(&lm.expt_dp == &lm[hg::group_kind::expt_dp]);
    CHECK(lm.tp.group == seed::grids[1].group_of(hg::group_kind::tp, rank));
    CHECK(lm.pp.group == seed::grids[1].group_of(hg::group_kind::pp, rank));
    CHECK(lm.tp.handle != nullptr);
  };
  groups = recorded_groups<seed>(recording_backend(8, 6, &calls6));  // move assignment
  check_named(groups, 6);
  const recorded_groups<seed> other(recording_backend(8, 7, &calls7));
  groups = other;  // copy assignment
  check_named(groups, 7);
  check_named(other, 7);
  CHECK(&groups.language()->tp != &other.language()->tp);
  recorded_groups<seed> moved(std::move(groups));
  check_named(moved, 7);
}

// Issue 19, item 3: one line of HETGRID_BUILTIN_KINDS gives the row, group_kind::NAME and g.NAME,
// and they agree; the aliases name their kinds everywhere.
TEST_CASE("each line of the kind table: its row, its name and its member agree") {
  std::vector<split_call> calls;
  const recorded_groups<seed> groups(recording_backend(8, 4, &calls));
  const auto& lm = *groups.language();
  int line = 0;
#define CHECK_KIND_LINE(name, ...)                                    \
  CHECK(hg::group_kind::name.name_view() == #name);                   \
  CHECK(hg::builtin_kinds[line] == hg::group_kind::name);             \
  CHECK(&lm.name == &lm[hg::group_kind::name]);                       \
  CHECK(lm.name.group == seed::grids[1].group_of(hg::group_kind::name, 4)); \
  ++line;
  HETGRID_BUILTIN_KINDS(CHECK_KIND_LINE)
#undef CHECK_KIND_LINE
  CHECK(line == hg::group_kind_count);
  CHECK(&lm.intra_dp_cp() == &lm.dp_cp);
  CHECK(&lm.intra_expt_dp() == &lm.expt_dp);
  CHECK(hg::group_kind_from_string("intra_expt_dp") == hg::group_kind::expt_dp);
  CHECK(hg::group_kind::intra_dp_cp == hg::group_kind::dp_cp);
  CHECK(hg::extra_kind_problem(hg::builtin_slots, hg::make_kind("intra_dp_cp", {"dp"})) !=
        nullptr);
}

// A backend whose handles own their communicators (as NCCL's do): its executor moves but does
// not copy, at compile time.
struct owning_backend : recording_backend {
  using handle = std::unique_ptr<record>;
  using recording_backend::recording_backend;
  handle split(const hg::class_request* r, int color, int key) {
    auto shared = recording_backend::split(r, color, key);
    return shared ? std::make_unique<record>(*shared) : nullptr;
  }
  handle self(const hg::class_request& r) { return std::make_unique<record>(*recording_backend::self(r)); }
  handle world(const hg::class_request& r) { return std::make_unique<record>(*recording_backend::world(r)); }
  communicator group(handle& h, const hg::rank_group& g) { return {std::make_shared<record>(*h), g}; }
};
static_assert(hg::split_backend<owning_backend>);
using owning_groups = hg::plan_executor<owning_backend, hg::plan_of<seed>, seed>;
static_assert(std::is_move_constructible_v<owning_groups> && std::is_move_assignable_v<owning_groups>);
static_assert(!std::is_copy_constructible_v<owning_groups> && !std::is_copy_assignable_v<owning_groups>);
static_assert(std::is_copy_assignable_v<recorded_groups<seed>>);

TEST_CASE("the world size is checked before any split") {
  std::vector<split_call> calls;
  CHECK_THROWS_AS(recorded_groups<seed>(recording_backend(6, 0, &calls)), hg::topology_error);
  CHECK(calls.empty());
}
TEST_CASE("a throw in a round leaves nothing behind") {
  std::vector<split_call> calls;
  CHECK_THROWS_AS(recorded_groups<seed>(recording_backend(8, 4, &calls, 1)), std::runtime_error);
  CHECK(calls.size() == 1);
}

// issue 21, item 4: the modules in ordinary C++, and a constant kind checked when it builds.
TEST_CASE("for_each_module visits every module in order, with its type, name and index") {
  using mine = seed::with_kinds<tp_pp>;  // derived from the topology: found all the same
  std::vector<std::string> names;
  std::vector<int> sizes;
  int calls = 0;
  hg::for_each_module<mine>([&](auto module) {
    using M = typename decltype(module)::type;
    CHECK(module.index == calls++);
    CHECK(mine::grids[module.index].name() == M::name);
    names.emplace_back(module.name);
    sizes.push_back(M::size);
  });
  CHECK(names == std::vector<std::string>{"images", "language"});
  CHECK(sizes == std::vector<int>{4, 4});
  // The same list as values, for a range-for.
  std::vector<std::string> from_grids;
  for (const hg::grid& g : mine::grids) from_grids.emplace_back(g.name());
  CHECK(from_grids == names);
  constexpr auto place = hg::checked_kind<mine, hg::layouts::seed::language, tp_pp>();
  static_assert(place.module == 1 && place.slot == hg::slot_count);
}

TEST_CASE("group<Module, kind>() is the communicator g[kind] gives, checked when it builds") {
  using images = hg::layouts::seed::images;
  using language = hg::layouts::seed::language;
  using mine = seed::with_kinds<tp_pp>;
  for (int r = 0; r < 8; ++r) {
    CAPTURE(r);
    std::vector<split_call> calls;
    const recorded_groups<mine> groups(recording_backend(8, r, &calls));
    if (r >= 4) {
      CHECK(groups.group<language, hg::group_kind::tp>().group == groups.language()->tp.group);
      CHECK(groups.group<language, tp_pp>().group == (*groups.language())[tp_pp].group);
      if (groups.language()->embd)
        CHECK(groups.group<language, hg::embd_kind>().group == groups.language()->embd->group);
      else
        CHECK_THROWS_AS((groups.group<language, hg::embd_kind>()), std::out_of_range);
      CHECK_THROWS_AS((groups.group<images, hg::group_kind::dp>()), std::out_of_range);
    } else {
      CHECK(groups.group<images, hg::group_kind::dp>().group ==
            mine::grids[0].group_of(hg::group_kind::dp, r));
      CHECK_THROWS_AS((groups.group<language, hg::group_kind::tp>()), std::out_of_range);
    }
  }
}

// NCCL groups at world 1 (mpirun -np 1: solo, a one-module layout) and world 2 (-np 2: pair,
// pair_tp, colocated_pair; one H200 runs it with NCCL 2.30 and NCCL_MULTI_RANK_GPU_ENABLE=1).
// Every group of every kind, embd, pos_embd and a program's own kind exists with the members of
// the compile-time enumeration (proved by a one-hot all-reduce over it), roles; as many
// communicators as hetgrid-inspect --plan says, no more; groups of the whole job on the world
// communicator itself; a kind with its own settings on a communicator of its own; with the
// world's reuse on and off. Cases carry the test suite of the world they run at ("world1",
// "world2"); main() runs those of the job's size.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/mpi/environment.hpp>
#include <chrono>
#include <hetgrid/nccl.hpp>
#include <set>
#include <spec_layouts.hpp>
#include <string>
#include <thread>
#include <type_traits>

#include "gpu_check.hpp"
#include "nccl_counters.hpp"
#include "one_hot.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using solo = hg::layouts::solo::topology;
using pair = hg::layouts::pair::topology;
using pair_tp = hg::layouts::pair_tp::topology;
using colocated_pair = hg::layouts::colocated_pair::topology;
using one_module =
    hg::topology<1, hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 1, .language = true}>>;
using world_of_two =
    hg::topology<2, hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 2, .tp = 2,
                                                  .language = true}>>;

constexpr nc::settings_table latency_pp =
    nc::settings_table{}
        .with(hg::group_kind::pp, {.high_priority = true, .max_ctas = 2})
        .with_slot(hg::embd_slot, {.high_priority = true, .max_ctas = 2});
constexpr hg::plan_options no_reuse = nc::split_everything;
constexpr hg::plan_options lazy{.reuse_world = false};

nc::bootstrap* boot = nullptr;

// Every group this rank holds, against the enumeration; groups of the whole job on the world
// communicator where the world is reused (`world_reused`). The one-hot all-reduces run in
// (module, slot) order, the same on every rank, so peers meet in the same order.
template <class Topology, class Groups>
void check_groups(const Groups& groups, bool world_reused = true) {
  const int rank = boot->rank();
  std::set<const void*> distinct;
  for (int m = 0; m < Topology::module_count; ++m) {
    const hg::grid& g = Topology::grids[m];
    const auto* collection = groups.modules().module(m);
    REQUIRE((collection != nullptr) == g.contains(rank));
    if (!collection) continue;
    for (int slot = 0; slot < Topology::slot_count; ++slot) {
      CAPTURE(Topology::description.slot_name(slot));
      const auto expected = Topology::description.group(m, slot, rank);
      const nc::group_comm* comm = collection->slot(slot);
      REQUIRE((comm != nullptr) == expected.has_value());
      if (!comm) continue;
      distinct.insert(comm->identity());
      CHECK(comm->rank() == expected->index_of(rank));
      CHECK(comm->size() == expected->size());
      int nccl_size = 0, nccl_rank = -1;
      ncclCommCount(comm->get(), &nccl_size);
      ncclCommUserRank(comm->get(), &nccl_rank);
      CHECK(nccl_size == expected->size());
      CHECK(nccl_rank == expected->index_of(rank));
      if (world_reused && comm->settings() == nc::comm_settings{} &&
          expected->size() == Topology::world)
        CHECK(comm->get() == boot->nccl_world());
      const std::vector<float> members = one_hot::members_by_all_reduce(*comm, rank, boot->size());
      for (int r = 0; r < boot->size(); ++r)
        CHECK(members[r] == (expected->contains(r) ? 1.f : 0.f));
    }
    CHECK(groups.role().modules[m].is_first_stage == g.is_first_stage(rank));
    CHECK(groups.role().modules[m].is_last_stage == g.is_last_stage(rank));
  }
  CHECK(static_cast<int>(distinct.size()) == groups.communicator_count());
  // world(): the whole job, on the world communicator, on a stream of its own.
  const nc::group_comm& job = groups.world();
  CHECK(job.size() == boot->size());
  CHECK(job.rank() == rank);
  CHECK(job.get() == boot->nccl_world());
  CHECK(job.stream() != nullptr);
  const std::vector<float> all = one_hot::members_by_all_reduce(job, rank, boot->size());
  for (int r = 0; r < boot->size(); ++r) CHECK(all[r] == 1.f);
}

// What hetgrid-inspect --plan prints for a layout: each rank's groups and communicators.
struct plan_counts {
  int groups[2];
  int communicators;
  int split_calls;
};

template <class Topology, class Groups>
void check_counts(const Groups& groups, plan_counts want) {
  CHECK(groups.group_count() == want.groups[boot->rank()]);
  CHECK(groups.communicator_count() == want.communicators);
  CHECK(groups.split_calls() == want.split_calls);
}

// The cases that hold at any size, on one layout of that size.
template <class Topology>
void released_exactly_once(int want_made) {
  nccl_counters::reset();
  int made = 0;
  {
    nc::rank_groups<Topology, latency_pp, no_reuse> split(*boot);
    nc::rank_groups<Topology, nc::settings_table{}, lazy> local(*boot);
    check_groups<Topology>(local, false);  // makes the lazy ones
    made = split.created_count() + local.created_count();
    CHECK(made == want_made);
    CHECK(nccl_counters::made == made);
    CHECK(nccl_counters::released == 0);
  }
  CHECK(nccl_counters::released == made);
}

template <class Topology>
void move_assignment() {
  nccl_counters::reset();
  int first = 0;
  {
    nc::rank_groups<Topology, latency_pp, no_reuse> groups(*boot);
    first = groups.created_count();
    groups = nc::rank_groups<Topology, latency_pp, no_reuse>(*boot);
    CHECK(nccl_counters::released == first);  // the first object's communicators
    check_groups<Topology>(groups, false);
    CHECK(groups.language()->pp.settings().max_ctas == 2);
    CHECK(&groups.language()->tp == &(*groups.language())[hg::group_kind::tp]);
  }
  CHECK(nccl_counters::made == 2 * first);
  CHECK(nccl_counters::released == 2 * first);
}

template <class Topology>
void watchdog_probes() {
  nc::rank_groups<Topology, nc::settings_table{}, no_reuse> groups(
      *boot, {.timeout_s = 60.0, .watch = {.timeout_s = 30.0, .interval_s = 0.01}});
  CHECK(groups.watcher().running());
  check_groups<Topology>(groups, false);  // work on the streams while it watches
  const long before = groups.watcher().probes();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(groups.watcher().probes() > before);  // idle streams: a probe every interval
  nc::rank_groups<Topology, nc::settings_table{}, no_reuse> off(
      *boot, 60.0, nc::watchdog_options{.enabled = false});
  CHECK_FALSE(off.watcher().running());
  CHECK(off.watcher().probes() == 0);
}

// A program's own kind: its groups, and with its own settings a communicator of its own.
static constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp_mine", {"tp", "pp"});
template <class Topology>
void own_kind(int groups_each, int communicators, int made_on_first_use) {
  using mine = typename Topology::template with_kinds<tp_pp>;
  constexpr nc::settings_table own = nc::settings_table{}.with(tp_pp, {.high_priority = true});
  {
    nc::rank_groups<mine> groups(*boot);
    CHECK(groups.group_count() == groups_each);
    CHECK(groups.communicator_count() == communicators);  // its settings equal: shared
    CHECK(groups.created_count() == 0);
    check_groups<mine>(groups);
    CHECK(groups.created_count() == made_on_first_use);  // one-rank groups, made on first use
  }
  nc::rank_groups<mine, own> groups(*boot);
  CHECK(groups.communicator_count() == communicators + 1);
  check_groups<mine>(groups);
  const nc::group_comm& comm = (*groups.language())[tp_pp];
  CHECK(comm.settings().high_priority);
  CHECK(comm.identity() != groups.language()->tp.identity());
}

// A topology compiled for another world: the one world-size check, naming both sizes.
template <class Topology>
void wrong_world() {
  try {
    nc::rank_groups<Topology> groups(*boot);
    FAIL("no throw");
  } catch (const hg::topology_error& e) {
    const std::string what = e.what();
    CHECK(what.find("the job has " + std::to_string(boot->size()) + " ranks") !=
          std::string::npos);
    CHECK(what.find("world of " + std::to_string(Topology::world)) != std::string::npos);
  }
}

}  // namespace

// --- world 1 ---

TEST_CASE("solo: every group is the world communicator, no new communicator" *
          doctest::test_suite("world1")) {
  nc::rank_groups<solo> groups(*boot);
  check_counts<solo>(groups, {{42}, 1, 0});  // 2 x 20 kinds + embd + pos_embd
  check_groups<solo>(groups);
  CHECK(groups.created_count() == 0);
  CHECK(groups.language()->embd.has_value());
  CHECK(groups.language()->pos_embd.has_value());
  CHECK(groups.module("images")->embd == std::nullopt);
}

TEST_CASE("solo, the world's reuse off: one split, one communicator" *
          doctest::test_suite("world1")) {
  nc::rank_groups<solo, nc::settings_table{}, no_reuse> groups(*boot);
  CHECK(groups.split_calls() == 1);
  check_groups<solo>(groups, false);
  CHECK(groups.created_count() == 1);
}

TEST_CASE("solo, reuse off, two settings tables: one communicator per distinct setting" *
          doctest::test_suite("world1")) {
  nc::rank_groups<solo, latency_pp, no_reuse> groups(*boot);
  CHECK(groups.communicator_count() == 2);
  CHECK(groups.split_calls() == 2);
  check_groups<solo>(groups, false);
  CHECK(groups.created_count() == 2);
  CHECK(groups.language()->pp.settings().max_ctas == 2);
  CHECK(groups.language()->tp.settings().max_ctas == 0);
  CHECK(groups.language()->pp.identity() == groups.language()->embd->identity());
  CHECK(groups.language()->pp.identity() != groups.language()->tp.identity());
}

TEST_CASE("singletons made locally, only when first asked for" * doctest::test_suite("world1")) {
  nc::rank_groups<solo, nc::settings_table{}, lazy> groups(*boot);
  CHECK(groups.split_calls() == 0);
  CHECK(groups.created_count() == 0);
  CHECK_FALSE(groups.language()->tp.created());
  check_groups<solo>(groups, false);
  CHECK(groups.created_count() == 1);
}

TEST_CASE("a group kind in NCCL's non-blocking mode; the rest blocking, the default" *
          doctest::test_suite("world1")) {
  constexpr nc::settings_table nonblocking_pp =
      nc::settings_table{}.with(hg::group_kind::pp, {.blocking = false});
  nc::rank_groups<solo, nonblocking_pp, no_reuse> groups(*boot);
  CHECK(groups.communicator_count() == 2);
  CHECK_FALSE(groups.language()->pp.settings().blocking);
  CHECK(groups.language()->tp.settings().blocking);
  check_groups<solo>(groups, false);
}

TEST_CASE("a one-module layout" * doctest::test_suite("world1")) {
  nc::rank_groups<one_module> groups(*boot);
  CHECK(groups.group_count() == 22);  // 20 kinds + embd + pos_embd
  check_groups<one_module>(groups);
  nc::rank_groups<one_module, latency_pp, no_reuse> split(*boot);
  check_groups<one_module>(split, false);
  CHECK(split.created_count() == 2);
}

TEST_CASE("world 1: a program's own kind" * doctest::test_suite("world1")) {
  own_kind<solo>(44, 1, 0);
}
TEST_CASE("world 1: every communicator made is released exactly once" *
          doctest::test_suite("world1")) {
  released_exactly_once<solo>(3);  // {0} twice (two settings), split; {0} made locally
}
TEST_CASE("world 1: move assignment" * doctest::test_suite("world1")) { move_assignment<solo>(); }
TEST_CASE("world 1: one watchdog thread per rank_groups probes every group's stream" *
          doctest::test_suite("world1")) {
  watchdog_probes<solo>();
}

TEST_CASE("a topology for world 2 started with one rank names both sizes" *
          doctest::test_suite("world1")) {
  wrong_world<world_of_two>();
}

// --- world 2: every path with a peer ---

TEST_CASE("pair: each rank's groups on its own, no communicator made" *
          doctest::test_suite("world2")) {
  nc::rank_groups<pair> groups(*boot);
  check_counts<pair>(groups, {{20, 22}, 1, 0});
  CHECK(groups.created_count() == 0);
  check_groups<pair>(groups);
  CHECK(groups.created_count() == 1);  // the one-rank communicator, made on first use
  CHECK((groups.module("images") != nullptr) == (boot->rank() == 0));
  CHECK((groups.language() != nullptr) == (boot->rank() == 1));
}

TEST_CASE("pair_tp on nodes of 2: the launch check's watched gather passes on one host" *
          doctest::test_suite("world2")) {
  using placed = pair_tp::on_nodes<2>;
  nc::rank_groups<placed> groups(*boot, nc::rank_groups_options{.timeout_s = 30});
  CHECK(groups.group_count() == 22);
  CHECK(groups.language()->tp.get() == boot->nccl_world());
}

TEST_CASE("pair_tp: tp and the kinds over it are the world's communicator" *
          doctest::test_suite("world2")) {
  nc::rank_groups<pair_tp> groups(*boot);
  check_counts<pair_tp>(groups, {{22, 22}, 2, 0});
  check_groups<pair_tp>(groups);
  CHECK(groups.language()->tp.get() == boot->nccl_world());
  CHECK(groups.language()->tp.identity() == groups.language()->mp.identity());
  CHECK(groups.language()->pp.size() == 1);
  CHECK(groups.language()->embd->size() == 1);
}

TEST_CASE("colocated_pair: images tp and language dp share the world's communicator" *
          doctest::test_suite("world2")) {
  nc::rank_groups<colocated_pair> groups(*boot);
  check_counts<colocated_pair>(groups, {{42, 42}, 2, 0});
  check_groups<colocated_pair>(groups);
  const auto& images = *groups.module("images");
  const auto& language = *groups.language();
  CHECK(images.tp.size() == 2);
  CHECK(language.dp.size() == 2);
  CHECK(images.tp.identity() == language.dp.identity());
  CHECK(images.tp.get() == boot->nccl_world());
  CHECK(images.dp.identity() == language.tp.identity());  // both {rank}: the local one
}

TEST_CASE("colocated_pair: a kind with its own settings gets a communicator of its own" *
          doctest::test_suite("world2")) {
  constexpr nc::settings_table images_tp =
      nc::settings_table{}.with(hg::group_kind::tp, {.max_ctas = 2});
  nccl_counters::reset();
  nc::rank_groups<colocated_pair, images_tp> groups(*boot);
  // The table names the kind tp in both modules: images' {0,1} is split off, language's
  // {rank} is a one-rank communicator of its own, made on first use.
  check_counts<colocated_pair>(groups, {{42, 42}, 4, 1});
  CHECK(nccl_counters::made == 1);  // one split: the two-rank tp group of images
  check_groups<colocated_pair>(groups);
  const auto& images = *groups.module("images");
  const auto& language = *groups.language();
  CHECK(images.tp.settings().max_ctas == 2);
  CHECK(images.tp.identity() != language.dp.identity());
  CHECK(images.tp.get() != boot->nccl_world());
  CHECK(language.dp.get() == boot->nccl_world());
}

TEST_CASE("world 2, the world's reuse off: every group split, as many as the plan's classes" *
          doctest::test_suite("world2")) {
  nc::rank_groups<colocated_pair, nc::settings_table{}, no_reuse> groups(*boot);
  check_counts<colocated_pair>(groups, {{42, 42}, 2, 2});
  check_groups<colocated_pair>(groups, false);
  CHECK(groups.created_count() == 2);
  CHECK(groups.module("images")->tp.get() != boot->nccl_world());
  nc::rank_groups<pair_tp, nc::settings_table{}, no_reuse> tp(*boot);
  check_counts<pair_tp>(tp, {{22, 22}, 2, 2});
  check_groups<pair_tp>(tp, false);
}

TEST_CASE("world 2: a program's own kind" * doctest::test_suite("world2")) {
  own_kind<pair_tp>(23, 2, 1);
}
TEST_CASE("world 2: every communicator made is released exactly once" *
          doctest::test_suite("world2")) {
  // Split: {0,1}, {rank}, {rank} with latency_pp's settings; local: {0,1} split, {rank} made.
  released_exactly_once<colocated_pair>(5);
}
TEST_CASE("world 2: move assignment" * doctest::test_suite("world2")) {
  move_assignment<colocated_pair>();
}
TEST_CASE("world 2: the watchdog probes every group's stream" * doctest::test_suite("world2")) {
  watchdog_probes<colocated_pair>();
}

TEST_CASE("a topology for world 1 started with two ranks names both sizes" *
          doctest::test_suite("world2")) {
  wrong_world<solo>();
}

// --- any size ---

TEST_CASE("the bootstrap's world: a blocking twin for work, the non-blocking one to split off" *
          doctest::test_suite("any")) {
  CHECK(boot->nccl_world() != boot->split_parent());
  int n = 0;
  ncclCommCount(boot->nccl_world(), &n);
  CHECK(n == boot->size());
}

// Issue 20, row 1: assignment moves the groups, each communicator released once; a copy, which
// would release them twice, does not compile.
static_assert(!std::is_copy_constructible_v<nc::rank_groups<solo>> &&
              !std::is_copy_assignable_v<nc::rank_groups<solo>>);

int main(int argc, char** argv) {
  if (!nc::gpu_available()) return gpu_check::skip("test_nccl_groups");
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  if (world.size() > 2) {
    if (world.rank() == 0) std::fprintf(stderr, "test_nccl_groups: world 1 or 2 only\n");
    return 2;
  }
  if (const std::string why = gpu_check::peer_refusal(world); !why.empty())
    return gpu_check::skip("test_nccl_groups", why);
  nc::bootstrap b(nc::bootstrap_options{.timeout_s = 120, .verbose = true});
  boot = &b;
  std::printf("test_nccl_groups: rank %d of %d: NCCL %s (built against %d)\n", b.rank(), b.size(),
              nc::version_string().c_str(), NCCL_VERSION_CODE);
  doctest::Context context(argc, argv);
  context.addFilter("test-suite", b.size() == 1 ? "world1,any" : "world2,any");
  return context.run();
}

// On one GPU (world 1; the two-GPU runs have their own issue): every group of every kind
// exists with the members of the enumeration (proved by a one-hot all-reduce), embd / pos_embd,
// roles; as many communicators as distinct (members, settings) pairs and no more; with the
// world's reuse on and off, and with two settings tables.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <chrono>
#include <set>
#include <thread>
#include <type_traits>

#include "gpu_check.hpp"
#include "nccl_counters.hpp"
#include "one_hot.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using solo = hg::layouts::solo::topology;
using one_module =
    hg::topology<1, hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 1, .language = true}>>;
using world_of_two =
    hg::topology<2, hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 2, .tp = 2,
                                                  .language = true}>>;

constexpr nc::settings_table latency_pp =
    nc::settings_table{}
        .with(hg::group_kind::pp, {.high_priority = true, .max_ctas = 2})
        .with_slot(hg::embd_slot, {.high_priority = true, .max_ctas = 2});
constexpr nc::build_options no_reuse{.reuse_world = false,
                                     .singleton_policy = nc::singletons::eager_split};

nc::bootstrap* boot = nullptr;

template <class Groups, class Topology>
void check_groups(const Groups& groups) {
  const int rank = boot->rank();
  std::set<std::pair<const void*, int>> distinct;
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
      distinct.insert({comm->identity(), 0});
      CHECK(comm->rank() == expected->index_of(rank));
      CHECK(comm->size() == expected->size());
      int nccl_size = 0, nccl_rank = -1;
      ncclCommCount(comm->get(), &nccl_size);
      ncclCommUserRank(comm->get(), &nccl_rank);
      CHECK(nccl_size == expected->size());
      CHECK(nccl_rank == expected->index_of(rank));
      const std::vector<float> members = one_hot::members_by_all_reduce(*comm, rank, boot->size());
      for (int r = 0; r < boot->size(); ++r) CHECK(members[r] == (expected->contains(r) ? 1.f : 0.f));
    }
    CHECK(groups.role().modules[m].is_first_stage == g.is_first_stage(rank));
    CHECK(groups.role().modules[m].is_last_stage == g.is_last_stage(rank));
  }
  CHECK(static_cast<int>(distinct.size()) == groups.communicator_count());
}

}  // namespace

TEST_CASE("a program's own kind: its groups, its own settings, a communicator of its own") {
  static constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp_mine", {"tp", "pp"});
  using mine = solo::with_kinds<tp_pp>;
  constexpr nc::settings_table own = nc::settings_table{}.with(tp_pp, {.high_priority = true});
  {
    nc::rank_groups<mine> groups(*boot);
    CHECK(groups.group_count() == 44);
    CHECK(groups.communicator_count() == 1);  // shares the world's, as its settings are equal
    check_groups<decltype(groups), mine>(groups);
    CHECK(groups.created_count() == 0);
  }
  nc::rank_groups<mine, own> groups(*boot);
  CHECK(groups.communicator_count() == 2);  // its settings differ: a communicator of its own
  check_groups<decltype(groups), mine>(groups);
  const nc::group_comm& comm = (*groups.language())[tp_pp];
  CHECK(comm.settings().high_priority);
  CHECK(comm.identity() != groups.language()->tp.identity());
}

TEST_CASE("solo: every group is the world communicator, no new communicator") {
  nc::rank_groups<solo> groups(*boot);
  CHECK(groups.group_count() == 42);  // 2 x 20 kinds + embd + pos_embd
  CHECK(groups.communicator_count() == 1);
  check_groups<decltype(groups), solo>(groups);
  CHECK(groups.created_count() == 0);
  CHECK(groups.split_calls() == 0);
  CHECK(groups.language()->embd.has_value());
  CHECK(groups.language()->pos_embd.has_value());
  CHECK(groups.module("images")->embd == std::nullopt);
}

TEST_CASE("solo, the world's reuse off: one split, one communicator") {
  nc::rank_groups<solo, nc::settings_table{}, no_reuse> groups(*boot);
  CHECK(groups.split_calls() == 1);
  check_groups<decltype(groups), solo>(groups);
  CHECK(groups.created_count() == 1);
}

TEST_CASE("solo, reuse off, two settings tables: one communicator per distinct setting") {
  nc::rank_groups<solo, latency_pp, no_reuse> groups(*boot);
  CHECK(groups.communicator_count() == 2);
  CHECK(groups.split_calls() == 2);
  check_groups<decltype(groups), solo>(groups);
  CHECK(groups.created_count() == 2);
  CHECK(groups.language()->pp.settings().max_ctas == 2);
  CHECK(groups.language()->tp.settings().max_ctas == 0);
  CHECK(groups.language()->pp.identity() == groups.language()->embd->identity());
  CHECK(groups.language()->pp.identity() != groups.language()->tp.identity());
}

TEST_CASE("singletons made locally, only when first asked for") {
  constexpr nc::build_options lazy{.reuse_world = false};
  nc::rank_groups<solo, nc::settings_table{}, lazy> groups(*boot);
  CHECK(groups.split_calls() == 0);
  CHECK(groups.created_count() == 0);
  CHECK_FALSE(groups.language()->tp.created());
  check_groups<decltype(groups), solo>(groups);
  CHECK(groups.created_count() == 1);
}

TEST_CASE("a group kind in NCCL's non-blocking mode; the rest blocking, the default") {
  constexpr nc::settings_table nonblocking_pp =
      nc::settings_table{}.with(hg::group_kind::pp, {.blocking = false});
  nc::rank_groups<solo, nonblocking_pp, no_reuse> groups(*boot);
  CHECK(groups.communicator_count() == 2);
  CHECK_FALSE(groups.language()->pp.settings().blocking);
  CHECK(groups.language()->tp.settings().blocking);
  check_groups<decltype(groups), solo>(groups);
}

TEST_CASE("one watchdog thread per rank_groups probes every group's stream") {
  nc::rank_groups<solo, nc::settings_table{}, no_reuse> groups(
      *boot, 60.0, nc::watchdog_options{.timeout_s = 30.0, .interval_s = 0.01});
  CHECK(groups.watcher().running());
  check_groups<decltype(groups), solo>(groups);  // work on the streams while it watches
  const long before = groups.watcher().probes();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(groups.watcher().probes() > before);  // idle streams: a probe every interval
  nc::rank_groups<solo, nc::settings_table{}, no_reuse> off(
      *boot, 60.0, nc::watchdog_options{.enabled = false});
  CHECK_FALSE(off.watcher().running());
  CHECK(off.watcher().probes() == 0);
}

TEST_CASE("the bootstrap's world: a blocking twin for work, the non-blocking one to split off") {
  CHECK(boot->nccl_world() != boot->split_parent());
  int n = 0;
  ncclCommCount(boot->nccl_world(), &n);
  CHECK(n == boot->size());
}

TEST_CASE("a one-module layout") {
  nc::rank_groups<one_module> groups(*boot);
  CHECK(groups.group_count() == 22);  // 20 kinds + embd + pos_embd
  check_groups<decltype(groups), one_module>(groups);
  nc::rank_groups<one_module, latency_pp, no_reuse> split(*boot);
  check_groups<decltype(split), one_module>(split);
  CHECK(split.created_count() == 2);
}

TEST_CASE("every communicator made is released exactly once") {
  nccl_counters::reset();
  {
    nc::rank_groups<solo, latency_pp, no_reuse> split(*boot);
    constexpr nc::build_options lazy{.reuse_world = false};
    nc::rank_groups<solo, nc::settings_table{}, lazy> local(*boot);
    check_groups<decltype(local), solo>(local);  // makes the lazy one
    CHECK(nccl_counters::made == 3);
    CHECK(nccl_counters::released == 0);
  }
  CHECK(nccl_counters::released == 3);
}

// Issue 20, row 1: assignment moves the groups, each communicator released once; a copy, which
// would release them twice, does not compile.
static_assert(!std::is_copy_constructible_v<nc::rank_groups<solo>> &&
              !std::is_copy_assignable_v<nc::rank_groups<solo>>);
TEST_CASE("move assignment: named members on the new groups, each communicator released once") {
  nccl_counters::reset();
  {
    nc::rank_groups<solo, latency_pp, no_reuse> groups(*boot);
    groups = nc::rank_groups<solo, latency_pp, no_reuse>(*boot);
    CHECK(nccl_counters::released == 2);  // the first object's two communicators
    check_groups<decltype(groups), solo>(groups);
    CHECK(groups.language()->pp.settings().max_ctas == 2);
    CHECK(&groups.language()->tp == &(*groups.language())[hg::group_kind::tp]);
  }
  CHECK(nccl_counters::made == 4);
  CHECK(nccl_counters::released == 4);
}

TEST_CASE("a topology for world 2 started with one rank names both sizes") {
  try {
    nc::rank_groups<world_of_two> groups(*boot);
    FAIL("no throw");
  } catch (const hg::topology_error& e) {
    const std::string what = e.what();
    CHECK(what.find("the job has 1 ranks") != std::string::npos);
    CHECK(what.find("world of 2") != std::string::npos);
  }
}

int main(int argc, char** argv) {
  if (!hetgrid::nccl::gpu_available()) return gpu_check::skip("test_nccl_groups");
  nc::bootstrap b(nc::bootstrap_options{.verbose = true});
  boot = &b;
  std::printf("test_nccl_groups: NCCL %s (built against %d)\n", nc::version_string().c_str(),
              NCCL_VERSION_CODE);
  doctest::Context context(argc, argv);
  return context.run();
}

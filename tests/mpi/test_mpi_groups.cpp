// Under mpirun: every communicator hetgrid builds, group-locally (the default) and by split
// rounds, has exactly the members of the compile-time enumeration, in ascending rank order;
// embd / pos_embd, roles, counts, sharing; nothing leaks. The layout cases cover -np 8, 9 and
// 16. At any other -np the program runs nothing and exits 77 (CTest's SKIP_RETURN_CODE), saying
// so on rank 0, unless given --world-case-only: then it runs the one case that holds at any size
// (a wrong world size throws). A case for another covered size says on rank 0 that it was
// skipped: no vacuous pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>
#include <functional>
#include <hetgrid/mpi.hpp>
#include <set>
#include <stdexcept>
#include <vector>

#include "comm_counters.hpp"
#include "layouts.hpp"

namespace hg = hetgrid;

namespace {

boost::mpi::communicator& world() {
  static boost::mpi::communicator w;
  return w;
}

// The job sizes the layout cases need.
constexpr int covered_sizes[] = {8, 9, 16};
constexpr auto group_local = hg::mpi::construction::group_local;
constexpr auto split_rounds = hg::mpi::construction::split_rounds;

// True when the job has n ranks; else the case is skipped, and rank 0 says so.
bool at_world(int n) {
  if (world().size() == n) return true;
  if (world().rank() == 0) MESSAGE("skipped at -np " << world().size() << ": this case needs -np " << n);
  return false;
}

// The distinct member sets of this rank's groups that need peers and are not the whole job:
// what either path must create, once each.
template <class Topology>
int sets_needing_a_communicator(int rank) {
  std::set<std::vector<int>> sets;
  for (int m = 0; m < Topology::module_count; ++m)
    for (int slot = 0; slot < Topology::slot_count; ++slot)
      if (const auto g = Topology::description.group(m, slot, rank);
          g && g->size() > 1 && g->size() < Topology::world)
        sets.insert(std::vector<int>(g->begin(), g->end()));
  return static_cast<int>(sets.size());
}

// Every group of every module this rank is in, against the enumeration.
template <class Groups>
void check_membership(const Groups& groups) {
  using Topology = typename Groups::topology;
  constexpr auto& plan = Groups::plan;
  const int rank = world().rank();
  std::set<MPI_Comm> distinct;
  int group_count = 0;
  for (int m = 0; m < Topology::module_count; ++m) {
    const hg::grid& g = Topology::grids[m];
    const auto* collection = groups.modules().module(m);
    REQUIRE((collection != nullptr) == g.contains(rank));
    if (!collection) continue;
    for (int slot = 0; slot < Topology::slot_count; ++slot) {
      CAPTURE(g.name());
      CAPTURE(Topology::description.slot_name(slot));
      const std::optional<hg::rank_group> expected = Topology::description.group(m, slot, rank);
      const boost::mpi::communicator* comm = collection->slot(slot);
      REQUIRE((comm != nullptr) == expected.has_value());
      if (!expected) continue;
      ++group_count;
      distinct.insert(MPI_Comm(*comm));
      CHECK(comm->size() == expected->size());
      CHECK(comm->rank() == expected->index_of(rank));
      std::vector<int> members;
      boost::mpi::all_gather(*comm, rank, members);
      CHECK(members == std::vector<int>(expected->begin(), expected->end()));
    }
    // Roles from the coordinates themselves.
    const auto role = groups.role();
    CHECK(role.modules[m].is_first_stage == (g.coords(rank).pp == 0));
    CHECK(role.modules[m].is_last_stage == (g.coords(rank).pp == g.pp - 1));
  }
  CHECK(group_count == groups.group_count());
  CHECK(static_cast<int>(distinct.size()) == groups.communicator_count());
  CHECK(groups.communicator_count() == plan.counts(rank).communicators);
  CHECK((groups.language() != nullptr) == groups.role().has_language());
}

template <class Topology, hg::mpi::construction How>
void check_layout_under_mpi() {
  if (!at_world(Topology::world)) return;
  CAPTURE(How == group_local ? "group_local" : "split_rounds");
  comm_counters::reset();
  {
    hg::mpi::rank_groups<Topology, hg::plan_options{}, How> groups(world());
    CHECK(comm_counters::splits == groups.split_calls());
    CHECK(comm_counters::create_groups == groups.create_group_calls());
    if constexpr (How == split_rounds) {
      // At most one split per slot; pos_embd never needs one.
      CHECK(groups.split_calls() <= Topology::slot_count - 1);
      CHECK(comm_counters::create_groups == 0);
    } else {
      // No call over the whole job; one creation per distinct set of peers, none more.
      CHECK(comm_counters::splits == 0);
      CHECK(comm_counters::created == sets_needing_a_communicator<Topology>(world().rank()));
    }
    check_membership(groups);
  }
  CHECK(comm_counters::freed == comm_counters::created);
}

// Both paths give each (module, slot) a communicator of the same members and share them alike:
// the same slots on one communicator, the world's and MPI_COMM_SELF where the other has them.
template <class Topology>
void check_paths_agree() {
  if (!at_world(Topology::world)) return;
  const hg::mpi::rank_groups<Topology, hg::plan_options{}, group_local> local(world());
  const hg::mpi::rank_groups<Topology, hg::plan_options{}, split_rounds> split(world());
  std::vector<std::pair<MPI_Comm, MPI_Comm>> seen;  // (group-local, split) of each slot so far
  for (int m = 0; m < Topology::module_count; ++m) {
    const auto* a = local.modules().module(m);
    const auto* b = split.modules().module(m);
    REQUIRE((a == nullptr) == (b == nullptr));
    if (!a) continue;
    for (int slot = 0; slot < Topology::slot_count; ++slot) {
      CAPTURE(Topology::grids[m].name());
      CAPTURE(Topology::description.slot_name(slot));
      REQUIRE((a->slot(slot) == nullptr) == (b->slot(slot) == nullptr));
      if (!a->slot(slot)) continue;
      const MPI_Comm x = MPI_Comm(*a->slot(slot)), y = MPI_Comm(*b->slot(slot));
      int same = MPI_UNEQUAL;
      MPI_Comm_compare(x, y, &same);
      CHECK((same == MPI_IDENT || same == MPI_CONGRUENT));
      CHECK((x == MPI_Comm(world())) == (y == MPI_Comm(world())));
      CHECK((x == MPI_COMM_SELF) == (y == MPI_COMM_SELF));
      for (const auto& [earlier_x, earlier_y] : seen) CHECK((earlier_x == x) == (earlier_y == y));
      seen.emplace_back(x, y);
    }
  }
}

template <class Topology>
void check_both_paths() {
  check_layout_under_mpi<Topology, group_local>();
  check_layout_under_mpi<Topology, split_rounds>();
  check_paths_agree<Topology>();
}

}  // namespace

TEST_CASE("seed layout: membership, counts, embedding groups") {
  if (!at_world(8)) return;
  check_both_paths<layouts::seed>();
  hg::mpi::rank_groups<layouts::seed> groups(world());
  CHECK(groups.how == group_local);  // the default
  const int rank = world().rank();
  if (rank >= 4) {
    // docs/CONTRACT.md section 3: a language rank has 22 (first stage) or 21 groups, on 4 communicators.
    CHECK(groups.group_count() == (rank < 6 ? 22 : 21));
    CHECK(groups.communicator_count() == 4);
    CHECK(groups.language()->embd.has_value());
    CHECK(groups.language()->pos_embd.has_value() == (rank < 6));
    // mp is not the whole job: its own communicator; tp_ep_pp repeats it.
    CHECK(MPI_Comm(groups.language()->mp) == MPI_Comm(groups.language()->tp_ep_pp));
  } else {
    CHECK(groups.language() == nullptr);
    CHECK(groups.module("images")->dp.size() == 2);
  }
  // Only the three distinct rank-set shapes that need peers cost a split; group-locally, each
  // rank makes its 3 communicators with peers (language: tp, pp, mp; images: tp, dp, tp_dp).
  CHECK(hg::mpi::rank_groups<layouts::seed, hg::plan_options{}, split_rounds>::split_calls() == 3);
  CHECK(groups.split_calls() == 0);
  CHECK(groups.create_group_calls() == 3);
}

// Issue 20, row 1: rebuilding the groups by assignment crashed every rank (the named members
// stayed bound to the temporary's freed array). The sanitizer suite runs this case too.
TEST_CASE("assigned groups communicate through their named members") {
  if (!at_world(8)) return;
  comm_counters::reset();
  {
    hg::mpi::rank_groups<layouts::seed> groups(world());
    groups = hg::mpi::rank_groups<layouts::seed>(world());
    const auto* collection = world().rank() >= 4 ? groups.language() : groups.module("images");
    REQUIRE(collection != nullptr);
    const int sum = boost::mpi::all_reduce(collection->tp, world().rank(), std::plus<int>());
    const hg::rank_group tp = layouts::seed::grids[world().rank() >= 4 ? 1 : 0].group_of(
        hg::group_kind::tp, world().rank());
    CHECK(sum == tp.front() + tp.back());
    const hg::mpi::rank_groups<layouts::seed> copy = groups;
    groups = copy;
    CHECK(boost::mpi::all_reduce(collection->tp, 1, std::plus<int>()) == 2);
    check_membership(groups);
  }
  CHECK(comm_counters::freed == comm_counters::created);
}

// Issue 20, row 8: a split MPI refuses names the module and the kind it was for.
TEST_CASE("a failed split names the module and the kind") {
  hg::mpi::backend refused(boost::mpi::communicator(MPI_COMM_NULL, boost::mpi::comm_attach));
  hg::class_request request;
  request.round = 1;
  request.module_name = "images";
  request.slot_name = "tp";
  try {
    (void)refused.split(&request, 0, 0);
    FAIL("no throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("MPI_Comm_split for the images:tp groups (split round 1) failed") !=
          std::string::npos);
  }
}

TEST_CASE("a program's own kind gets communicators like the built-in ones") {
  static constexpr hg::group_kind tp_dp_pp = hg::make_kind("tp_dp_pp", {"tp", "dp", "pp"});
  static constexpr hg::group_kind expert_pp = hg::make_kind("expert_pp", {"expt_dp", "pp"});
  using mine = layouts::moe16::with_kinds<tp_dp_pp, expert_pp>;
  if (world().size() != mine::world) return;
  check_both_paths<mine>();
  hg::mpi::rank_groups<mine> groups(world());
  const int rank = world().rank();
  for (int m = 0; m < mine::module_count; ++m) {
    const auto* collection = groups.modules().module(m);
    if (!collection) continue;
    const hg::rank_group want = mine::grids[m].group_of(tp_dp_pp, rank);
    std::vector<int> members;
    boost::mpi::all_gather((*collection)[tp_dp_pp], rank, members);
    CHECK(members == std::vector<int>(want.begin(), want.end()));
    CHECK((*collection)[expert_pp].size() == mine::grids[m].group_of(expert_pp, rank).size());
    // The built-in kinds keep their names and members.
    CHECK(collection->tp.size() == mine::grids[m].tp);
  }
}

TEST_CASE("colocated layout with differing factorizations") {
  check_both_paths<layouts::colocated>();
}
TEST_CASE("MoE layout") { check_both_paths<layouts::moe>(); }
TEST_CASE("two encoders of one factorization share their splits") {
  check_both_paths<layouts::twin_encoders>();
}
TEST_CASE("sixteen ranks, pp = 3") { check_both_paths<layouts::moe16>(); }
TEST_CASE("sixteen ranks with gtp_remat and expt_gtp_remat") {
  check_both_paths<layouts::gtp16>();
}
TEST_CASE("sixteen ranks in seven modules of four factorizations") {
  check_both_paths<layouts::many_modules>();
}
TEST_CASE("an odd world: nine ranks, tp = 3") { check_both_paths<layouts::odd9>(); }

TEST_CASE("a group of the whole job is the job's communicator") {
  using whole = hg::topology<8, hg::module_grid<hg::grid_spec{
                                    .name = "lm", .ranks = 8, .tp = 8, .language = true}>>;
  if (!at_world(8)) return;
  comm_counters::reset();
  hg::mpi::rank_groups<whole> groups(world());
  CHECK(MPI_Comm(groups.language()->tp) == MPI_Comm(world()));
  CHECK(groups.split_calls() == 0);
  CHECK(comm_counters::create_groups == 0);
  check_membership(groups);
  const hg::mpi::rank_groups<whole, hg::plan_options{}, split_rounds> split(world());
  CHECK(MPI_Comm(split.language()->tp) == MPI_Comm(world()));
  CHECK(split.split_calls() == 0);
}

TEST_CASE("a throw half-way frees what was built, exactly once") {
  if (!at_world(8)) return;
  comm_counters::reset();
  const auto throw_after_round_1 = [](int round) {
    if (round == 1) throw std::runtime_error("injected");
  };
  CHECK_THROWS_AS((hg::mpi::rank_groups<layouts::seed, hg::plan_options{}, split_rounds>(
                      world(), throw_after_round_1)),
                  std::runtime_error);
  CHECK(comm_counters::splits == 2);
  CHECK(comm_counters::freed == comm_counters::created);
  // Group-locally: the creations of rounds 0 and 1 that this rank takes part in, then freed.
  comm_counters::reset();
  CHECK_THROWS_AS(hg::mpi::rank_groups<layouts::seed>(world(), throw_after_round_1),
                  std::runtime_error);
  constexpr auto& plan = hg::mpi::rank_groups<layouts::seed>::plan;
  int held_by_round_1 = 0;
  for (int id = 0; id < plan.class_count; ++id)
    held_by_round_1 += plan.classes[id].source == hg::class_source::split &&
                       plan.classes[id].round <= 1 && plan.holds(id, world().rank());
  CHECK(held_by_round_1 > 0);
  CHECK(comm_counters::splits == 0);
  CHECK(comm_counters::create_groups == held_by_round_1);
  CHECK(comm_counters::freed == comm_counters::created);
}

// A group-local creation MPI refuses names the call, the module, the kind and the class.
TEST_CASE("a failed group-local creation names the module, the kind and the class") {
  const boost::mpi::communicator refused(MPI_COMM_NULL, boost::mpi::comm_attach);
  hg::class_request request;
  request.id = 7;
  request.module_name = "language";
  request.slot_name = "dp";
  try {
    (void)hg::mpi::detail::create_group(refused, hg::rank_group(0, 1, {2}, {1}), request);
    FAIL("no throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.find("hetgrid: MPI_Comm_group for the language:dp groups (class 7, a group of 2 "
                    "ranks) failed: ") == 0);
  }
}

TEST_CASE("a wrong world size throws, naming both sizes") {
  using twelve = hg::topology<12, hg::module_grid<hg::grid_spec{
                                      .name = "lm", .ranks = 12, .language = true}>>;
  try {
    hg::mpi::rank_groups<twelve> groups(world());
    FAIL("no throw");
  } catch (const hg::topology_error& e) {
    CHECK(e.kind() == hg::error_kind::world);
    const std::string what = e.what();
    CHECK(what.find(std::to_string(world().size()) + " ranks") != std::string::npos);
    CHECK(what.find("world of 12") != std::string::npos);
  }
}

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  bool world_case_only = false;
  for (int i = 1; i < argc; ++i) world_case_only |= std::strcmp(argv[i], "--world-case-only") == 0;
  bool covered = false;
  for (int n : covered_sizes) covered |= world().size() == n;
  if (!covered && !world_case_only) {
    if (world().rank() == 0)
      std::printf("test_mpi_groups: SKIPPED: no layout case covers -np %d (they need -np 8, 9 or "
                  "16; --world-case-only runs the one case that holds at any size)\n",
                  world().size());
    return 77;
  }
  doctest::Context context(argc, argv);
  if (world_case_only) context.addFilter("test-case", "a wrong world size throws*");
  if (world().rank() != 0) context.setOption("minimal", true);
  const int failed = context.run();
  // Every rank must pass: the job fails if any rank failed.
  const int any_failed = boost::mpi::all_reduce(world(), failed, boost::mpi::maximum<int>());
  return any_failed;
}

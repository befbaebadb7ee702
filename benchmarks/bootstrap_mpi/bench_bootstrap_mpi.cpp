// bench_bootstrap_mpi: build every group of a seed-shaped layout for the world this is started
// with, then one all-reduce on every group, by each path in turn within one process: hetgrid
// group-locally (the default), hetgrid by split rounds, the floor of twenty plain splits
// (floor.hpp) and a plain MPI_Comm_create_group probe (create_group_probe.hpp). Each repeat runs
// every path once, starting one path later each time, so no path always goes first. One JSON
// line per path and repeat (result_line.hpp).
// Usage: mpirun -np W bench_bootstrap_mpi [--repeat N] [--paths NAME,...]
#include <boost/hana/for_each.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>
#include <hetgrid/mpi.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "../options.hpp"
#include "create_group_probe.hpp"
#include "floor.hpp"
#include "result_line.hpp"
#include "seed_layouts.hpp"

namespace hg = hetgrid;

namespace {

constexpr const char* path_names[] = {"hetgrid_group_local", "hetgrid_split_rounds",
                                      "floor_one_split_per_kind", "create_group_probe"};
constexpr int path_count = 4;

// One all-reduce on every group this rank is in, in the same (module, slot) order on every rank.
template <class Groups>
void one_collective_on_each(const Groups& groups) {
  for (const auto& collection : groups.modules().modules) {
    if (!collection) continue;
    for (int slot = 0; slot < hg::slot_count; ++slot)
      if (const auto* comm = collection->slot(slot))
        (void)boost::mpi::all_reduce(*comm, 1, std::plus<int>());
  }
}

template <class Topology, hg::mpi::construction How>
void run_hetgrid(const boost::mpi::communicator& world, const char* path, int iteration,
                 double world_connect_s) {
  world.barrier();
  const double t0 = bench::now_s();
  hg::mpi::rank_groups<Topology, hg::plan_options{}, How> groups(world);
  const double t1 = bench::now_s();
  one_collective_on_each(groups);
  const double t2 = bench::now_s();
  bench::print_result(world, path, iteration,
                      {groups.group_count(), groups.communicator_count(), groups.split_calls(),
                       groups.create_group_calls()},
                      {t1 - t0, t2 - t1}, world_connect_s);
}

template <class Topology>
void run_path(const boost::mpi::communicator& world, int path, int iteration,
              double world_connect_s) {
  const char* name = path_names[path];
  constexpr auto& plan = hg::plan_of<Topology>;
  const auto counts = plan.counts(world.rank());
  if (path == 0) {
    run_hetgrid<Topology, hg::mpi::construction::group_local>(world, name, iteration,
                                                              world_connect_s);
  } else if (path == 1) {
    run_hetgrid<Topology, hg::mpi::construction::split_rounds>(world, name, iteration,
                                                               world_connect_s);
  } else if (path == 2) {
    bench::print_result(world, name, iteration,
                        {hg::group_kind_count, hg::group_kind_count, hg::group_kind_count, 0},
                        bench::floor_once<Topology>(world), world_connect_s);
  } else {
    bench::print_result(world, name, iteration,
                        {counts.groups, counts.communicators, 0,
                         hg::mpi::group_local_calls<plan>(world.rank())},
                        bench::create_group_probe_once<Topology>(world), world_connect_s);
  }
}

template <class Topology>
void run(const boost::mpi::communicator& world, const std::vector<int>& paths,
         double world_connect_s, int repeat) {
  const int n = static_cast<int>(paths.size());
  for (int i = 0; i < repeat; ++i)
    for (int k = 0; k < n; ++k) run_path<Topology>(world, paths[(i + k) % n], i, world_connect_s);
}

// The paths named in a comma-separated list, or none (then the caller reports the list).
std::vector<int> read_paths(std::string_view list) {
  std::vector<int> paths;
  while (true) {
    const std::string_view name = list.substr(0, list.find(','));
    int found = -1;
    for (int p = 0; p < path_count; ++p)
      if (name == path_names[p]) found = p;
    if (found < 0) return {};
    paths.push_back(found);
    if (name.size() == list.size()) return paths;
    list.remove_prefix(name.size() + 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  const bool print = world.rank() == 0;
  int repeat = 1;
  std::vector<int> paths = {0, 1, 2, 3};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0) {
      if (!bench::read_number("bench_bootstrap_mpi", "--repeat", i + 1 < argc ? argv[i + 1] : nullptr,
                              1, 100000, repeat, print))
        return 2;
      ++i;
    } else if (std::strcmp(argv[i], "--paths") == 0) {
      paths = read_paths(i + 1 < argc ? argv[i + 1] : "");
      if (paths.empty()) {
        if (print)
          std::fprintf(stderr,
                       "bench_bootstrap_mpi: usage: --paths takes a comma-separated list of "
                       "hetgrid_group_local, hetgrid_split_rounds, floor_one_split_per_kind, "
                       "create_group_probe, not '%s'\n",
                       i + 1 < argc ? argv[i + 1] : "");
        return 2;
      }
      ++i;
    } else {
      if (print)
        std::fprintf(stderr,
                     "bench_bootstrap_mpi: usage: bench_bootstrap_mpi [--repeat N] "
                     "[--paths NAME,...]\n");
      return 2;
    }
  }
  bool found = false;
  boost::hana::for_each(seed_shaped::layouts, [&](auto layout) {
    using Topology = typename decltype(layout)::type;
    if (Topology::world != world.size()) return;
    found = true;
    run<Topology>(world, paths, bench::connect_world(world), repeat);
  });
  if (!found) {  // like any wrong world: every rank ends with the error, non-zero
    if (print)
      std::fprintf(stderr,
                   "bench_bootstrap_mpi: world: the job has %d ranks but layouts exist only for "
                   "worlds %s\n",
                   world.size(), seed_shaped::worlds_text);
    return 1;
  }
  return bench::results_written(world, "bench_bootstrap_mpi") ? 0 : 1;
}

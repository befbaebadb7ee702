// bench_bootstrap_mpi: build every group of a seed-shaped layout for the world this is started
// with, then one all-reduce on every group; one JSON line (docs/CONTRACT.md section 3's fields, max over
// ranks). Usage: mpirun -np W bench_bootstrap_mpi [--repeat N]
#include <boost/hana/for_each.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>
#include <hetgrid/mpi.hpp>
#include <string>

#include "../options.hpp"
#include "max_over_ranks.hpp"
#include "seed_layouts.hpp"

namespace hg = hetgrid;

namespace {

struct phase_times {
  double create_s, first_collective_s;
};

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

template <class Topology>
void run(const boost::mpi::communicator& world, double world_connect_s, int repeat) {
  for (int i = 0; i < repeat; ++i) {
    world.barrier();
    const double t0 = bench::now_s();
    hg::mpi::rank_groups<Topology> groups(world);
    const double t1 = bench::now_s();
    one_collective_on_each(groups);
    const double t2 = bench::now_s();
    const phase_times t{bench::max_over_ranks(world, t1 - t0),
                        bench::max_over_ranks(world, t2 - t1)};
    const int group_count = bench::max_over_ranks(world, groups.group_count());
    const int communicators = bench::max_over_ranks(world, groups.communicator_count());
    if (world.rank() == 0)
      std::printf(
          "{\"bench\": \"bootstrap_mpi\", \"path\": \"hetgrid\", \"world\": %d, \"iteration\": %d, "
          "\"groups\": %d, \"communicators\": %d, \"split_calls\": %d, \"create_s\": %.6f, "
          "\"first_collective_s\": %.6f, \"total_s\": %.6f, \"world_connect_s\": %.6f}\n",
          world.size(), i, group_count, communicators, groups.split_calls(), t.create_s,
          t.first_collective_s, t.create_s + t.first_collective_s, world_connect_s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0) {
      if (!bench::read_number("bench_bootstrap_mpi", "--repeat", i + 1 < argc ? argv[i + 1] : nullptr,
                              1, 100000, repeat, world.rank() == 0))
        return 2;
      ++i;
    } else {
      if (world.rank() == 0)
        std::fprintf(stderr, "bench_bootstrap_mpi: usage: bench_bootstrap_mpi [--repeat N]\n");
      return 2;
    }
  }
  bool found = false;
  boost::hana::for_each(seed_shaped::layouts, [&](auto layout) {
    using Topology = typename decltype(layout)::type;
    if (Topology::world != world.size()) return;
    found = true;
    run<Topology>(world, bench::connect_world(world), repeat);
  });
  if (!found) {  // like any wrong world: every rank ends with the error, non-zero
    if (world.rank() == 0)
      std::fprintf(stderr,
                   "bench_bootstrap_mpi: world: the job has %d ranks but layouts exist only for "
                   "worlds %s\n",
                   world.size(), seed_shaped::worlds_text);
    return 1;
  }
  return bench::results_written(world, "bench_bootstrap_mpi") ? 0 : 1;
}

// bench_floor_mpi: the floor for bench_bootstrap_mpi. One plain MPI_Comm_split per built-in
// group kind (twenty), all modules at once, then one all-reduce on each resulting communicator.
// Same layouts, same JSON fields. Usage: mpirun -np W bench_floor_mpi [--repeat N]
#include <mpi.h>

#include <array>
#include <boost/hana/for_each.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>

#include "../options.hpp"
#include "max_over_ranks.hpp"
#include "seed_layouts.hpp"

namespace hg = hetgrid;

namespace {

template <class Topology>
void run(const boost::mpi::communicator& world, double world_connect_s, int repeat) {
  const int rank = world.rank();
  // The module that holds this rank (the layouts are non-colocated).
  const hg::grid& g = Topology::grids[0].contains(rank) ? Topology::grids[0] : Topology::grids[1];
  std::array<int, hg::group_kind_count> colors{};
  for (int k = 0; k < hg::group_kind_count; ++k)
    colors[k] = g.group_of(hg::all_group_kinds[k], rank).front();

  for (int i = 0; i < repeat; ++i) {
    std::array<MPI_Comm, hg::group_kind_count> comms{};
    world.barrier();
    const double t0 = bench::now_s();
    for (int k = 0; k < hg::group_kind_count; ++k)
      MPI_Comm_split(MPI_Comm(world), colors[k], rank, &comms[k]);
    const double t1 = bench::now_s();
    for (MPI_Comm comm : comms) {
      int in = 1, out = 0;
      MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_SUM, comm);
    }
    const double t2 = bench::now_s();
    for (MPI_Comm& comm : comms) MPI_Comm_free(&comm);
    const double create_s = bench::max_over_ranks(world, t1 - t0);
    const double first_s = bench::max_over_ranks(world, t2 - t1);
    if (rank == 0)
      std::printf(
          "{\"bench\": \"bootstrap_mpi\", \"path\": \"floor_one_split_per_kind\", \"world\": %d, "
          "\"iteration\": %d, \"groups\": %d, \"communicators\": %d, \"split_calls\": %d, "
          "\"create_s\": %.6f, \"first_collective_s\": %.6f, \"total_s\": %.6f, "
          "\"world_connect_s\": %.6f}\n",
          world.size(), i, hg::group_kind_count, hg::group_kind_count, hg::group_kind_count,
          create_s, first_s, create_s + first_s, world_connect_s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  int repeat = 1;
  if (argc > 1 && (argc != 3 || std::strcmp(argv[1], "--repeat") != 0)) {
    if (world.rank() == 0)
      std::fprintf(stderr, "bench_floor_mpi: usage: bench_floor_mpi [--repeat N]\n");
    return 2;
  }
  if (argc == 3 &&
      !bench::read_number("bench_floor_mpi", "--repeat", argv[2], 1, 100000, repeat, world.rank() == 0))
    return 2;
  bool found = false;
  boost::hana::for_each(seed_shaped::layouts, [&](auto layout) {
    using Topology = typename decltype(layout)::type;
    if (Topology::world != world.size()) return;
    found = true;
    run<Topology>(world, bench::connect_world(world), repeat);
  });
  if (!found && world.rank() == 0)
    std::fprintf(stderr, "bench_floor_mpi: world: no layout for %d ranks (have %s)\n",
                 world.size(), seed_shaped::worlds_text);
  return found && bench::results_written(world, "bench_floor_mpi") ? 0 : 1;
}

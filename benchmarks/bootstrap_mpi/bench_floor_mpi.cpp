// bench_floor_mpi: the floor for bench_bootstrap_mpi on its own. One plain MPI_Comm_split per
// built-in group kind (twenty), all modules at once, then one all-reduce on each resulting
// communicator (floor.hpp; bench_bootstrap_mpi runs it too, beside hetgrid's paths). Same
// layouts, same JSON fields. Usage: mpirun -np W bench_floor_mpi [--repeat N]
#include <boost/hana/for_each.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>

#include "../options.hpp"
#include "floor.hpp"
#include "result_line.hpp"
#include "seed_layouts.hpp"

namespace hg = hetgrid;

namespace {

template <class Topology>
void run(const boost::mpi::communicator& world, double world_connect_s, int repeat) {
  const bench::build_counts counts{hg::group_kind_count, hg::group_kind_count,
                                   hg::group_kind_count, 0};
  for (int i = 0; i < repeat; ++i)
    bench::print_result(world, "floor_one_split_per_kind", i, counts,
                        bench::floor_once<Topology>(world), world_connect_s);
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

// The job as launched against on_nodes (docs/CONTRACT.md section 1, "Placement on nodes"): the
// seed's layout on nodes of 2, built over MPI. Where every tp / expt_tp group's ranks share a host,
// the groups are built ("placement_launch: PASSED"); where one group holds ranks of two hosts,
// every rank must end with the same placement error, before any group is built, and say so on
// stderr; rank 0 then reports how many ranks did ("every rank of 8 ended with the same placement
// error"). Exit status 1 on a rank that caught the error, 0 where the groups were built.
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <hetgrid/mpi.hpp>
#include <string>
#include <vector>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using job = hg::topology<8, images, language>::on_nodes<2>;

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  std::string message;
  int failed = 0;
  try {
    const hg::mpi::rank_groups<job> groups(world);
    if (world.rank() == 0)
      std::printf("placement_launch: PASSED (%d ranks, every within-node group on one host)\n",
                  world.size());
  } catch (const hg::topology_error& e) {
    failed = e.kind() == hg::error_kind::placement ? 1 : 2;
    message = e.what();
    std::fprintf(stderr, "placement_launch: rank %d: %s\n", world.rank(), e.what());
  }
  // The error ended no collective half-way: the ranks can still agree on what they saw.
  int length = static_cast<int>(message.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_Comm(world));
  std::vector<char> first(message.begin(), message.end());
  first.resize(static_cast<std::size_t>(length));
  MPI_Bcast(first.data(), length, MPI_CHAR, 0, MPI_Comm(world));
  const int same = failed == 1 && std::string(first.begin(), first.end()) == message ? 1 : 0;
  int placed = 0;
  MPI_Allreduce(&same, &placed, 1, MPI_INT, MPI_SUM, MPI_Comm(world));
  if (world.rank() == 0 && failed != 0) {
    if (placed == world.size())
      std::printf("placement_launch: every rank of %d ended with the same placement error\n",
                  world.size());
    else
      std::printf("placement_launch: FAILED: %d of %d ranks ended with rank 0's error\n", placed,
                  world.size());
  }
  return failed == 0 ? 0 : 1;
}

// Links hetgrid::mpi: Boost.MPI and MPI come with the target, nothing else to name.
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <hetgrid/hetgrid.hpp>
// The installed run-time layer must compile with nothing but hetgrid::mpi's usage requirements.
#if __has_include(<hetgrid/mpi.hpp>)
#include <hetgrid/mpi.hpp>
#endif

#include <iostream>

namespace hg = hetgrid;

using lm = hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 2, .tp = 2, .language = true}>;
using solo = hg::topology<2, lm>;

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  const int rank = world.rank();
  // Any world size runs; only a world of 2 is the layout's, so only then ask for its role.
  if (world.size() == solo::world) {
    const auto tp = lm::group_of(hg::group_kind::tp, rank);
    std::cout << "consumer_mpi: rank " << rank << " in tp group of " << tp.size() << "\n";
    return tp.size() == 2 ? 0 : 1;
  }
  std::cout << "consumer_mpi: rank " << rank << " of " << world.size() << "\n";
  return 0;
}

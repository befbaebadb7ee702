// Started with a -np other than the topology's world, every rank throws; nothing catches it, so
// the job must end non-zero, naming both sizes, without hanging.
#include <boost/mpi/environment.hpp>
#include <hetgrid/mpi.hpp>

#include "layouts.hpp"

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  hetgrid::mpi::rank_groups<layouts::seed> groups(world);
  return 0;
}

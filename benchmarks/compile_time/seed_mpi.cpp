// (g) The seed layout's MPI groups built, no bridge: the base of (h). Needs MPI's and Boost's -I.
#include <hetgrid/mpi.hpp>
#include <spec_layouts.hpp>
#ifdef WITH_BRIDGE  // (h): (g) plus hetgrid::mpi::bridge, forward and backward
#include <hetgrid/mpi/bridge.hpp>
#include <vector>
#endif

using seed = hetgrid::layouts::seed;

int groups_made(const boost::mpi::communicator& world) {
  const hetgrid::mpi::rank_groups<seed::topology> groups(world);
#ifdef WITH_BRIDGE
  const hetgrid::mpi::bridge<seed::topology, seed::images, seed::language> lift(groups, 16);
  std::vector<float> out(64), in(128), back(64);
  lift.forward(out, in);
  lift.backward(in, back);
#endif
  return groups.communicator_count();
}

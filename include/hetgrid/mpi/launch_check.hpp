// hetgrid/mpi/launch_check.hpp: the job as launched against on_nodes (docs/CONTRACT.md section
// 1, "Placement on nodes"): one all-gather of each rank's host name over the job's communicator,
// before any group is built; the ranks of one host are one node. Every rank gathers the same
// names and runs the same check, so every rank throws the same placement error, and none waits
// in a collective. The gather is watched like every other MPI operation of the groups: a rank
// that never joins it ends the others within the timeout.
#pragma once

#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hetgrid/error.hpp"
#include "hetgrid/executor.hpp"
#include "hetgrid/mpi/watchdog.hpp"
#include "hetgrid/placement.hpp"

namespace hetgrid::mpi {

// A topology made with on_nodes<N, kinds...> (placement.hpp).
template <class Topology>
concept placed_on_nodes = requires {
  Topology::ranks_per_node;
  Topology::within_node_kinds;
};

// Throws topology_error (world, then placement) where the launch breaks the layout; returns
// `world` for a constructor's initializer. A topology without on_nodes costs nothing. `watch`
// watches the gather (rank_groups passes its own options).
template <class Topology>
const boost::mpi::communicator& check_launch(const boost::mpi::communicator& world,
                                             const watchdog_options& watch = {}) {
  if constexpr (placed_on_nodes<Topology>) {
    if (MPI_Comm(world) == MPI_COMM_NULL) return world;  // the backend refuses it, and says so
    check_world_size(world.size(), Topology::world);
    constexpr int width = 256;  // a host name of more is cut; POSIX allows 255 bytes
    const std::string host = detail::host_name();
    char own[width] = {};
    host.copy(own, width - 1);
    std::vector<char> names(static_cast<std::size_t>(width) * world.size());
    {
      // A watchdog of its own: the groups' one is made with the backend, after this check.
      watchdog dog(watch);
      dog.set_identity(detail::rank_identity(world.rank(), host));
      const watched_group job("world (the job's " + std::to_string(world.size()) +
                              " ranks, the launch check before any group)");
      const watchdog::guard armed = dog.arm(job, "MPI_Allgather (host names)");
      MPI_Allgather(own, width, MPI_CHAR, names.data(), width, MPI_CHAR, MPI_Comm(world));
    }
    std::vector<std::string_view> hosts(static_cast<std::size_t>(world.size()));
    for (int r = 0; r < world.size(); ++r) {
      const char* name = names.data() + static_cast<std::size_t>(width) * r;
      hosts[r] = std::string_view(name, strnlen(name, width));
    }
    if (const auto broken =
            check_hosts(Topology::grids, Topology::within_node_kinds, hosts))
      throw topology_error(error_kind::placement, *broken + " (the job as launched: the ranks "
                                                            "of one host are one node)");
  }
  return world;
}

}  // namespace hetgrid::mpi

// One JSON line of bench_bootstrap_mpi / bench_floor_mpi (docs/CONTRACT.md section 3's fields):
// every phase and count the slowest or largest rank's, printed by rank 0.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdio>

#include "floor.hpp"
#include "max_over_ranks.hpp"

namespace bench {

struct build_counts {
  int groups = 0, communicators = 0;
  int split_calls = 0;         // MPI_Comm_split calls over the whole job
  int create_group_calls = 0;  // MPI_Comm_create_group calls of one rank, each inside its group
};

inline void print_result(const boost::mpi::communicator& world, const char* path, int iteration,
                         build_counts counts, phase_times local, double world_connect_s) {
  const double create_s = max_over_ranks(world, local.create_s);
  const double first_s = max_over_ranks(world, local.first_collective_s);
  counts.groups = max_over_ranks(world, counts.groups);
  counts.communicators = max_over_ranks(world, counts.communicators);
  counts.create_group_calls = max_over_ranks(world, counts.create_group_calls);
  if (world.rank() != 0) return;
  std::printf(
      "{\"bench\": \"bootstrap_mpi\", \"path\": \"%s\", \"world\": %d, \"iteration\": %d, "
      "\"groups\": %d, \"communicators\": %d, \"split_calls\": %d, \"create_group_calls\": %d, "
      "\"create_s\": %.6f, \"first_collective_s\": %.6f, \"total_s\": %.6f, "
      "\"world_connect_s\": %.6f}\n",
      path, world.size(), iteration, counts.groups, counts.communicators, counts.split_calls,
      counts.create_group_calls, create_s, first_s, create_s + first_s, world_connect_s);
}

}  // namespace bench

// Timing over MPI ranks: a phase's time is the slowest rank's.
#pragma once

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace bench {

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline double max_over_ranks(const boost::mpi::communicator& world, double value) {
  return boost::mpi::all_reduce(world, value, boost::mpi::maximum<double>());
}

inline int max_over_ranks(const boost::mpi::communicator& world, int value) {
  return boost::mpi::all_reduce(world, value, boost::mpi::maximum<int>());
}

// Whether rank 0's JSON lines reached its standard output: a full disk or a closed stdout is one
// line on stderr and, on every rank, false (exit 1), never a silent 0 with the figures lost.
inline bool results_written(const boost::mpi::communicator& world, const char* program) {
  int failed = 0;
  if (world.rank() == 0 && (std::fflush(stdout) != 0 || std::ferror(stdout))) {
    std::fprintf(stderr, "%s: output: cannot write the results to standard output: %s\n",
                 program, std::strerror(errno));
    failed = 1;
  }
  return max_over_ranks(world, failed) == 0;
}

// Wires every pair of ranks (MPI connects peers lazily, on first use) and returns the slowest
// rank's time: the counterpart of torch's eager init_process_group, which the anchors leave
// out of the timed region, so it is printed on its own.
inline double connect_world(const boost::mpi::communicator& world) {
  std::vector<int> out(world.size(), world.rank()), in;
  world.barrier();
  const double t0 = now_s();
  boost::mpi::all_to_all(world, out, in);
  world.barrier();
  return max_over_ranks(world, now_s() - t0);
}

}  // namespace bench

// Timing over MPI ranks: a phase's time is the slowest rank's.
#pragma once

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>

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

}  // namespace bench

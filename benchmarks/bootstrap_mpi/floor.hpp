// The floor of bench_bootstrap_mpi: one plain MPI_Comm_split over the whole job per built-in
// group kind (twenty), all modules at once, then one all-reduce on each resulting communicator.
#pragma once

#include <mpi.h>

#include <array>
#include <boost/mpi/communicator.hpp>
#include <hetgrid/hetgrid.hpp>

#include "max_over_ranks.hpp"

namespace bench {

struct phase_times {
  double create_s = 0, first_collective_s = 0;  // this rank's
};

// The first collective every path runs on each of its groups.
inline void one_all_reduce(MPI_Comm comm) {
  int in = 1, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_SUM, comm);
}

// One build of the floor on a non-colocated layout (each rank in one module).
template <class Topology>
phase_times floor_once(const boost::mpi::communicator& world) {
  namespace hg = hetgrid;
  const int rank = world.rank();
  int m = 0;
  while (!Topology::grids[m].contains(rank)) ++m;
  std::array<int, hg::group_kind_count> colors{};
  for (int k = 0; k < hg::group_kind_count; ++k)
    colors[k] = Topology::grids[m].group_of(hg::all_group_kinds[k], rank).front();
  std::array<MPI_Comm, hg::group_kind_count> comms{};
  world.barrier();
  const double t0 = now_s();
  for (int k = 0; k < hg::group_kind_count; ++k)
    MPI_Comm_split(MPI_Comm(world), colors[k], rank, &comms[k]);
  const double t1 = now_s();
  for (MPI_Comm comm : comms) one_all_reduce(comm);
  const double t2 = now_s();
  for (MPI_Comm& comm : comms) MPI_Comm_free(&comm);
  return {t1 - t0, t2 - t1};
}

}  // namespace bench

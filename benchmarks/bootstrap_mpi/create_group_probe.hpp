// A plain probe for bench_bootstrap_mpi, written without hetgrid's plan or executor: each rank
// takes the distinct member sets of its groups (from the enumeration), makes each set of 2 to
// W - 1 ranks with MPI_Group_incl + MPI_Comm_create_group, in ascending order of the member
// lists (a total order all members agree on, so no creation waits on one that waits on it),
// then one all-reduce on every group it is in. What hetgrid's group-local path must not lose to.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <vector>

#include "floor.hpp"

namespace bench {

template <class Topology>
phase_times create_group_probe_once(const boost::mpi::communicator& world) {
  const int rank = world.rank(), size = world.size();
  std::vector<std::vector<int>> groups;  // every group this rank is in, (module, slot) order
  for (int m = 0; m < Topology::module_count; ++m)
    for (int slot = 0; slot < Topology::slot_count; ++slot)
      if (const auto g = Topology::description.group(m, slot, rank))
        groups.emplace_back(g->begin(), g->end());
  std::vector<std::vector<int>> sets;
  for (const auto& g : groups)
    if (g.size() > 1 && static_cast<int>(g.size()) < size) sets.push_back(g);
  std::sort(sets.begin(), sets.end());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  std::vector<MPI_Comm> made(sets.size(), MPI_COMM_NULL);
  world.barrier();
  const double t0 = now_s();
  MPI_Group job;
  MPI_Comm_group(MPI_Comm(world), &job);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    MPI_Group g;
    MPI_Group_incl(job, static_cast<int>(sets[i].size()), sets[i].data(), &g);
    MPI_Comm_create_group(MPI_Comm(world), g, 0, &made[i]);
    MPI_Group_free(&g);
  }
  MPI_Group_free(&job);
  const double t1 = now_s();
  for (const auto& g : groups) {
    MPI_Comm comm = g.size() == 1 ? MPI_COMM_SELF : MPI_Comm(world);
    if (g.size() > 1 && static_cast<int>(g.size()) < size)
      comm = made[std::lower_bound(sets.begin(), sets.end(), g) - sets.begin()];
    one_all_reduce(comm);
  }
  const double t2 = now_s();
  for (MPI_Comm& comm : made) MPI_Comm_free(&comm);
  return {t1 - t0, t2 - t1};
}

}  // namespace bench

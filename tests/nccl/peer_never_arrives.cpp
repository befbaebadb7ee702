// mpirun -np 2: rank 1 takes part in MPI but never joins the NCCL initialization (it touches no
// GPU). Rank 0's bootstrap must give up at its timeout with an error that names the group, and
// every rank must end non-zero. Exit 77 (skipped) where rank 0 has no GPU.
#include <mpi.h>
#include <nccl.h>

#include <cstdio>
#include <cstdlib>
#include <hetgrid/nccl.hpp>
#include <thread>

#include "gpu_check.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const double timeout_s = argc > 1 ? std::atof(argv[1]) : 5.0;
  int usable = rank == 0 ? hetgrid::nccl::gpu_available() : 1;
  MPI_Bcast(&usable, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!usable) {
    MPI_Finalize();
    return rank == 0 ? gpu_check::skip("peer_never_arrives") : gpu_check::skip_code;
  }
  if (rank == 1) {
    // The bootstrap's MPI steps (node-local rank, the id's broadcast), then no NCCL at all.
    boost::mpi::communicator world;
    (void)hetgrid::nccl::detail::node_local_rank(world);
    ncclUniqueId id;
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);  // released only by rank 0's MPI_Abort
    return 0;
  }
  try {
    hetgrid::nccl::bootstrap boot(hetgrid::nccl::bootstrap_options{.timeout_s = timeout_s});
    std::fprintf(stderr, "peer_never_arrives: the world communicator was made without rank 1\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "peer_never_arrives: rank 0: %s\n", e.what());
  }
  MPI_Abort(MPI_COMM_WORLD, 3);  // ends every rank, non-zero
  return 3;
}

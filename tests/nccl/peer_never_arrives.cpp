// mpirun -np 2 peer_never_arrives TIMEOUT [gpu_peer]: rank 1 takes part in MPI but never joins
// the NCCL initialization: it touches no GPU, or, with gpu_peer, sets the GPU up as the
// bootstrap does (two ranks sharing one GPU need NCCL 2.30 and NCCL_MULTI_RANK_GPU_ENABLE=1)
// and stops short of NCCL. Rank 0's bootstrap must give up at its timeout with an error that
// names the group, and every rank must end non-zero. Exit 77 (skipped), with a line saying why,
// where rank 0 has no GPU or, with gpu_peer, where NCCL would not let the two share the node's.
#include <mpi.h>
#include <nccl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <string>

#include "gpu_check.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const double timeout_s = argc > 1 ? std::atof(argv[1]) : 5.0;
  const bool gpu_peer = argc > 2 && std::strcmp(argv[2], "gpu_peer") == 0;
  int usable = rank == 0 || gpu_peer ? hetgrid::nccl::gpu_available() : 1;
  MPI_Allreduce(MPI_IN_PLACE, &usable, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  boost::mpi::communicator world;
  std::string why = usable ? "" : "no usable GPU here";
  if (usable && gpu_peer) why = gpu_check::peer_refusal(world);
  if (!why.empty()) {
    const int code = rank == 0 ? gpu_check::skip("peer_never_arrives", why) : gpu_check::skip_code;
    // Rank 0's line is out before any rank exits 77: mpirun then kills the ranks still running.
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return code;
  }
  if (rank == 1) {
    // The bootstrap's MPI steps (the node's ranks, the placement check, the id's broadcast),
    // as a rank that uses a GPU (gpu_peer: it makes its context there) or none; then no NCCL.
    namespace d = hetgrid::nccl::detail;
    int gpus = 0;
    if (gpu_peer) {
      hetgrid::nccl::check_cuda(cudaGetDeviceCount(&gpus), "cudaGetDeviceCount");
      const d::node_place node = d::node_local(world);
      hetgrid::nccl::check_cuda(cudaSetDevice(node.rank % gpus), "cudaSetDevice");
      hetgrid::nccl::check_cuda(cudaFree(nullptr), "cudaFree");  // the context exists
      (void)d::placement_error(world, node, gpus);
    } else {
      (void)d::placement_error(world, d::node_local(world, false), 0);
    }
    ncclUniqueId id;
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);  // released only by rank 0's MPI_Abort
    return 0;
  }
  try {
    hetgrid::nccl::bootstrap boot(hetgrid::nccl::bootstrap_options{.timeout_s = timeout_s});
    std::fprintf(stderr, "peer_never_arrives: the world communicator was made without rank 1\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "peer_never_arrives: rank 0 (%s): %s\n",
                 gpu_peer ? "rank 1 on the GPU" : "rank 1 off the GPU", e.what());
  }
  MPI_Abort(MPI_COMM_WORLD, 3);  // ends every rank, non-zero
  return 3;
}

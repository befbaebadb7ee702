// hetgrid/nccl/bootstrap.hpp: the distributed bootstrap (the seed's distributed.py, docs/CONTRACT.md
// section 3): MPI up through Boost.MPI, the node-local rank picks the GPU, the world NCCL
// communicator from a unique id broadcast over MPI. No global state; members tear down in
// reverse order (world communicator, then MPI).
#pragma once

#include <mpi.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <optional>

#include "hetgrid/nccl/comm.hpp"
#include "hetgrid/nccl/settings.hpp"

namespace hetgrid::nccl {

struct bootstrap_options {
  double timeout_s = 120.0;  // for the world communicator's initialization
  bool verbose = false;      // print one line per rank: rank, local rank, device, NCCL version
};

namespace detail {

// The rank among the processes that share this node's memory.
inline int node_local_rank(const boost::mpi::communicator& world) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_Comm(world), MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &node);
  int local = 0;
  MPI_Comm_rank(node, &local);
  MPI_Comm_free(&node);
  return local;
}

// Starts MPI only where the program has not (an environment it made stays the program's).
inline std::optional<boost::mpi::environment> start_mpi() {
  int started = 0;
  MPI_Initialized(&started);
  if (started) return std::nullopt;
  return std::optional<boost::mpi::environment>(std::in_place);
}

}  // namespace detail

class bootstrap {
 public:
  explicit bootstrap(bootstrap_options options = {})
      : env_(detail::start_mpi()), local_rank_(detail::node_local_rank(world_)) {
    int devices = 0;
    detail::check_cuda(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
    if (devices < 1) throw error(ncclInvalidUsage, "cuda: no GPU on this node");
    device_ = local_rank_ % devices;
    detail::check_cuda(cudaSetDevice(device_), "cudaSetDevice");

    ncclUniqueId id{};
    if (world_.rank() == 0) detail::check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_Comm(world_));

    const auto t0 = detail::clock::now();
    ncclConfig_t config = detail::make_world_config();
    ncclComm_t comm = nullptr;
    detail::check(ncclCommInitRankConfig(&comm, world_.size(), id, world_.rank(), &config),
                  "ncclCommInitRankConfig(world)");
    detail::await_ready(comm, detail::deadline_after(options.timeout_s), "world",
                        options.timeout_s);
    nccl_world_ = owned_comm(comm);
    world_init_s_ = std::chrono::duration<double>(detail::clock::now() - t0).count();
    if (options.verbose)
      std::printf("hetgrid: rank %d local rank %d device %d NCCL %s\n", world_.rank(),
                  local_rank_, device_, version_string().c_str());
  }

  const boost::mpi::communicator& mpi_world() const { return world_; }
  ncclComm_t nccl_world() const { return nccl_world_.get(); }
  int rank() const { return world_.rank(); }
  int size() const { return world_.size(); }
  int local_rank() const { return local_rank_; }
  int device() const { return device_; }
  double world_init_s() const { return world_init_s_; }

 private:
  std::optional<boost::mpi::environment> env_;  // first in, last out
  boost::mpi::communicator world_;
  int local_rank_ = 0;
  int device_ = 0;
  double world_init_s_ = 0;
  owned_comm nccl_world_;
};

}  // namespace hetgrid::nccl

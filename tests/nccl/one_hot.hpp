// Proves a communicator's membership with one collective: each member writes 1 at its world
// rank into a vector of world size, and the sum over the group is 1 exactly at its members.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <hetgrid/nccl.hpp>
#include <vector>

namespace one_hot {

inline std::vector<float> members_by_all_reduce(const hetgrid::nccl::group_comm& group,
                                                int world_rank, int world_size) {
  namespace nc = hetgrid::nccl;
  std::vector<float> host(world_size, 0.0f);
  host[world_rank] = 1.0f;
  float* buffer = nullptr;
  nc::check_cuda(cudaMalloc(&buffer, sizeof(float) * world_size), "cudaMalloc");
  nc::check_cuda(cudaMemcpy(buffer, host.data(), sizeof(float) * world_size, cudaMemcpyHostToDevice),
                "cudaMemcpy");
  ncclComm_t comm = group.get();
  nc::check(ncclAllReduce(buffer, buffer, world_size, ncclFloat, ncclSum, comm, group.stream()),
           "ncclAllReduce");
  nc::await(comm, 60, "one-hot all-reduce");
  nc::check_cuda(cudaStreamSynchronize(group.stream()), "cudaStreamSynchronize");
  nc::check_cuda(cudaMemcpy(host.data(), buffer, sizeof(float) * world_size, cudaMemcpyDeviceToHost),
                "cudaMemcpy");
  cudaFree(buffer);
  return host;
}

}  // namespace one_hot

// GPU tests report themselves skipped (CTest SKIP_RETURN_CODE 77), with a line saying why,
// where no GPU is usable, or where NCCL would not let this node's ranks share its GPUs (NCCL
// before 2.30, or NCCL_MULTI_RANK_GPU_ENABLE not 1: the bootstrap would refuse them).
#pragma once

#include <cuda_runtime.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <cstdio>
#include <functional>
#include <hetgrid/nccl/bootstrap.hpp>
#include <hetgrid/nccl/gpu.hpp>
#include <string>

namespace gpu_check {

inline constexpr int skip_code = 77;

inline int skip(const char* program, const std::string& why = "no usable GPU here") {
  std::printf("%s: SKIPPED: %s\n", program, why.c_str());
  std::fflush(stdout);
  return skip_code;
}

// Why this job's ranks cannot all use a GPU here, or "". Collective over `world`.
inline std::string peer_refusal(const boost::mpi::communicator& world) {
  int gpus = 0;
  if (cudaGetDeviceCount(&gpus) != cudaSuccess) gpus = 0;
  const auto node = hetgrid::nccl::detail::node_local(world);
  const std::string why = hetgrid::nccl::gpu_sharing_refusal(node.gpu_users, gpus);
  if (why.empty()) return "";
  return std::to_string(node.gpu_users) + " ranks on " + std::to_string(gpus) + " GPU" +
         (gpus == 1 ? "" : "s") + ": " + why;
}

// The failures of every rank summed, and rank 0's line saying whether `program` passed.
// Collective over `world`.
inline int verdict(const char* program, const boost::mpi::communicator& world, int failures) {
  const int all = boost::mpi::all_reduce(world, failures, std::plus<int>());
  if (world.rank() == 0)
    std::printf("%s: %s (%d failures over %d ranks)\n", program, all ? "FAILED" : "passed", all,
                world.size());
  return all;
}

}  // namespace gpu_check

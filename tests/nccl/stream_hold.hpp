// Holding a CUDA stream on the GPU until the host says so: cuStreamWaitValue32 on a device flag,
// through the runtime's entry point (no link to libcuda needed). For the NCCL tests that need
// work queued behind something that does not end by itself (the watchdog's stalls; split_share).
#pragma once

#include <cuda.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <hetgrid/nccl/error.hpp>

namespace stream_hold {

using wait_value_fn = CUresult (*)(CUstream, CUdeviceptr, cuuint32_t, unsigned int);

inline wait_value_fn wait_value32(const char* program) {
  void* fn = nullptr;
  cudaDriverEntryPointQueryResult found{};
  hetgrid::nccl::check_cuda(cudaGetDriverEntryPointByVersion("cuStreamWaitValue32", &fn, 12000,
                                                            cudaEnableDefault, &found),
                            "cudaGetDriverEntryPointByVersion(cuStreamWaitValue32)");
  if (fn == nullptr || found != cudaDriverEntryPointSuccess) {
    std::fprintf(stderr, "%s: cuStreamWaitValue32 not found\n", program);
    std::exit(4);
  }
  return reinterpret_cast<wait_value_fn>(fn);
}

}  // namespace stream_hold

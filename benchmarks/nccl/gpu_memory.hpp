// GPU memory in use on this rank's device, from cudaMemGetInfo (as ANCHORS.md measures it),
// and whether there is a GPU at all.
#pragma once

#include <cuda_runtime.h>

namespace bench {

// Without a GPU, cudaGetDeviceCount returns an error rather than 0 (TOOLCHAIN.md): both mean
// none. The NCCL benchmarks then print one line and exit 77 (CTest's SKIP_RETURN_CODE).
inline bool gpu_usable() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

inline double used_mib() {
  size_t free_bytes = 0, total_bytes = 0;
  cudaDeviceSynchronize();
  cudaMemGetInfo(&free_bytes, &total_bytes);
  return static_cast<double>(total_bytes - free_bytes) / (1024.0 * 1024.0);
}

}  // namespace bench

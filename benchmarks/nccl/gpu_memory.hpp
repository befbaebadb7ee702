// GPU memory in use on this rank's device, from cudaMemGetInfo (the way BENCHMARKS.md's
// reference figures measure it).
#pragma once

#include <cuda_runtime.h>

namespace bench {

inline double used_mib() {
  size_t free_bytes = 0, total_bytes = 0;
  cudaDeviceSynchronize();
  cudaMemGetInfo(&free_bytes, &total_bytes);
  return static_cast<double>(total_bytes - free_bytes) / (1024.0 * 1024.0);
}

}  // namespace bench

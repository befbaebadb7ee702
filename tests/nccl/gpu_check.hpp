// GPU tests report themselves skipped (CTest SKIP_RETURN_CODE 77) where no GPU is usable.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>

namespace gpu_check {

inline constexpr int skip_code = 77;

// Without a GPU, cudaGetDeviceCount returns an error, not 0 (TOOLCHAIN.md): either means skip.
inline bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

inline int skip(const char* program) {
  std::printf("%s: SKIPPED: no usable GPU here\n", program);
  return skip_code;
}

}  // namespace gpu_check

// GPU tests report themselves skipped (CTest SKIP_RETURN_CODE 77) where no GPU is usable
// (hetgrid::nccl::gpu_available()).
#pragma once

#include <cstdio>
#include <hetgrid/nccl/comm.hpp>

namespace gpu_check {

inline constexpr int skip_code = 77;

inline int skip(const char* program) {
  std::printf("%s: SKIPPED: no usable GPU here\n", program);
  return skip_code;
}

}  // namespace gpu_check

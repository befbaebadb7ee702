// hetgrid/nccl/error.hpp: the one exception of the NCCL runtime, and the checks that throw it.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <string>

#include "hetgrid/error.hpp"

namespace hetgrid::nccl {

class error : public ::hetgrid::detail::coded_error<ncclResult_t> {
 public:
  using coded_error::coded_error;
  ncclResult_t result() const noexcept { return code(); }
};

// Throws on an NCCL failure, naming `what`; ncclInProgress (a non-blocking call under way) is
// no failure: wait for it with await() (polling.hpp).
inline void check(ncclResult_t result, const std::string& what) {
  if (result == ncclSuccess || result == ncclInProgress) return;
  throw error(result, "nccl: " + what + ": " + ncclGetErrorString(result) + ": " +
                          ncclGetLastError(nullptr));
}

inline void check_cuda(cudaError_t result, const std::string& what) {
  if (result == cudaSuccess) return;
  throw error(ncclUnhandledCudaError, "cuda: " + what + ": " + cudaGetErrorString(result));
}

}  // namespace hetgrid::nccl

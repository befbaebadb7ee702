// hetgrid/nccl/handle.hpp: one RAII template for the runtime's handles (a communicator, a
// stream): released exactly once, movable, never copied. Each handle's release is its traits'.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <thread>
#include <utility>

#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/polling.hpp"

namespace hetgrid::nccl {

// Traits: `type` (a pointer-like handle, null when empty) and `static void release(type)
// noexcept`; optionally `static void abort(type) noexcept`, a release that waits for no peer.
template <class Traits>
class unique_handle {
 public:
  using type = typename Traits::type;

  unique_handle() = default;
  explicit unique_handle(type value) : value_(value) {}
  unique_handle(int) = delete;  // owned_stream(0) is no stream of priority 0: make_stream()
  unique_handle(unique_handle&& other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
  unique_handle& operator=(unique_handle&& other) noexcept {
    if (this != &other) {
      reset();
      value_ = std::exchange(other.value_, nullptr);
    }
    return *this;
  }
  unique_handle(const unique_handle&) = delete;
  unique_handle& operator=(const unique_handle&) = delete;
  ~unique_handle() { reset(); }

  type get() const { return value_; }
  explicit operator bool() const { return value_ != nullptr; }
  void reset() noexcept {
    if (value_ != nullptr) Traits::release(std::exchange(value_, nullptr));
  }
  // Give the handle up without waiting for its peers.
  void abort() noexcept
    requires requires(type v) { Traits::abort(v); }
  {
    if (value_ != nullptr) Traits::abort(std::exchange(value_, nullptr));
  }
  // Hand it over: nothing is released here.
  type release() noexcept { return std::exchange(value_, nullptr); }

 private:
  type value_ = nullptr;
};

namespace detail {

struct comm_traits {
  using type = ncclComm_t;
  // Finalize (flushes outstanding work), then destroy; abort if finalizing fails or stalls.
  static void release(ncclComm_t comm) noexcept {
    ncclResult_t state = ncclCommFinalize(comm);
    const auto deadline = deadline_after(default_timeout_s);
    while (state == ncclInProgress && clock::now() < deadline) {
      std::this_thread::yield();
      if (ncclCommGetAsyncError(comm, &state) != ncclSuccess) break;
    }
    if (state == ncclSuccess)
      ncclCommDestroy(comm);
    else
      ncclCommAbort(comm);
  }
  static void abort(ncclComm_t comm) noexcept { ncclCommAbort(comm); }
};

struct stream_traits {
  using type = cudaStream_t;
  static void release(cudaStream_t stream) noexcept { cudaStreamDestroy(stream); }
};

}  // namespace detail

// Owns one communicator: destroyed exactly once, aborted instead where it cannot finish.
using owned_comm = unique_handle<detail::comm_traits>;
// Owns one CUDA stream.
using owned_stream = unique_handle<detail::stream_traits>;

// The device's stream priority: its greatest (high) or least.
inline int stream_priority(bool high) {
  int least = 0, greatest = 0;
  check_cuda(cudaDeviceGetStreamPriorityRange(&least, &greatest),
             "cudaDeviceGetStreamPriorityRange");
  return high ? greatest : least;
}

// A non-blocking stream (it never waits for the legacy default stream) at the given priority.
inline owned_stream make_stream(bool high_priority = false) {
  cudaStream_t stream = nullptr;
  check_cuda(cudaStreamCreateWithPriority(&stream, cudaStreamNonBlocking,
                                          stream_priority(high_priority)),
             "cudaStreamCreateWithPriority");
  return owned_stream(stream);
}

}  // namespace hetgrid::nccl

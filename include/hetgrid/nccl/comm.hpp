// hetgrid/nccl/comm.hpp: owning one NCCL communicator, and waiting for a non-blocking one with
// a deadline, so that a peer that never arrives ends in an error, not a hang.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace hetgrid::nccl {

class error : public std::runtime_error {
 public:
  error(ncclResult_t result, const std::string& message)
      : std::runtime_error(message), result_(result) {}
  ncclResult_t result() const noexcept { return result_; }

 private:
  ncclResult_t result_;
};

inline int version() {
  int v = 0;
  ncclGetVersion(&v);
  return v;
}

// Whether this process has a GPU to use. Without one, cudaGetDeviceCount returns an error rather
// than 0: both mean none. A program asks before its bootstrap, to skip or to say so.
inline bool gpu_available() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

// "2.28.3" from NCCL's version code.
inline std::string version_string() {
  const int v = version();
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
}

namespace detail {

using clock = std::chrono::steady_clock;

inline void check(ncclResult_t result, const std::string& what) {
  if (result == ncclSuccess || result == ncclInProgress) return;
  throw error(result, "nccl: " + what + ": " + ncclGetErrorString(result) + ": " +
                          ncclGetLastError(nullptr));
}

inline void check_cuda(cudaError_t result, const std::string& what) {
  if (result == cudaSuccess) return;
  throw error(ncclUnhandledCudaError, "cuda: " + what + ": " + cudaGetErrorString(result));
}

inline clock::time_point deadline_after(double seconds) {
  return clock::now() + std::chrono::duration_cast<clock::duration>(
                            std::chrono::duration<double>(seconds));
}

// Polls a non-blocking communicator until its last call has finished. On an error or at the
// deadline it throws, naming the group; a communicator still being made (abort_on_failure) is
// aborted first, since nobody owns it yet.
inline void await_ready(ncclComm_t comm, clock::time_point deadline, const std::string& group,
                        double timeout_s, bool abort_on_failure = true) {
  if (comm == nullptr) return;
  const auto started = clock::now();
  for (;;) {
    ncclResult_t state = ncclSuccess;
    const ncclResult_t polled = ncclCommGetAsyncError(comm, &state);
    if (polled != ncclSuccess) state = polled;
    if (state == ncclSuccess) return;
    if (state != ncclInProgress) {
      if (abort_on_failure) ncclCommAbort(comm);
      throw error(state, "nccl: group '" + group + "': " + ncclGetErrorString(state));
    }
    if (clock::now() > deadline) {
      if (abort_on_failure) ncclCommAbort(comm);
      throw error(ncclInProgress, "nccl: group '" + group +
                                      "' did not finish within the timeout of " +
                                      std::to_string(timeout_s) + " s (a peer never arrived?)" +
                                      (abort_on_failure ? "; aborted" : ""));
    }
    // Spin briefly (a launch finishes in microseconds), then stop burning the core.
    if (clock::now() - started < std::chrono::milliseconds(5))
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

}  // namespace detail

// A non-blocking communicator (comm_settings{.blocking = false}, or the bootstrap's
// split_parent()): after an NCCL call that returned ncclInProgress (ncclGroupEnd, often), wait
// here before the next call. On a blocking one (hetgrid's default) it returns at once.
// The communicator stays its owner's: on failure this throws and leaves aborting to the owner.
inline void await(ncclComm_t comm, double timeout_s = 300.0, const std::string& what = "call") {
  detail::await_ready(comm, detail::deadline_after(timeout_s), what, timeout_s, false);
}

// Owns one communicator: destroyed exactly once, aborted instead where it cannot finish.
class owned_comm {
 public:
  owned_comm() = default;
  explicit owned_comm(ncclComm_t comm) : comm_(comm) {}
  owned_comm(owned_comm&& other) noexcept : comm_(std::exchange(other.comm_, nullptr)) {}
  owned_comm& operator=(owned_comm&& other) noexcept {
    if (this != &other) {
      reset();
      comm_ = std::exchange(other.comm_, nullptr);
    }
    return *this;
  }
  owned_comm(const owned_comm&) = delete;
  owned_comm& operator=(const owned_comm&) = delete;
  ~owned_comm() { reset(); }

  ncclComm_t get() const { return comm_; }
  explicit operator bool() const { return comm_ != nullptr; }

  // Finalize (flushes outstanding work), then destroy; abort if finalizing fails or stalls.
  void reset() noexcept {
    if (comm_ == nullptr) return;
    const ncclComm_t comm = std::exchange(comm_, nullptr);
    ncclResult_t state = ncclCommFinalize(comm);
    const auto deadline = detail::deadline_after(30.0);
    while (state == ncclInProgress && detail::clock::now() < deadline) {
      std::this_thread::yield();
      if (ncclCommGetAsyncError(comm, &state) != ncclSuccess) break;
    }
    if (state == ncclSuccess)
      ncclCommDestroy(comm);
    else
      ncclCommAbort(comm);
  }
  // Give the communicator up without waiting for its peers.
  void abort() noexcept {
    if (comm_ != nullptr) ncclCommAbort(std::exchange(comm_, nullptr));
  }
  ncclComm_t release() noexcept { return std::exchange(comm_, nullptr); }

 private:
  ncclComm_t comm_ = nullptr;
};

namespace detail {

// One ncclCommSplit off a non-blocking `parent` (the bootstrap's split_parent()), bounded by
// `deadline`: the split may fill in the child only as the parent's part completes, so the parent
// is polled (and left alone on failure: it is not ours), then the child. Returns the child,
// owned; empty for a negative colour (NCCL_SPLIT_NOCOLOR: no group for this rank).
inline owned_comm split_bounded(ncclComm_t parent, int color, int key, ncclConfig_t& config,
                                clock::time_point deadline, double timeout_s,
                                const std::string& what) {
  ncclComm_t child = nullptr;
  check(ncclCommSplit(parent, color < 0 ? NCCL_SPLIT_NOCOLOR : color, key, &child, &config),
        "ncclCommSplit(" + what + ")");
  await_ready(parent, deadline, "world (splitting " + what + ")", timeout_s, false);
  await_ready(child, deadline, what, timeout_s);
  if (color >= 0 && child == nullptr)
    throw error(ncclInternalError, "nccl: ncclCommSplit(" + what + ") gave no communicator");
  return owned_comm(child);
}

}  // namespace detail

// Owns one CUDA stream.
class owned_stream {
 public:
  owned_stream() = default;
  explicit owned_stream(int priority) {
    detail::check_cuda(cudaStreamCreateWithPriority(&stream_, cudaStreamNonBlocking, priority),
                       "cudaStreamCreateWithPriority");
  }
  owned_stream(owned_stream&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}
  owned_stream& operator=(owned_stream&& other) noexcept {
    if (this != &other) {
      reset();
      stream_ = std::exchange(other.stream_, nullptr);
    }
    return *this;
  }
  ~owned_stream() { reset(); }
  void reset() noexcept {
    if (stream_ != nullptr) cudaStreamDestroy(std::exchange(stream_, nullptr));
  }
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

}  // namespace hetgrid::nccl

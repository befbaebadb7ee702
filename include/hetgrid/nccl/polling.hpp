// hetgrid/nccl/polling.hpp: the default timeout in hetgrid::nccl, and waiting for a non-blocking
// communicator with a deadline, so that a peer that never arrives ends in an error, not a hang.
#pragma once

#include <nccl.h>

#include <chrono>
#include <string>
#include <thread>

#include "hetgrid/nccl/error.hpp"
#include "hetgrid/timeout.hpp"

namespace hetgrid::nccl {

// The one default timeout (hetgrid/timeout.hpp), under the name this namespace has always had.
using hetgrid::default_timeout_s;

namespace detail {

using clock = std::chrono::steady_clock;

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
inline void await(ncclComm_t comm, double timeout_s = default_timeout_s,
                  const std::string& what = "call") {
  detail::await_ready(comm, detail::deadline_after(timeout_s), what, timeout_s, false);
}

}  // namespace hetgrid::nccl

// hetgrid/nccl/watchdog.hpp: one thread per rank_groups that turns a stuck or failed
// communicator into an error naming its group, instead of a hang (docs/CONTRACT.md section 3).
//
// Communicators run in NCCL's blocking mode in the steady state (a non-blocking communicator
// pays a thread per grouped call: BENCHMARKS.md, "Blocking against non-blocking").
// Blocking calls cannot be polled with a deadline, so this thread watches them instead, and the
// hot path pays nothing for it: no wrapper, no event per operation.
//
// How it finds a failure. Every `interval` it looks at each watched group:
//  - its stream: it records a probe event there (only when the last probe has completed) and
//    remembers when. A probe that has not completed `timeout` seconds after it was recorded
//    means the work queued before it (the group's NCCL operations among it) made no progress
//    for that long;
//  - its communicator: ncclCommGetAsyncError, for what NCCL itself detected (a remote peer that
//    died, a network error).
// What it then does is failure_policy's (watchdog_policy.hpp): print, abort, handler, exit. The
// policy runs after the list's lock is released, so a handler may use the watchdog's owner.
//
// Thread safety: watch()/set_comm()/closing()/release() may be called from the owning thread
// while the watchdog thread runs. A stream watched here must not be captured into a CUDA graph
// while it is watched (a stream being captured is skipped, not probed).
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "hetgrid/nccl/polling.hpp"
#include "hetgrid/nccl/watchdog_policy.hpp"

namespace hetgrid::nccl {

struct watchdog_options {
  bool enabled = true;
  // Seconds a group's stream may make no progress (its oldest probe still pending) before the
  // watchdog fires. Long: a healthy stream can be busy with queued compute for a while.
  double timeout_s = default_timeout_s;
  // How often it looks; 0: timeout / 20, between 10 ms and 100 ms. A stall is reported between
  // timeout and timeout + 2 intervals after the stuck work was queued.
  double interval_s = 0;
  // The policy's (failure_policy). Seconds ncclCommAbort may take before the process ends
  // without it; 0: no abort, end at once. An abort cannot return while the stuck work sits in
  // front of NCCL's kernel on the stream (it waits for that stream), and ending the process
  // frees the GPU just as well.
  double abort_guard_s = 0.25;
  // Called on the watchdog thread after the abort, holding no lock of the watchdog's. Empty:
  // end the process with exit status 1; a handler that returns ends it the same way.
  // rank_groups installs abort_mpi_job (bootstrap.hpp: MPI_Abort, every rank of the job) where
  // this is left empty.
  std::function<void(const watchdog_event&)> on_failure;

  failure_policy policy() const { return {abort_guard_s, on_failure}; }
};

class watchdog {
  enum : int { open, closing_by_owner, claimed_by_watchdog };
  struct entry {
    std::string name;
    cudaStream_t stream = nullptr;
    std::atomic<ncclComm_t> comm{nullptr};
    // Who may end the communicator: nobody yet, its owner (finalizing: probe, never abort), or
    // the watchdog (aborting it: the owner must leave it alone).
    std::atomic<int> state{open};
    cudaEvent_t probe = nullptr;
    bool probe_pending = false;
    std::chrono::steady_clock::time_point probed_at{};
  };

 public:
  // A watched group, as its owner holds it: tells the watchdog of the communicator once made,
  // and takes the group off the list before the stream and communicator go away.
  class handle {
   public:
    handle() = default;
    handle(watchdog* w, entry* e) : w_(w), e_(e) {}
    handle(handle&& o) noexcept
        : w_(std::exchange(o.w_, nullptr)), e_(std::exchange(o.e_, nullptr)) {}
    handle& operator=(handle&& o) noexcept {
      if (this != &o) {
        release();
        w_ = std::exchange(o.w_, nullptr);
        e_ = std::exchange(o.e_, nullptr);
      }
      return *this;
    }
    ~handle() { release(); }
    void set_comm(ncclComm_t comm) {
      if (e_ != nullptr) e_->comm.store(comm);
    }
    // The owner is about to finalize / destroy the communicator: the watchdog keeps probing the
    // stream (a stall during teardown still ends the process) but no longer touches the comm.
    // False where the watchdog has already claimed it (it is aborting it and ending the
    // process): then the owner must not touch it either.
    bool closing() {
      if (e_ == nullptr) return true;
      int expected = open;
      return e_->state.compare_exchange_strong(expected, closing_by_owner) ||
             expected == closing_by_owner;
    }
    void release() {
      if (w_ != nullptr) std::exchange(w_, nullptr)->remove(std::exchange(e_, nullptr));
    }

   private:
    watchdog* w_ = nullptr;
    entry* e_ = nullptr;
  };

  watchdog() = default;
  explicit watchdog(watchdog_options options) : options_(std::move(options)) {}
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog() { stop(); }

  void configure(watchdog_options options) {
    std::lock_guard lock(mutex_);
    options_ = std::move(options);
  }
  const watchdog_options& options() const { return options_; }

  // Watches `stream` (may be null: nothing to probe) and `comm` (may be null until set_comm) as
  // group `name`. Starts the thread on the first call, if enabled.
  handle watch(std::string name, cudaStream_t stream, ncclComm_t comm) {
    std::lock_guard lock(mutex_);
    entry& e = entries_.emplace_back();
    e.name = std::move(name);
    e.stream = stream;
    e.comm.store(comm);
    if (stream != nullptr && options_.enabled)
      cudaEventCreateWithFlags(&e.probe, cudaEventDisableTiming);
    if (options_.enabled && !thread_.joinable()) {
      cudaGetDevice(&device_);
      stopping_ = false;
      thread_ = std::thread([this] { run(); });
    }
    return handle(this, &e);
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (!thread_.joinable()) return;
    if (thread_.get_id() == std::this_thread::get_id())
      thread_.detach();  // a handler tearing its groups down: the policy ends the process next
    else
      thread_.join();
  }

  bool running() const { return thread_.joinable(); }
  // Probes recorded so far (for tests: proves the thread looks at the streams).
  long probes() const { return probes_.load(); }

 private:
  double interval() const {
    return hetgrid::detail::watch_interval_s(options_.timeout_s, options_.interval_s);
  }

  void remove(entry* e) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (&*it == e) {
        if (it->probe != nullptr) cudaEventDestroy(it->probe);
        entries_.erase(it);
        return;
      }
  }

  // The thread: finds a failure under the list's lock, then lets go of the lock and hands it
  // to the policy, which ends the process.
  void run() {
    cudaSetDevice(device_);
    // Never be refused by a CUDA graph capture on another thread (as torch's watchdog does).
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    cudaThreadExchangeStreamCaptureMode(&mode);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      for (entry& e : entries_) {
        std::optional<failure> found = inspect(e, now);
        if (!found) continue;
        const failure_policy policy = options_.policy();
        lock.unlock();
        policy(std::move(found->event), found->comm);
      }
      wake_.wait_for(lock, std::chrono::duration<double>(interval()));
    }
  }

  struct failure {
    watchdog_event event;
    ncclComm_t comm;  // to abort; null where its owner is closing it
  };

  // One look at one group: its asynchronous error, its last probe, then a new probe.
  std::optional<failure> inspect(entry& e, std::chrono::steady_clock::time_point now) {
    if (const ncclComm_t comm = e.comm.load(); comm != nullptr && e.state.load() == open) {
      ncclResult_t state = ncclSuccess;
      if (ncclCommGetAsyncError(comm, &state) == ncclSuccess && state != ncclSuccess &&
          state != ncclInProgress)
        return found(e, state, std::string("NCCL reported ") + ncclGetErrorString(state));
    }
    if (e.probe == nullptr) return std::nullopt;
    if (e.probe_pending) {
      const cudaError_t q = cudaEventQuery(e.probe);
      if (q == cudaSuccess)
        e.probe_pending = false;
      else if (q != cudaErrorNotReady)
        return found(e, ncclUnhandledCudaError,
                     std::string("its stream failed: ") + cudaGetErrorString(q));
      else if (std::chrono::duration<double>(now - e.probed_at).count() >= options_.timeout_s)
        return found(e, ncclInProgress, "work on its stream made no progress within the timeout "
                                        "of " + std::to_string(options_.timeout_s) + " s");
    }
    if (!e.probe_pending) {
      cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
      if (cudaStreamIsCapturing(e.stream, &capturing) != cudaSuccess ||
          capturing != cudaStreamCaptureStatusNone)
        return std::nullopt;
      if (cudaEventRecord(e.probe, e.stream) == cudaSuccess) {
        e.probe_pending = true;
        e.probed_at = now;
        probes_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    return std::nullopt;
  }

  // The failure, with the communicator claimed for the abort unless its owner is closing it.
  static failure found(entry& e, ncclResult_t result, const std::string& what) {
    int expected = open;
    const bool claimed = e.state.compare_exchange_strong(expected, claimed_by_watchdog);
    return {watchdog_event{e.name, "nccl watchdog: group '" + e.name + "': " + what, result,
                           result == ncclInProgress},
            claimed ? e.comm.load() : nullptr};
  }

  watchdog_options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::list<entry> entries_;  // stable addresses: handles point at them
  std::thread thread_;
  bool stopping_ = false;
  int device_ = 0;
  std::atomic<long> probes_{0};
};

}  // namespace hetgrid::nccl

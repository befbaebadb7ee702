// hetgrid/nccl/watchdog.hpp: one thread per rank_groups that turns a stuck or failed
// communicator into an error naming its group, instead of a hang (docs/CONTRACT.md section 3).
//
// Communicators run in NCCL's blocking mode in the steady state (a non-blocking communicator
// pays a thread per grouped call: BENCHMARKS.md, "Blocking against non-blocking").
// Blocking calls cannot be polled with a deadline, so this thread watches them instead, and the
// hot path pays nothing for it: no wrapper, no event per operation.
//
// How it watches. Every `interval` it looks at each watched group:
//  - its stream: it records a probe event there (only when the last probe has completed) and
//    remembers when. A probe that has not completed `timeout` seconds after it was recorded
//    means the work queued before it (the group's NCCL operations among it) made no progress
//    for that long;
//  - its communicator: ncclCommGetAsyncError, for what NCCL itself detected (a remote peer that
//    died, a network error).
// On either it prints one line naming the group, aborts the stuck communicator (ncclCommAbort,
// bounded by a guard that ends the process if the abort itself does not return) and calls the
// handler, whose default ends the process with exit status 1: after an abort the communicator
// is gone, so no code of the program may use it again, and a thread blocked on its stream would
// never return. torch's ProcessGroupNCCL watchdog does the same.
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
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace hetgrid::nccl {

// What the watchdog found, handed to the handler.
struct watchdog_event {
  std::string group;    // the group's name, e.g. "hetgrid:language:tp"
  std::string message;  // one line naming the group and what happened
  ncclResult_t result;  // NCCL's asynchronous error, or ncclInProgress: work that never ended
  bool timed_out;       // the group's stream made no progress within the timeout
};

struct watchdog_options {
  bool enabled = true;
  // Seconds a group's stream may make no progress (its oldest probe still pending) before the
  // watchdog fires. Long: a healthy stream can be busy with queued compute for a while.
  double timeout_s = 600.0;
  // How often it looks; 0: timeout / 20, between 10 ms and 100 ms. A stall is reported between
  // timeout and timeout + 2 intervals after the stuck work was queued.
  double interval_s = 0;
  // Seconds ncclCommAbort may take before the process ends without it; 0: no abort, end at
  // once. An abort cannot return while the stuck work sits in front of NCCL's kernel on the
  // stream (it waits for that stream), and ending the process frees the GPU just as well.
  double abort_guard_s = 0.25;
  // Called on the watchdog thread after the abort. Empty: end the process with exit status 1.
  // A handler that returns ends the process the same way. rank_groups installs abort_mpi_job
  // (bootstrap.hpp: MPI_Abort, every rank of the job) where this is left empty.
  std::function<void(const watchdog_event&)> on_failure;
};

class watchdog {
  struct entry {
    std::string name;
    cudaStream_t stream = nullptr;
    std::atomic<ncclComm_t> comm{nullptr};
    std::atomic<bool> closing{false};  // being finalized by its owner: probe, never abort
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
    handle(handle&& o) noexcept : w_(std::exchange(o.w_, nullptr)), e_(std::exchange(o.e_, nullptr)) {}
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
    void closing() {
      if (e_ != nullptr) e_->closing.store(true);
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
    if (thread_.joinable()) thread_.join();
  }

  bool running() const { return thread_.joinable(); }
  // Probes recorded so far (for tests: proves the thread looks at the streams).
  long probes() const { return probes_.load(); }

 private:
  double interval() const {
    if (options_.interval_s > 0) return options_.interval_s;
    const double i = options_.timeout_s / 20;
    return i < 0.01 ? 0.01 : (i > 0.1 ? 0.1 : i);
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

  void run() {
    cudaSetDevice(device_);
    // Never be refused by a CUDA graph capture on another thread (as torch's watchdog does).
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    cudaThreadExchangeStreamCaptureMode(&mode);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      for (entry& e : entries_) {
        if (const ncclComm_t comm = e.comm.load(); comm != nullptr && !e.closing.load()) {
          ncclResult_t state = ncclSuccess;
          if (ncclCommGetAsyncError(comm, &state) == ncclSuccess && state != ncclSuccess &&
              state != ncclInProgress)
            fire(e, state,
                 "nccl watchdog: group '" + e.name + "': NCCL reported " +
                     ncclGetErrorString(state));
        }
        if (e.probe == nullptr) continue;
        if (e.probe_pending) {
          const cudaError_t q = cudaEventQuery(e.probe);
          if (q == cudaSuccess) {
            e.probe_pending = false;
          } else if (q != cudaErrorNotReady) {
            fire(e, ncclUnhandledCudaError,
                 "nccl watchdog: group '" + e.name + "': its stream failed: " +
                     cudaGetErrorString(q));
          } else if (std::chrono::duration<double>(now - e.probed_at).count() >= options_.timeout_s) {
            fire(e, ncclInProgress,
                 "nccl watchdog: group '" + e.name + "': work on its stream made no progress " +
                     "within the timeout of " + std::to_string(options_.timeout_s) + " s");
          }
        }
        if (!e.probe_pending) {
          cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
          if (cudaStreamIsCapturing(e.stream, &capturing) != cudaSuccess ||
              capturing != cudaStreamCaptureStatusNone)
            continue;
          if (cudaEventRecord(e.probe, e.stream) == cudaSuccess) {
            e.probe_pending = true;
            e.probed_at = now;
            probes_.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
      wake_.wait_for(lock, std::chrono::duration<double>(interval()));
    }
  }

  static long long epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Reports, aborts the communicator (bounded), hands over to the handler, ends the process.
  // The handler runs either after the abort returned or, where it did not within the guard, on
  // the guard's thread: whichever comes first, once.
  [[noreturn]] void fire(entry& e, ncclResult_t result, std::string message) {
    const double guard = options_.abort_guard_s;
    const ncclComm_t comm = e.comm.load();
    const bool abort = guard > 0 && comm != nullptr && !e.closing.load();
    message += abort ? "; aborting its communicator and ending the process"
                     : "; ending the process";
    std::fprintf(stderr, "hetgrid: %s (at %lld ms since the epoch)\n", message.c_str(), epoch_ms());
    std::fflush(stderr);
    auto finish = [handler = options_.on_failure,
                   event = watchdog_event{e.name, message, result, result == ncclInProgress}] {
      static std::atomic<bool> finishing{false};
      if (finishing.exchange(true))  // the other thread is ending the process
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
      if (handler) handler(event);
      std::fprintf(stderr, "hetgrid: nccl watchdog: exiting (at %lld ms)\n", epoch_ms());
      std::fflush(stderr);
      std::_Exit(EXIT_FAILURE);
    };
    if (abort) {
      std::thread([guard, finish] {  // ncclCommAbort must not become the next hang
        std::this_thread::sleep_for(std::chrono::duration<double>(guard));
        std::fprintf(stderr, "hetgrid: nccl watchdog: ncclCommAbort did not return within %.1f s "
                             "(at %lld ms)\n", guard, epoch_ms());
        std::fflush(stderr);
        finish();
      }).detach();
      ncclCommAbort(comm);
    }
    finish();
    std::_Exit(EXIT_FAILURE);  // not reached: finish() ends the process
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

// hetgrid/mpi/watchdog.hpp: the MPI path's watchdog (docs/CONTRACT.md section 3). An operation
// of hetgrid's over MPI (a split, or a collective or message of the program's through a
// watched_comm) that does not finish within the timeout ends the process with one line naming
// the group, never a hang: a peer whose host vanished sends no reset, and Open MPI waits forever.
//
// MPI cannot be interrupted, and a thread that calls MPI would need MPI_THREAD_MULTIPLE, so the
// watchdog never calls MPI. The rank that arms it writes which group and operation it is in and
// bumps a counter (three atomic stores, no fence on x86-64); a monitor thread that sleeps
// between looks fires when it sees the same operation in progress for the whole timeout. What
// then happens is failure_policy's: the line, the program's handler, std::_Exit.
//
// One thread at a time may arm a watchdog (the MPI_THREAD_SERIALIZED rule hetgrid's MPI calls
// follow anyway); an operation armed inside another is watched, and the outer one after it.
#pragma once

#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "hetgrid/timeout.hpp"

namespace hetgrid::mpi {

// What the watchdog found, handed to the handler.
struct watchdog_event {
  std::string group;      // the group as watched_group names it, e.g. "language:dp (ranks 4, 6)"
  std::string operation;  // e.g. "MPI_Allreduce"
  std::string message;    // the one line it printed
  double waited_s = 0;    // how long the operation had been seen in progress
};

// What to do once an operation outlived the timeout, apart from how that is found. Runs on the
// monitor thread: a handler must not call MPI (unless MPI_THREAD_MULTIPLE), and nothing it
// does can unblock the stuck call, so the process ends.
struct failure_policy {
  // Called after the line is printed. Empty, or returning: std::_Exit(exit_status).
  std::function<void(const watchdog_event&)> on_failure;
  int exit_status = EXIT_FAILURE;

  [[noreturn]] void operator()(const watchdog_event& event) const {
    std::fprintf(stderr, "%s\n", event.message.c_str());
    std::fflush(stderr);
    if (on_failure) on_failure(event);
    std::_Exit(exit_status);
  }
};

struct watchdog_options {
  bool enabled = true;
  // Seconds one operation may be in progress before the watchdog fires.
  double timeout_s = default_timeout_s;
  // How often it looks; 0: timeout / 20, between 10 ms and 100 ms. A stuck operation is
  // reported between timeout and timeout + 2 intervals after it was armed.
  double interval_s = 0;
  // The policy's (failure_policy).
  std::function<void(const watchdog_event&)> on_failure;
  int exit_status = EXIT_FAILURE;
  // On SIGTERM (a launcher ending the job, e.g. mpirun after losing a host), first write which
  // group the rank was waiting on, then do what the signal did before (chained).
  bool name_group_on_sigterm = true;

  failure_policy policy() const { return {on_failure, exit_status}; }
};

// A group as the watchdog names it. Made once per group, so that arming allocates nothing.
class watched_group {
 public:
  explicit watched_group(std::string label) : label_(std::move(label)) {}
  const std::string& label() const { return label_; }

 private:
  std::string label_;
};

class watchdog;

namespace detail {

// This host's name, "?" where it has none: what the launch check gathers and the line names.
inline std::string host_name() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("?");
}
// Who a rank is in the watchdog's line (watchdog::set_identity): "rank 3 on host a1".
inline std::string rank_identity(int rank, const std::string& host) {
  return "rank " + std::to_string(rank) + " on host " + host;
}

// "ranks 4, 6": every member up to 8, else the first 4, "...", the last and the count.
template <class Ranks>
std::string rank_list(const Ranks& ranks, int size) {
  std::string text = size == 1 ? "rank " : "ranks ";
  int i = 0;
  for (int r : ranks) {
    if (size > 8 && i == 4) text += "..., ";
    if (size <= 8 || i < 4 || i == size - 1) text += std::to_string(r) + (i + 1 < size ? ", " : "");
    ++i;
  }
  if (size > 8) text += " (" + std::to_string(size) + " ranks)";
  return text;
}

// The SIGTERM hook: the first live watchdog that asked for it, and what was installed before.
inline std::atomic<const watchdog*> sigterm_watchdog{nullptr};
inline struct sigaction sigterm_previous {};
inline void on_sigterm(int sig, siginfo_t* info, void* context);

}  // namespace detail

class watchdog {
 public:
  // Arms the watchdog for one operation until destroyed. Holds no lock and allocates nothing.
  class [[nodiscard]] guard {
   public:
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    ~guard() {
      if (w_ == nullptr) return;
      w_->operation_.store(previous_operation_, std::memory_order_relaxed);
      w_->group_.store(previous_group_, std::memory_order_release);
    }

   private:
    friend class watchdog;
    guard(watchdog* w, const watched_group* group, const char* operation)
        : w_(w), previous_group_(group), previous_operation_(operation) {}
    watchdog* w_;
    const watched_group* previous_group_;
    const char* previous_operation_;
  };

  explicit watchdog(watchdog_options options = {}) : options_(std::move(options)) {
    if (!options_.enabled) return;
    thread_ = std::thread([this] { monitor(); });
    if (options_.name_group_on_sigterm) install_sigterm_hook();
  }
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog() {
    remove_sigterm_hook();
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Says who this rank is in the watchdog's line, e.g. "rank 3 on host a1".
  void set_identity(std::string who) {
    std::lock_guard lock(mutex_);
    identity_ = std::move(who);
  }

  // `group` and `operation` must outlive the guard (a watched_group, a string literal).
  guard arm(const watched_group& group, const char* operation) noexcept {
    if (!thread_.joinable()) return guard(nullptr, nullptr, nullptr);
    const watched_group* outer_group = group_.load(std::memory_order_relaxed);
    const char* outer_operation = operation_.load(std::memory_order_relaxed);
    operation_.store(operation, std::memory_order_relaxed);
    started_.store(started_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    group_.store(&group, std::memory_order_release);
    return guard(this, outer_group, outer_operation);
  }

  const watchdog_options& options() const { return options_; }
  bool running() const { return thread_.joinable(); }
  // Looks the monitor has taken so far (for tests: proves it runs, and sleeps between looks).
  long looks() const { return looks_.load(std::memory_order_relaxed); }

 private:
  friend void detail::on_sigterm(int, siginfo_t*, void*);

  void monitor() {
    const auto period = std::chrono::duration<double>(
        hetgrid::detail::watch_interval_s(options_.timeout_s, options_.interval_s));
    const watched_group* seen_group = nullptr;
    std::uint64_t seen_started = 0;
    std::chrono::steady_clock::time_point seen_at{};
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      looks_.fetch_add(1, std::memory_order_relaxed);
      const watched_group* group = group_.load(std::memory_order_acquire);
      const std::uint64_t started = started_.load(std::memory_order_relaxed);
      const auto now = std::chrono::steady_clock::now();
      if (group == nullptr || group != seen_group || started != seen_started) {
        seen_group = group;  // nothing in progress, or another operation than last time
        seen_started = started;
        seen_at = now;
        continue;
      }
      const double waited = std::chrono::duration<double>(now - seen_at).count();
      if (waited < options_.timeout_s) continue;
      const char* operation = operation_.load(std::memory_order_relaxed);
      watchdog_event event{group->label(), operation ? operation : "an operation", {}, waited};
      event.message = "hetgrid: mpi watchdog: " + (identity_.empty() ? "" : identity_ + ": ") +
                      event.operation + " on group '" + event.group +
                      "' did not finish within the timeout of " + seconds(options_.timeout_s) +
                      " s; ending the process (at " + std::to_string(epoch_ms()) +
                      " ms since the epoch)";
      const failure_policy policy = options_.policy();
      lock.unlock();
      policy(event);
    }
  }

  static std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", s);
    return text;
  }
  static long long epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void install_sigterm_hook() {
    const watchdog* none = nullptr;
    if (!detail::sigterm_watchdog.compare_exchange_strong(none, this)) return;  // one hook
    struct sigaction previous {};
    sigaction(SIGTERM, nullptr, &previous);
    if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler == SIG_IGN) {
      detail::sigterm_watchdog.store(nullptr);  // ignored stays ignored
      return;
    }
    detail::sigterm_previous = previous;
    struct sigaction hook {};
    hook.sa_sigaction = detail::on_sigterm;
    hook.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&hook.sa_mask);
    sigaction(SIGTERM, &hook, nullptr);
  }
  // Puts back what was there, unless the program has installed a handler of its own since.
  void remove_sigterm_hook() {
    if (detail::sigterm_watchdog.load() != this) return;
    struct sigaction now {};
    sigaction(SIGTERM, nullptr, &now);
    if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == detail::on_sigterm)
      sigaction(SIGTERM, &detail::sigterm_previous, nullptr);
    detail::sigterm_watchdog.store(nullptr);
  }

  watchdog_options options_;
  std::string identity_;
  // What the rank is in now: the group (null: nothing armed), the operation, how many so far.
  std::atomic<const watched_group*> group_{nullptr};
  std::atomic<const char*> operation_{nullptr};
  std::atomic<std::uint64_t> started_{0};
  std::atomic<long> looks_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

namespace detail {

// Async-signal-safe: atomics, memcpy and write(2) into a buffer on the stack.
inline void on_sigterm(int sig, siginfo_t* info, void* context) {
  const watchdog* w = sigterm_watchdog.load();
  const watched_group* group = w ? w->group_.load(std::memory_order_acquire) : nullptr;
  if (group != nullptr) {
    const char* operation = w->operation_.load(std::memory_order_relaxed);
    char line[512];
    std::size_t n = 0;
    const auto put = [&](const char* text, std::size_t length) {
      length = length < sizeof line - 1 - n ? length : sizeof line - 1 - n;
      std::memcpy(line + n, text, length);
      n += length;
    };
    const auto put_text = [&](const char* text) { put(text, std::strlen(text)); };
    put_text("hetgrid: mpi watchdog: ");
    if (!w->identity_.empty()) {
      put(w->identity_.data(), w->identity_.size());
      put_text(": ");
    }
    put_text("ended by SIGTERM while in ");
    put_text(operation ? operation : "an operation");
    put_text(" on group '");
    put(group->label().data(), group->label().size());
    put_text("'\n");
    for (std::size_t done = 0; done < n;) {
      const ssize_t wrote = ::write(STDERR_FILENO, line + done, n - done);
      if (wrote <= 0) break;
      done += static_cast<std::size_t>(wrote);
    }
  }
  const struct sigaction previous = sigterm_previous;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler == SIG_DFL) {
    sigaction(sig, &previous, nullptr);  // the default again: the signal ends the process
    raise(sig);
  } else if (previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
  }
}

}  // namespace detail

// A group's MPI communicator with the watchdog that watches it: what a program uses to have its
// own collectives and messages on hetgrid's groups watched (rank_groups::watched()).
class watched_comm {
 public:
  watched_comm(MPI_Comm comm, watchdog* dog, const watched_group* group)
      : comm_(comm), dog_(dog), group_(group) {}

  MPI_Comm get() const { return comm_; }
  const watched_group& group() const { return *group_; }
  // Watches what runs until the guard goes: `operation` names it in the line (a literal).
  watchdog::guard arm(const char* operation) const { return dog_->arm(*group_, operation); }
  // Runs `call` (an MPI call returning its error code) watched; an error code is an exception
  // naming the group and the operation.
  template <class Call>
  void run(const char* operation, Call&& call) const {
    int code = MPI_SUCCESS;
    {
      const watchdog::guard armed = arm(operation);
      code = std::forward<Call>(call)();
    }
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    throw std::runtime_error("hetgrid: " + std::string(operation) + " on group '" +
                             group_->label() + "' failed: " + std::string(text, length));
  }

 private:
  MPI_Comm comm_;
  watchdog* dog_;
  const watched_group* group_;
};

}  // namespace hetgrid::mpi

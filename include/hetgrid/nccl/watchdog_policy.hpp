// hetgrid/nccl/watchdog_policy.hpp: what the watchdog (watchdog.hpp) does once it has found a
// stuck or failed group, apart from how it finds one: print one line naming the group, abort
// that communicator (bounded), run the program's handler, end the process.
#pragma once

#include <nccl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

// After an abort the communicator is gone, so no code of the program may use it again, and a
// thread blocked on its stream would never return: the process ends (torch's ProcessGroupNCCL
// watchdog does the same). Runs on the watchdog's thread, holding none of its locks.
struct failure_policy {
  // Seconds ncclCommAbort may take before the process ends without it; 0: no abort.
  double abort_guard_s = 0.25;
  // Called after the abort (or once the guard gave up on it). Empty, or returning: exit(1).
  std::function<void(const watchdog_event&)> on_failure;

  // `comm`: the communicator to abort, or null where its owner is already tearing it down.
  [[noreturn]] void operator()(watchdog_event event, ncclComm_t comm) const {
    const bool abort = abort_guard_s > 0 && comm != nullptr;
    event.message += abort ? "; aborting its communicator and ending the process"
                           : "; ending the process";
    std::fprintf(stderr, "hetgrid: %s (at %lld ms since the epoch)\n", event.message.c_str(),
                 epoch_ms());
    std::fflush(stderr);
    // The handler runs either after the abort returned or, where it did not within the guard,
    // on the guard's thread: whichever comes first, once.
    auto finish = [handler = on_failure, event] {
      static std::atomic<bool> finishing{false};
      if (finishing.exchange(true))  // the other thread is ending the process
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
      if (handler) handler(event);
      std::fprintf(stderr, "hetgrid: nccl watchdog: exiting (at %lld ms)\n", epoch_ms());
      std::fflush(stderr);
      std::_Exit(EXIT_FAILURE);
    };
    if (abort) {
      std::thread([guard = abort_guard_s, finish] {  // ncclCommAbort must not be the next hang
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

  static long long epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace hetgrid::nccl

// hetgrid/timeout.hpp: the one default timeout of hetgrid's runtimes (NCCL's and MPI's), and how
// often a watchdog looks for work that outlived it.
#pragma once

namespace hetgrid {

// Every timeout of the runtimes defaults to this (NCCL: creation, the bootstrap, await(), a
// communicator's finalize, the watchdog; MPI: the watchdog): torch's ProcessGroupNCCL default.
// It must be long: a large job's creation can take minutes, and NCCL's watchdog counts compute
// queued before a group's work as no progress (docs/CONTRACT.md section 3).
inline constexpr double default_timeout_s = 600.0;

namespace detail {

// A watchdog's period: `interval_s` where given, else timeout / 20 between 10 ms and 100 ms, so
// that work stuck past the timeout is reported within two periods after it.
constexpr double watch_interval_s(double timeout_s, double interval_s) {
  if (interval_s > 0) return interval_s;
  const double i = timeout_s / 20;
  return i < 0.01 ? 0.01 : (i > 0.1 ? 0.1 : i);
}

}  // namespace detail
}  // namespace hetgrid

// mimo_step: the main job (docs/CONTRACT.md section 4). A toy image encoder and a two-stage language model
// with a tied embedding, trained with plain SGD on one of hetgrid's layouts, every message
// through hetgrid's communicators; the loss is checked against a single-process reference.
//   mpirun -np 8 build/examples/mimo_step --steps 20
//   mpirun -np 1 build/examples/mimo_step --backend nccl --layout solo   (one GPU)
// --timeout S: a split, collective or message that takes longer ends the rank, naming the group
// (hetgrid's watchdog, over either backend).
// With --backend nccl the model lives on the GPU (device_backend.hpp) and the job ends with one
// JSON line: the step time, split into compute, communication and hand-offs (CUDA events).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <cerrno>
#include <cstring>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <hetgrid/mpi.hpp>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "layouts.hpp"
#include "mpi_ops.hpp"
#ifdef HETGRID_MIMO_HAVE_NCCL
#include "device_backend.hpp"
#endif
#include "reference.hpp"
#include "trainer.hpp"

namespace mimo_step {

// Relative to the reference loss, floored at 1: the sums run in another order, in float.
inline constexpr double tolerance = 1e-5;

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One line on stderr in one write(2), so that the lines of ranks that fail together (a wrong -np:
// every rank) never interleave mid-line, whatever buffers sit between them and the terminal.
inline void error_line(const std::string& text) {
  const std::string line = "mimo_step: " + text + "\n";
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The reporter's standard output: the first write that failed, and why. A report that cannot be
// written (a full disk, a closed stdout) fails the job instead of passing unseen.
class report_output {
 public:
  void flush() {
    if (error_ == 0 && (std::fflush(stdout) != 0 || std::ferror(stdout)))
      error_ = errno != 0 ? errno : EIO;
  }
  bool failed() const { return error_ != 0; }
  std::string reason() const { return std::strerror(error_); }

 private:
  int error_ = 0;
};

// A line on stderr at most every few seconds while long work runs, so that a large --steps is
// never silent (stderr: it is not part of the report).
class progress {
 public:
  progress(std::string what, int total) : what_(std::move(what)), total_(total) {}
  void done(int count) {
    const auto now = clock::now();
    if (now - last_ < interval) return;
    last_ = now;
    error_line(what_ + ": " + std::to_string(count) + " of " + std::to_string(total_) + " steps");
  }

 private:
  using clock = std::chrono::steady_clock;
  static constexpr auto interval = std::chrono::seconds(3);
  std::string what_;
  int total_;
  clock::time_point last_ = clock::now();
};

// Every rank but the reporter waits here while the reporter computes the reference: asleep
// between tests of a non-blocking barrier, where the first blocking MPI call of the step would
// busy-poll a core per rank for as long (half a minute at a large --steps).
inline void wait_for_reporter(const boost::mpi::communicator& world, bool reporter) {
  MPI_Request request;
  MPI_Ibarrier(world, &request);
  if (reporter) {  // the last to arrive
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    return;
  }
  using namespace std::chrono_literals;
  int arrived = 0;
  for (auto pause = 1ms;; pause = std::min(2 * pause, 10ms)) {
    MPI_Test(&request, &arrived, MPI_STATUS_IGNORE);
    if (arrived) return;
    std::this_thread::sleep_for(pause);
  }
}

// Trains on one layout with one backend; every rank returns the same exit status.
template <class Layout, class Backend>
int train(Backend& backend, const boost::mpi::communicator& mpi_world, const options& o) {
  using job = trainer<Layout, Backend>;
  const int rank = mpi_world.rank();
  job model(backend, rank);
  // A device backend's clock splits each step's GPU time (step_clock in device_backend.hpp).
  constexpr bool timed = requires { backend.clock(); };
  std::vector<double> wall_ms, gpu_ms, compute_ms, comm_ms, handoff_ms;
  int comm_calls = 0;
  const bool reports = rank == job::reporter;
  report_output report;

  std::vector<float> reference_loss;
  if (reports) {
    reference_model reference;
    progress computing("computing the single-process reference", o.steps);
    for (int s = 0; s < o.steps; ++s) {
      reference_loss.push_back(reference.step(s));
      computing.done(s + 1);
    }
    std::printf("mimo_step: layout %s, world %d, backend %s, %d steps, global batch %d\n",
                Layout::name.data(), Layout::topology::world, backend.description().c_str(),
                o.steps, batch);
    report.flush();
  }
  wait_for_reporter(mpi_world, reports);

  double worst = 0;
  float first_loss = 0, last_loss = 0;
  for (int s = 0; s < o.steps; ++s) {
    const auto started = std::chrono::steady_clock::now();
    if constexpr (timed) backend.clock().start(backend.compute());
    const std::optional<float> loss = model.step(s);
    if constexpr (timed) {
      const auto split = backend.clock().finish(backend.compute());
      if (s > 0) {  // the first step is the warm-up (first use of every communicator)
        gpu_ms.push_back(split.gpu_ms);
        compute_ms.push_back(split.compute_ms);
        comm_ms.push_back(split.comm_ms);
        handoff_ms.push_back(split.handoff_ms);
      }
      comm_calls = split.comm_calls;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (s > 0) wall_ms.push_back(ms);
    if (!reports) continue;
    const double gap = std::abs(double(*loss) - reference_loss[s]) /
                       std::max(1.0, std::abs(double(reference_loss[s])));
    worst = std::max(worst, gap);
    if (s == 0) first_loss = *loss;
    last_loss = *loss;
    std::printf("step %3d  loss %.6f  reference %.6f  %.3f ms/step\n", s + 1, *loss,
                reference_loss[s], ms);
    report.flush();
  }

  // The reporter's verdict (the loss matches, the report was written), to every rank, so that
  // all exit alike.
  int verdict = 0;
  const bool ok = worst <= tolerance;
  if (reports) {
    std::printf(
        "mimo_step: loss %.6f -> %.6f; the loss %s the single-process reference: max relative "
        "difference %.3g over %d steps, tolerance %.1g\n",
        first_loss, last_loss, ok != 0 ? "matches" : "does NOT match", worst, o.steps, tolerance);
    if constexpr (timed)  // medians over steps 2..N of the reporting rank
      std::printf(
          "{\"bench\": \"mimo_step\", \"layout\": \"%s\", \"world\": %d, \"backend\": \"%s\", "
          "\"steps\": %d, \"step_ms\": %.4f, \"step_ms_min\": %.4f, \"gpu_ms\": %.4f, "
          "\"compute_ms\": %.4f, \"comm_ms\": %.4f, \"handoff_ms\": %.4f, \"comm_calls\": %d, "
          "\"loss_first\": %.6f, \"loss_last\": %.6f, \"max_rel_diff\": %.3g}\n",
          Layout::name.data(), Layout::topology::world, backend.description().c_str(), o.steps,
          median(wall_ms), wall_ms.empty() ? 0.0 : *std::min_element(wall_ms.begin(), wall_ms.end()),
          median(gpu_ms), median(compute_ms), median(comm_ms), median(handoff_ms), comm_calls,
          first_loss, last_loss, worst);
    report.flush();
    if (report.failed())
      error_line("cannot write the report to standard output: " + report.reason());
    verdict = (ok ? 1 : 0) | (report.failed() ? 0 : 2);
  }
  if constexpr (requires { backend.watched_world(); }) {  // MPI: watched like every call
    const hetgrid::mpi::watched_comm& w = backend.watched_world();
    w.run("MPI_Bcast (the verdict)",
          [&] { return MPI_Bcast(&verdict, 1, MPI_INT, job::reporter, w.get()); });
  } else {
    boost::mpi::broadcast(mpi_world, verdict, job::reporter);
  }
  return verdict == 3 ? 0 : 1;
}

// Each backend throws hetgrid::topology_error on a world of the wrong size.
template <class Layout>
int run_layout(const boost::mpi::communicator& world, const options& o) {
#ifdef HETGRID_MIMO_HAVE_NCCL
  if (o.backend == "nccl") {
    device_backend<job_topology<Layout>> backend(world, o.timeout_s);
    return train<Layout>(backend, world, o);
  }
#endif
  mpi_backend<job_topology<Layout>> backend(world, o.timeout_s);
  return train<Layout>(backend, world, o);
}

int run(const boost::mpi::communicator& world, const options& o) {
  if (o.layout == "pair") return run_layout<pair_layout>(world, o);
  if (o.layout == "solo") return run_layout<solo_layout>(world, o);
  if (o.layout == "colocated") return run_layout<colocated_layout>(world, o);
  if (o.layout == "colocated_pair") return run_layout<colocated_pair_layout>(world, o);
  return run_layout<seed_layout>(world, o);
}

}  // namespace mimo_step

int main(int argc, char** argv) {
  // A closed stdout (>&-) would hand descriptor 1 to the next file opened (MPI opens several),
  // and the report would land in it: hold it with /dev/null opened read-only, on which a write
  // fails (EBADF) as on the closed descriptor.
  if (::fcntl(STDOUT_FILENO, F_GETFD) == -1 && errno == EBADF) {
    const int fd = ::open("/dev/null", O_RDONLY);
    if (fd >= 0 && fd != STDOUT_FILENO) {
      ::dup2(fd, STDOUT_FILENO);
      ::close(fd);
    }
  }
  mimo_step::options o;
  try {
    o = mimo_step::parse_command_line(argc, argv);
  } catch (const mimo_step::usage_error& e) {
    mimo_step::error_line(e.what());
    return 2;
  }
  if (o.help) {
    std::cout << mimo_step::usage_text << std::flush;
    if (!std::cout) {  // stdout full or closed: say so, never a silent success
      mimo_step::error_line("cannot write to standard output");
      return 1;
    }
    return 0;
  }
  if (o.backend == "nccl") {
#ifdef HETGRID_MIMO_HAVE_NCCL
    if (!hetgrid::nccl::gpu_available()) {  // CTest's SKIP_RETURN_CODE: no GPU is not a failure
      mimo_step::error_line("SKIPPED: no usable GPU");
      return 77;
    }
#else
    mimo_step::error_line("--backend nccl: this build has no NCCL backend for mimo_step; use "
                          "--backend mpi");
    return 2;
#endif
  }

  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  try {
    return mimo_step::run(world, o);
  } catch (const hetgrid::topology_error& e) {  // every rank throws it, before any collective
    mimo_step::error_line("rank " + std::to_string(world.rank()) + ": layout " + o.layout + ": " +
                          e.what());
    return 1;
  } catch (const std::exception& e) {  // one rank alone: the others must not wait for it
    mimo_step::error_line("rank " + std::to_string(world.rank()) + ": " + e.what());
    env.abort(1);
  }
  return 1;
}

// The watchdog on the GPU machine. mpirun -np 1, or -np 2 (two GPUs, or two ranks sharing one
// with NCCL 2.30 and NCCL_MULTI_RANK_GPU_ENABLE=1): the same code, a real peer then waits on
// the stalled rank.
//
//   watchdog_cases stall|stall_p2p|stall_world TIMEOUT [ABORT_GUARD [exit_alone]]
//   (ABORT_GUARD: watchdog_options::abort_guard_s; exit_alone: end this process only, not the
//   job through MPI_Abort)
//     Every rank builds its groups with the watchdog's timeout TIMEOUT. Rank 0 holds a group's
//     stream with cuStreamWaitValue32 on a flag that is never set, then issues an operation on
//     that group; the other ranks issue the same (their kernels wait for rank 0 forever). The
//     group and operation: stall, the language tp group's all-reduce; stall_p2p, its grouped
//     send/recv (to the next rank, from the previous); stall_world, an all-reduce on the
//     groups' world(). Every rank then blocks in cudaStreamSynchronize. The watchdog must end
//     every rank non-zero with a line naming the group; expect_watchdog.sh checks the time
//     (this prints when the stall started, in ms since the epoch).
//   watchdog_cases handler_lock TIMEOUT
//     A watchdog of its own whose handler calls the watchdog (see handler_lock below).
//   watchdog_cases shutdown
//     Queues 64 all-reduces of 64 MiB and a grouped send/recv on the group without waiting,
//     then destroys the groups (work in flight) and the bootstrap; the results must be complete
//     and right afterwards, the watchdog must have probed and stopped, and the exit is 0.
// Exit 77 (skipped) without a GPU, or where the bootstrap would refuse this node's ranks.
#include <cuda.h>
#include <cuda_runtime.h>
#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <boost/mpi/environment.hpp>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gpu_check.hpp"

namespace nc = hetgrid::nccl;

namespace {

using solo = hetgrid::layouts::solo::topology;
using pair_tp = hetgrid::layouts::pair_tp::topology;
// The tp group split off the world (reuse off): a communicator rank_groups owns and watches.
template <class Topology>
using split_groups = nc::rank_groups<Topology, nc::settings_table{}, nc::split_everything>;

long long epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// cuStreamWaitValue32 through the runtime's entry point: no link to libcuda needed.
using wait_value_fn = CUresult (*)(CUstream, CUdeviceptr, cuuint32_t, unsigned int);
wait_value_fn wait_value32() {
  void* fn = nullptr;
  cudaDriverEntryPointQueryResult found{};
  nc::check_cuda(cudaGetDriverEntryPointByVersion("cuStreamWaitValue32", &fn, 12000,
                                                 cudaEnableDefault, &found),
                "cudaGetDriverEntryPointByVersion(cuStreamWaitValue32)");
  if (fn == nullptr || found != cudaDriverEntryPointSuccess) {
    std::fprintf(stderr, "watchdog_cases: cuStreamWaitValue32 not found\n");
    std::exit(4);
  }
  return reinterpret_cast<wait_value_fn>(fn);
}

enum class stalled { all_reduce, send_recv, world };

template <class Topology>
int stall(const nc::bootstrap& boot, stalled what, double timeout_s, double abort_guard_s,
          bool exit_alone) {
  nc::watchdog_options watch{.timeout_s = timeout_s, .abort_guard_s = abort_guard_s};
  // exit_alone: a handler that returns, so the watchdog ends this process alone (_Exit(1))
  // instead of rank_groups' default, MPI_Abort of the whole job.
  if (exit_alone) watch.on_failure = [](const nc::watchdog_event&) {};
  split_groups<Topology> groups(boot, 60.0, std::move(watch));
  const nc::group_comm& group = what == stalled::world ? groups.world() : groups.language()->tp;
  const int n = group.size(), r = group.rank();
  float* data = nullptr;
  unsigned* flag = nullptr;  // stays 0: the wait below never ends
  nc::check_cuda(cudaMalloc(&data, 2048 * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&flag, sizeof(unsigned)), "cudaMalloc");
  nc::check_cuda(cudaMemset(flag, 0, sizeof(unsigned)), "cudaMemset");
  nc::check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  auto issue = [&] {
    if (what != stalled::send_recv) {
      nc::check(ncclAllReduce(data, data, 1024, ncclFloat, ncclSum, group.get(), group.stream()),
                "ncclAllReduce");
      return;
    }
    nc::check(ncclGroupStart(), "ncclGroupStart");
    nc::check(ncclSend(data, 1024, ncclFloat, (r + 1) % n, group.get(), group.stream()),
              "ncclSend");
    nc::check(ncclRecv(data + 1024, 1024, ncclFloat, (r - 1 + n) % n, group.get(),
                       group.stream()), "ncclRecv");
    nc::check(ncclGroupEnd(), "ncclGroupEnd");
  };
  // One operation that completes first: the group works, and its connections exist.
  issue();
  nc::check_cuda(cudaStreamSynchronize(group.stream()), "cudaStreamSynchronize");
  boot.mpi_world().barrier();
  if (boot.rank() == 0) {
    const CUresult held = wait_value32()(reinterpret_cast<CUstream>(group.stream()),
                                         reinterpret_cast<CUdeviceptr>(flag), 1,
                                         CU_STREAM_WAIT_VALUE_EQ);
    if (held != CUDA_SUCCESS) {
      std::fprintf(stderr, "watchdog_cases: cuStreamWaitValue32 failed (%d)\n", int(held));
      return 4;
    }
  }
  issue();
  std::printf("watchdog_cases: rank %d: group %s: stall_started_ms=%lld timeout_s=%.3f\n",
              boot.rank(), group.name().c_str(), epoch_ms(), timeout_s);
  std::fflush(stdout);
  // Returns only once the watchdog has aborted the communicator (its kernel then gives up);
  // the watchdog ends the process right after, so a process still here 10 s later failed.
  const cudaError_t synced = cudaStreamSynchronize(group.stream());
  std::printf("watchdog_cases: rank %d: the stalled operation returned (%s) at %lld ms\n",
              boot.rank(), cudaGetErrorString(synced), epoch_ms());
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(10));
  std::printf("watchdog_cases: FAILED: rank %d still runs 10 s after its stall returned\n",
              boot.rank());
  return 0;  // a stall that ends is no stall; expect_watchdog.sh fails on exit 0
}

template <class Topology>
int shutdown(const nc::bootstrap& boot) {
  constexpr size_t count = size_t{16} << 20;  // 64 MiB of floats
  constexpr int ops = 64;
  float *send = nullptr, *recv = nullptr, *p2p = nullptr;
  nc::check_cuda(cudaMalloc(&send, count * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&recv, count * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&p2p, count * sizeof(float)), "cudaMalloc");
  std::vector<float> host(count, float(boot.rank() + 1));
  nc::check_cuda(cudaMemcpy(send, host.data(), count * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy");
  nc::check_cuda(cudaMemset(recv, 0, count * sizeof(float)), "cudaMemset");
  nc::check_cuda(cudaMemset(p2p, 0, count * sizeof(float)), "cudaMemset");
  nc::check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  long probes = 0;
  bool was_running = false;
  double teardown_s = 0;
  {
    std::optional<split_groups<Topology>> groups;
    groups.emplace(boot, 60.0, nc::watchdog_options{.timeout_s = 5.0});
    const nc::group_comm& tp = groups->language()->tp;
    const int n = tp.size(), r = tp.rank();
    for (int i = 0; i < ops; ++i)
      nc::check(ncclAllReduce(send, recv, count, ncclFloat, ncclSum, tp.get(), tp.stream()), "ncclAllReduce");
    nc::check(ncclGroupStart(), "ncclGroupStart");
    nc::check(ncclSend(send, count, ncclFloat, (r + 1) % n, tp.get(), tp.stream()), "ncclSend");
    nc::check(ncclRecv(p2p, count, ncclFloat, (r - 1 + n) % n, tp.get(), tp.stream()), "ncclRecv");
    nc::check(ncclGroupEnd(), "ncclGroupEnd");
    const cudaError_t busy = cudaStreamQuery(tp.stream());
    std::printf("watchdog_cases: rank %d: %d all-reduces and a send/recv queued; stream %s\n",
                boot.rank(), ops, busy == cudaErrorNotReady ? "busy (work in flight)" : "already idle");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the watchdog probes meanwhile
    probes = groups->watcher().probes();
    was_running = groups->watcher().running();
    // Work may still be in flight: the communicators are finalized with it, then destroyed.
    const auto t0 = std::chrono::steady_clock::now();
    groups.reset();
    teardown_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  nc::check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  const int n = boot.size();
  float want_sum = 0;
  for (int q = 0; q < n; ++q) want_sum += float(q + 1);
  const float want_p2p = float((boot.rank() - 1 + n) % n + 1);
  std::vector<float> got(count), got_p2p(count);
  nc::check_cuda(cudaMemcpy(got.data(), recv, count * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy");
  nc::check_cuda(cudaMemcpy(got_p2p.data(), p2p, count * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy");
  size_t bad = 0;
  for (size_t i = 0; i < count; ++i) bad += (got[i] != want_sum) + (got_p2p[i] != want_p2p);
  cudaFree(send);
  cudaFree(recv);
  cudaFree(p2p);
  const bool ok = bad == 0 && was_running && probes > 0;
  std::printf("watchdog_cases: rank %d: shutdown with work in flight: teardown %.3f s, watchdog "
              "running %d, probes %ld, wrong elements %zu: %s\n",
              boot.rank(), teardown_s, was_running, probes, bad, ok ? "PASSED" : "FAILED");
  return ok ? 0 : 1;
}

// How long the process takes to end when a stream is held by cuStreamWaitValue32 (no NCCL
// call, no watchdog): prints the time, then _Exit(1). The caller measures the rest.
int exit_stuck(bool hold) {
  cudaStream_t stream = nullptr;
  unsigned* flag = nullptr;
  nc::check_cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
  nc::check_cuda(cudaMalloc(&flag, sizeof(unsigned)), "cudaMalloc");
  nc::check_cuda(cudaMemset(flag, 0, sizeof(unsigned)), "cudaMemset");
  nc::check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  if (hold)
    wait_value32()(reinterpret_cast<CUstream>(stream), reinterpret_cast<CUdeviceptr>(flag), 1,
                   CU_STREAM_WAIT_VALUE_EQ);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::printf("watchdog_cases: exit_%s: _Exit at %lld ms\n", hold ? "stuck" : "idle", epoch_ms());
  std::fflush(stdout);
  std::_Exit(1);
}

// A watchdog alone (no communicator) whose handler uses the watchdog itself: watch() takes the
// list's lock, so this ends only if the handler runs without it (it would wait forever on a
// lock its own thread holds). Prints the stall's start as stall() does; the handler's line
// names the group, then it ends the job as rank_groups' default does (abort_mpi_job: a
// process that ends alone takes mpirun about 2 s more, past expect_watchdog.sh's limit).
int handler_lock(double timeout_s) {
  boost::mpi::environment env;
  unsigned* flag = nullptr;
  nc::check_cuda(cudaMalloc(&flag, sizeof(unsigned)), "cudaMalloc");
  nc::check_cuda(cudaMemset(flag, 0, sizeof(unsigned)), "cudaMemset");
  nc::owned_stream stream = nc::make_stream();
  nc::check_cuda(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  nc::watchdog* self = nullptr;
  nc::watchdog w(nc::watchdog_options{
      .timeout_s = timeout_s, .on_failure = [&self](const nc::watchdog_event& event) {
        nc::watchdog::handle late = self->watch("hetgrid:test:late", nullptr, nullptr);
        std::printf("watchdog_cases: the handler took the watchdog's lock (%s)\n",
                    event.group.c_str());
        std::fflush(stdout);
        nc::abort_mpi_job(event);
      }});
  self = &w;
  nc::watchdog::handle watched = w.watch("hetgrid:test:handler", stream.get(), nullptr);
  wait_value32()(reinterpret_cast<CUstream>(stream.get()), reinterpret_cast<CUdeviceptr>(flag), 1,
                 CU_STREAM_WAIT_VALUE_EQ);
  std::printf("watchdog_cases: rank 0: group hetgrid:test:handler: stall_started_ms=%lld "
              "timeout_s=%.3f\n", epoch_ms(), timeout_s);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s + 30));
  std::printf("watchdog_cases: FAILED: the handler never ended the process\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "exit_stuck" || mode == "exit_idle") {
    if (!hetgrid::nccl::gpu_available()) return gpu_check::skip("watchdog_cases");
    return exit_stuck(mode == "exit_stuck");
  }
  if (mode == "handler_lock") {
    if (!hetgrid::nccl::gpu_available()) return gpu_check::skip("watchdog_cases");
    return handler_lock(argc > 2 ? std::atof(argv[2]) : 3.0);
  }
  const bool stalls = mode == "stall" || mode == "stall_p2p" || mode == "stall_world";
  if (!stalls && mode != "shutdown") {
    std::fprintf(stderr, "usage: watchdog_cases stall|stall_p2p|stall_world TIMEOUT "
                         "[ABORT_GUARD [exit_alone]] | handler_lock TIMEOUT | shutdown\n");
    return 2;
  }
  if (!hetgrid::nccl::gpu_available()) return gpu_check::skip("watchdog_cases");
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  if (world.size() > 2) {
    std::fprintf(stderr, "watchdog_cases: world 1 or 2 only\n");
    return 2;
  }
  if (const std::string why = gpu_check::peer_refusal(world); !why.empty())
    return gpu_check::skip("watchdog_cases", why);
  nc::bootstrap boot;
  if (boot.rank() == 0)
    std::printf("watchdog_cases: NCCL %s, world %d\n", nc::version_string().c_str(), boot.size());
  if (stalls) {
    const stalled what = mode == "stall"       ? stalled::all_reduce
                         : mode == "stall_p2p" ? stalled::send_recv
                                               : stalled::world;
    const double timeout_s = argc > 2 ? std::atof(argv[2]) : 3.0;
    const double guard_s = argc > 3 ? std::atof(argv[3]) : nc::watchdog_options{}.abort_guard_s;
    const bool alone = argc > 4 && std::string(argv[4]) == "exit_alone";
    return boot.size() == 1 ? stall<solo>(boot, what, timeout_s, guard_s, alone)
                            : stall<pair_tp>(boot, what, timeout_s, guard_s, alone);
  }
  return boot.size() == 1 ? shutdown<solo>(boot) : shutdown<pair_tp>(boot);
}

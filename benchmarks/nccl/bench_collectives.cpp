// bench_collectives: all-reduce, all-gather, reduce-scatter and send/recv over a communicator
// that hetgrid built, from 8 B to --max-bytes (default 8 GiB), doubling. Warm-up, then timed
// iterations; each size's result is checked in the same run. One JSON line per (op, size), in
// nccl-tests' terms: size (bytes), count (elements), time (us per op), algbw = size / time,
// busbw = algbw x the op's factor (all-reduce 2(n-1)/n, all-gather and reduce-scatter (n-1)/n,
// send/recv 1). Usage: mpirun -np W bench_collectives [--max-bytes B] [--iters N] [--warmup N]
//   [--group world|tp|tp_nonblocking] [--compare] [--min-bytes B] [--rounds R]
//   (world: the default rank_groups' tp group, the world's blocking twin on these layouts;
//   tp: the tp group split off with the world's reuse off (blocking, hetgrid's default);
//   tp_nonblocking: the same in NCCL's non-blocking mode, the default before issue 14)
// --compare (issue 14): in one run, interleaved R rounds (median), for each op and size from
// --min-bytes (8) to --max-bytes (64 KiB unless given): "default" (hetgrid's rank_groups with
// default settings and its watchdog running), "blocking" (a plain blocking communicator made
// by this program with ncclCommInitRankConfig, no hetgrid object, no watchdog), "nonblocking"
// (the old default) and "unwatched" (the default's communicator on a stream no watchdog
// probes: default / unwatched is what the probes cost, unwatched / blocking what the
// communicator does), with default / blocking as "ratio". Without a GPU: one line, exit 77.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <string>
#include <vector>

#include "../bootstrap_mpi/max_over_ranks.hpp"
#include "../options.hpp"
#include "gpu_memory.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using solo = hg::layouts::solo::topology;
using pair_tp = hg::layouts::pair_tp::topology;
// Each group on a communicator of its own, split off the world (reuse off), as the tp group needs
// for --group tp / tp_nonblocking and for the old default that --compare measures.
template <class Topology, nc::settings_table Settings = nc::settings_table{}>
using split_groups = nc::rank_groups<Topology, Settings, nc::split_everything>;
// --group tp_nonblocking: the same group, its communicator in NCCL's non-blocking mode.
constexpr nc::settings_table nonblocking_tp =
    nc::settings_table{}.with(hg::group_kind::tp, {.blocking = false});

enum class op { all_reduce, all_gather, reduce_scatter, send_recv };
const char* name(op o) {
  switch (o) {
    case op::all_reduce: return "all_reduce";
    case op::all_gather: return "all_gather";
    case op::reduce_scatter: return "reduce_scatter";
    case op::send_recv: return "send_recv";
  }
  return "?";
}
double bus_factor(op o, int n) {
  if (o == op::all_reduce) return 2.0 * (n - 1) / n;
  if (o == op::send_recv) return 1.0;
  return static_cast<double>(n - 1) / n;
}

struct options {
  size_t max_bytes = 0;  // 0: 8 GiB, or 64 KiB with --compare
  size_t min_bytes = 8;
  int iters = 20, warmup = 5, rounds = 5;
  std::string group = "world";
  bool compare = false;
};

// Element i of rank r's input: small integers, so float sums are exact.
float input_value(int rank, size_t i) { return static_cast<float>((rank + 1) * (i % 7 + 1)); }

// Device buffers of `count` floats: `send` holds this rank's inputs, `recv` is for results.
struct device_buffers {
  float* send = nullptr;
  float* recv = nullptr;
};
device_buffers make_buffers(size_t count, int rank) {
  device_buffers b;
  nc::check_cuda(cudaMalloc(&b.send, count * sizeof(float)), "cudaMalloc(send)");
  nc::check_cuda(cudaMalloc(&b.recv, count * sizeof(float)), "cudaMalloc(recv)");
  std::vector<float> host(count);
  for (size_t i = 0; i < count; ++i) host[i] = input_value(rank, i);
  nc::check_cuda(cudaMemcpy(b.send, host.data(), count * sizeof(float), cudaMemcpyHostToDevice),
                "cudaMemcpy");
  return b;
}

// A non-blocking communicator may answer ncclInProgress: it must finish before the next call.
void issue(ncclResult_t result, ncclComm_t comm, const char* what) {
  nc::check(result, what);
  if (result == ncclInProgress) nc::await(comm, nc::default_timeout_s, what);
}

void launch(op o, ncclComm_t comm, cudaStream_t stream, float* send, float* recv, size_t count,
            int rank, int n) {
  switch (o) {
    case op::all_reduce:
      issue(ncclAllReduce(send, recv, count, ncclFloat, ncclSum, comm, stream), comm, "ncclAllReduce");
      break;
    case op::all_gather:  // count: elements received in all
      issue(ncclAllGather(send, recv, count / n, ncclFloat, comm, stream), comm, "ncclAllGather");
      break;
    case op::reduce_scatter:  // count: elements sent by each rank
      issue(ncclReduceScatter(send, recv, count / n, ncclFloat, ncclSum, comm, stream), comm,
            "ncclReduceScatter");
      break;
    case op::send_recv: {
      nc::check(ncclGroupStart(), "ncclGroupStart");
      nc::check(ncclSend(send, count, ncclFloat, (rank + 1) % n, comm, stream), "ncclSend");
      nc::check(ncclRecv(recv, count, ncclFloat, (rank - 1 + n) % n, comm, stream), "ncclRecv");
      issue(ncclGroupEnd(), comm, "ncclGroupEnd");
      break;
    }
  }
}

// What rank `rank` must hold in recv after one op, element i.
float expected(op o, size_t i, size_t count, int rank, int n) {
  switch (o) {
    case op::all_reduce: {
      float sum = 0;
      for (int r = 0; r < n; ++r) sum += input_value(r, i);
      return sum;
    }
    case op::all_gather: {
      const size_t per = count / n;
      return input_value(static_cast<int>(i / per), i % per);
    }
    case op::reduce_scatter: {
      const size_t per = count / n;
      float sum = 0;
      for (int r = 0; r < n; ++r) sum += input_value(r, rank * per + i);
      return sum;
    }
    case op::send_recv: return input_value((rank - 1 + n) % n, i);
  }
  return 0;
}

size_t recv_count(op o, size_t count, int n) {
  return o == op::reduce_scatter ? count / n : count;
}

int run(const nc::group_comm& group, int world_rank, const options& opt,
        const boost::mpi::communicator& world) {
  const std::string& group_name = opt.group;
  const int n = group.size(), rank = group.rank();
  ncclComm_t comm = group.get();
  cudaStream_t stream = group.stream();
  const size_t max_count = opt.max_bytes / sizeof(float);
  const auto [send, recv] = make_buffers(max_count, rank);
  std::vector<float> host(max_count);  // results, read back for the check
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  int wrong = 0;
  for (op o : {op::all_reduce, op::all_gather, op::reduce_scatter, op::send_recv}) {
    for (size_t bytes = 8; bytes <= opt.max_bytes; bytes *= 2) {
      size_t count = bytes / sizeof(float);
      count -= count % n;  // all-gather / reduce-scatter split it evenly
      if (count == 0) continue;
      for (int i = 0; i < opt.warmup; ++i) launch(o, comm, stream, send, recv, count, rank, n);
      nc::await(comm, nc::default_timeout_s, "warm-up");
      nc::check_cuda(cudaStreamSynchronize(stream), "sync");
      world.barrier();
      cudaEventRecord(start, stream);
      for (int i = 0; i < opt.iters; ++i) launch(o, comm, stream, send, recv, count, rank, n);
      cudaEventRecord(stop, stream);
      nc::await(comm, nc::default_timeout_s, "timed");
      nc::check_cuda(cudaEventSynchronize(stop), "sync");
      float ms = 0;
      cudaEventElapsedTime(&ms, start, stop);
      const double us = bench::max_over_ranks(world, 1000.0 * ms / opt.iters);
      // Check: the last op's output, every element up to 1 Mi, then a stride.
      const size_t out = recv_count(o, count, n);
      nc::check_cuda(cudaMemcpy(host.data(), recv, out * sizeof(float), cudaMemcpyDeviceToHost),
                    "cudaMemcpy");
      int bad = 0;
      const size_t step = out > (1u << 20) ? out / (1u << 20) : 1;
      for (size_t i = 0; i < out; i += step)
        if (host[i] != expected(o, i, count, rank, n)) ++bad;
      bad = bench::max_over_ranks(world, bad);
      wrong += bad;
      const double size = static_cast<double>(count * sizeof(float));
      const double algbw = size / (us * 1e-6) / 1e9;
      if (world_rank == 0)
        std::printf("{\"bench\": \"collectives\", \"op\": \"%s\", \"ranks\": %d, \"nccl\": \"%s\", "
                    "\"group\": \"%s\", \"size\": %.0f, \"count\": %zu, \"time_us\": %.2f, \"algbw_GBps\": %.3f, "
                    "\"busbw_GBps\": %.3f, \"wrong\": %d}\n",
                    name(o), n, nc::version_string().c_str(), group_name.c_str(), size, count, us, algbw,
                    algbw * bus_factor(o, n), bad);
    }
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(send);
  cudaFree(recv);
  return wrong == 0 ? 0 : 1;
}

// --compare: one (op, size) on one communicator: warm-up, then `iters` timed ops; us per op.
double time_ops(op o, ncclComm_t comm, cudaStream_t stream, float* send, float* recv,
                size_t count, int rank, int n, const options& opt) {
  static cudaEvent_t start = nullptr, stop = nullptr;
  if (start == nullptr) {
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
  }
  for (int i = 0; i < opt.warmup; ++i) launch(o, comm, stream, send, recv, count, rank, n);
  nc::check_cuda(cudaStreamSynchronize(stream), "sync");
  nc::check_cuda(cudaEventRecord(start, stream), "cudaEventRecord");
  for (int i = 0; i < opt.iters; ++i) launch(o, comm, stream, send, recv, count, rank, n);
  nc::check_cuda(cudaEventRecord(stop, stream), "cudaEventRecord");
  nc::check_cuda(cudaEventSynchronize(stop), "sync");
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  return 1000.0 * ms / opt.iters;
}

struct compared {
  const char* mode;
  ncclComm_t comm;
  cudaStream_t stream;
};

int compare(const std::vector<compared>& modes, int n, int rank, int world_rank,
            const options& opt, const boost::mpi::communicator& world) {
  const size_t max_count = opt.max_bytes / sizeof(float);
  const auto [send, recv] = make_buffers(max_count, rank);
  int wrong = 0;
  std::vector<float> check(1 << 20);
  for (op o : {op::send_recv, op::all_reduce, op::all_gather, op::reduce_scatter}) {
    for (size_t bytes = opt.min_bytes; bytes <= opt.max_bytes; bytes *= 2) {
      size_t count = bytes / sizeof(float);
      count -= count % n;
      if (count == 0) continue;
      std::vector<std::vector<double>> samples(modes.size());
      int bad = 0;
      for (int round = 0; round < opt.rounds; ++round)
        for (size_t m = 0; m < modes.size(); ++m) {
          world.barrier();
          const double us = time_ops(o, modes[m].comm, modes[m].stream, send, recv, count, rank, n, opt);
          samples[m].push_back(bench::max_over_ranks(world, us));
          // Every mode's result is checked: the first elements, up to 1 Mi of them.
          const size_t out = std::min(recv_count(o, count, n), check.size());
          nc::check_cuda(cudaMemcpy(check.data(), recv, out * sizeof(float), cudaMemcpyDeviceToHost),
                        "cudaMemcpy");
          for (size_t i = 0; i < out; ++i)
            if (check[i] != expected(o, i, count, rank, n)) ++bad;
          nc::check_cuda(cudaMemset(recv, 0, recv_count(o, count, n) * sizeof(float)), "cudaMemset");
        }
      bad = bench::max_over_ranks(world, bad);
      wrong += bad;
      std::vector<double> median(modes.size());
      for (size_t m = 0; m < modes.size(); ++m) {
        std::sort(samples[m].begin(), samples[m].end());
        median[m] = samples[m][samples[m].size() / 2];
      }
      if (world_rank != 0) continue;
      const double size = static_cast<double>(count * sizeof(float));
      for (size_t m = 0; m < modes.size(); ++m) {
        const double algbw = size / (median[m] * 1e-6) / 1e9;
        std::printf("{\"bench\": \"collectives_compare\", \"op\": \"%s\", \"mode\": \"%s\", "
                    "\"ranks\": %d, \"nccl\": \"%s\", \"size\": %.0f, \"rounds\": %d, "
                    "\"iters\": %d, \"time_us\": %.2f, \"min_us\": %.2f, \"max_us\": %.2f, "
                    "\"busbw_GBps\": %.3f, \"wrong\": %d}\n",
                    name(o), modes[m].mode, n, nc::version_string().c_str(), size, opt.rounds,
                    opt.iters, median[m], samples[m].front(), samples[m].back(),
                    algbw * bus_factor(o, n), bad);
      }
      // Medians' ratios, and the best rounds' (min over rounds: less exposed to the machine).
      std::printf("{\"bench\": \"collectives_compare\", \"op\": \"%s\", \"mode\": \"ratio\", "
                  "\"size\": %.0f, \"default_over_blocking\": %.3f, \"nonblocking_over_blocking\": %.3f, "
                  "\"min_default_over_blocking\": %.3f, \"unwatched_over_blocking\": %.3f, "
                  "\"default_over_unwatched\": %.3f}\n",
                  name(o), size, median[0] / median[1], modes.size() > 2 ? median[2] / median[1] : 0.0,
                  samples[0].front() / samples[1].front(),
                  modes.size() > 3 ? median[3] / median[1] : 0.0,
                  modes.size() > 3 ? median[0] / median[3] : 0.0);
      std::fflush(stdout);
    }
  }
  cudaFree(send);
  cudaFree(recv);
  return wrong == 0 ? 0 : 1;
}

// A plain blocking communicator over the whole job, made the way any NCCL program makes one
// (its own unique id, ncclCommInitRankConfig with blocking = 1): nothing of hetgrid's in it.
nc::owned_comm plain_blocking(const nc::bootstrap& boot) {
  ncclUniqueId id{};
  if (boot.rank() == 0) nc::check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_Comm(boot.mpi_world()));
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 1;
  config.commName = "bench:blocking";
  ncclComm_t comm = nullptr;
  nc::check(ncclCommInitRankConfig(&comm, boot.size(), id, boot.rank(), &config),
           "ncclCommInitRankConfig(bench:blocking)");
  return nc::owned_comm(comm);
}

template <class Topology>
int run_compare(const nc::bootstrap& boot, const options& opt) {
  nc::rank_groups<Topology> hetgrid_default(boot);  // its watchdog runs throughout
  split_groups<Topology, nonblocking_tp> old_default(boot);
  nc::owned_comm blocking = plain_blocking(boot);
  nc::owned_stream blocking_stream = nc::make_stream();
  nc::owned_stream unwatched_stream = nc::make_stream();
  const nc::group_comm& tp = hetgrid_default.language()->tp;
  const nc::group_comm& tp_nb = old_default.language()->tp;
  const std::vector<compared> modes{{"default", tp.get(), tp.stream()},
                                    {"blocking", blocking.get(), blocking_stream.get()},
                                    {"nonblocking", tp_nb.get(), tp_nb.stream()},
                                    {"unwatched", tp.get(), unwatched_stream.get()}};
  const int rc = compare(modes, tp.size(), tp.rank(), boot.rank(), opt, boot.mpi_world());
  if (boot.rank() == 0)
    std::printf("{\"bench\": \"collectives_compare\", \"watchdog_running\": %s, "
                "\"watchdog_probes\": %ld}\n",
                hetgrid_default.watcher().running() ? "true" : "false",
                hetgrid_default.watcher().probes());
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  const char* usage = "bench_collectives: usage: bench_collectives [--max-bytes B] [--iters N] "
                      "[--warmup N] [--group world|tp|tp_nonblocking] [--compare] "
                      "[--min-bytes B] [--rounds R]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    bool ok = true;
    if (a == "--compare") {
      opt.compare = true;
      continue;
    }
    if (a == "--max-bytes")  // 8 B (one float per rank) to 64 GiB (more than any GPU here)
      ok = bench::read_number("bench_collectives", a, value, size_t{8}, size_t{64} << 30, opt.max_bytes);
    else if (a == "--min-bytes")
      ok = bench::read_number("bench_collectives", a, value, size_t{8}, size_t{64} << 30, opt.min_bytes);
    else if (a == "--iters")
      ok = bench::read_number("bench_collectives", a, value, 1, 1000000, opt.iters);
    else if (a == "--warmup")
      ok = bench::read_number("bench_collectives", a, value, 0, 1000000, opt.warmup);
    else if (a == "--rounds")
      ok = bench::read_number("bench_collectives", a, value, 1, 1000, opt.rounds);
    else if (a == "--group" && value && (std::string(value) == "world" || std::string(value) == "tp" ||
                                         std::string(value) == "tp_nonblocking"))
      opt.group = value;
    else {
      std::fputs(usage, stderr);
      return 2;
    }
    if (!ok) return 2;
    ++i;
  }
  if (opt.max_bytes == 0) opt.max_bytes = opt.compare ? size_t{64} << 10 : size_t{8} << 30;
  if (opt.min_bytes > opt.max_bytes) {
    std::fputs("bench_collectives: usage: --min-bytes is above --max-bytes\n", stderr);
    return 2;
  }
  if (!nc::gpu_available()) {  // one line, and CTest's SKIP_RETURN_CODE
    std::printf("bench_collectives: SKIPPED: no usable GPU here\n");
    return 77;
  }
  nc::bootstrap boot;
  const auto& world = boot.mpi_world();
  // A run's status, made 1 on every rank where rank 0's JSON lines could not be written.
  const auto written = [&](int status) {
    return bench::results_written(world, "bench_collectives") ? status : 1;
  };
  if (opt.compare) {
    if (boot.size() == 1) return written(run_compare<solo>(boot, opt));
    if (boot.size() == 2) return written(run_compare<pair_tp>(boot, opt));
  }
  auto measure = [&](const auto& groups) {
    return written(run(groups.language()->tp, boot.rank(), opt, world));
  };
  if (boot.size() == 1) {
    if (opt.group == "tp") return measure(split_groups<solo>(boot));
    if (opt.group == "tp_nonblocking") return measure(split_groups<solo, nonblocking_tp>(boot));
    return measure(nc::rank_groups<solo>(boot));  // every group of solo is the world's
  }
  if (boot.size() == 2) {
    if (opt.group == "tp") return measure(split_groups<pair_tp>(boot));
    if (opt.group == "tp_nonblocking") return measure(split_groups<pair_tp, nonblocking_tp>(boot));
    return measure(nc::rank_groups<pair_tp>(boot));  // tp is the whole job: the world's
  }
  if (boot.rank() == 0)
    std::fprintf(stderr, "bench_collectives: world: the job has %d ranks but layouts exist only "
                         "for worlds 1 and 2\n", boot.size());
  return 1;
}

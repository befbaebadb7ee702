// bench_collectives: all-reduce, all-gather, reduce-scatter and send/recv over a communicator
// that hetgrid built, from 8 B to --max-bytes (default 8 GiB), doubling. Warm-up, then timed
// iterations; each size's result is checked in the same run. One JSON line per (op, size), in
// nccl-tests' terms: size (bytes), count (elements), time (us per op), algbw = size / time,
// busbw = algbw x the op's factor (all-reduce 2(n-1)/n, all-gather and reduce-scatter (n-1)/n,
// send/recv 1). Usage: mpirun -np W bench_collectives [--max-bytes B] [--iters N] [--warmup N]
//   [--group world|tp|tp_blocking]   (tp: the language module's tp group, split with the world's
//   reuse off; tp_blocking: the same in NCCL's blocking mode)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <hetgrid/spec_layouts.hpp>
#include <string>
#include <vector>

#include "../bootstrap_mpi/max_over_ranks.hpp"
#include "../options.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;
namespace d = hetgrid::nccl::detail;

namespace {

using solo = hg::layouts::solo::topology;
// Two ranks, one colocated module of tp 2: its tp group holds both.
using pair_tp = hg::topology<2, hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2,
                                                              .tp = 2, .language = true}>>;
constexpr nc::build_options split_path{.reuse_world = false,
                                       .singleton_policy = nc::singletons::eager_split};
// --group tp_blocking: the same group, its communicator in NCCL's blocking mode.
constexpr nc::settings_table blocking_tp =
    nc::settings_table{}.with(hg::group_kind::tp, {.blocking = true});

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
  size_t max_bytes = size_t{8} << 30;
  int iters = 20, warmup = 5;
  std::string group = "world";
};

// Element i of rank r's input: small integers, so float sums are exact.
float input_value(int rank, size_t i) { return static_cast<float>((rank + 1) * (i % 7 + 1)); }

// A non-blocking communicator may answer ncclInProgress: it must finish before the next call.
void issue(ncclResult_t result, ncclComm_t comm, const char* what) {
  d::check(result, what);
  if (result == ncclInProgress) nc::await(comm, 300, what);
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
      d::check(ncclGroupStart(), "ncclGroupStart");
      d::check(ncclSend(send, count, ncclFloat, (rank + 1) % n, comm, stream), "ncclSend");
      d::check(ncclRecv(recv, count, ncclFloat, (rank - 1 + n) % n, comm, stream), "ncclRecv");
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
  float *send = nullptr, *recv = nullptr;
  d::check_cuda(cudaMalloc(&send, max_count * sizeof(float)), "cudaMalloc(send)");
  d::check_cuda(cudaMalloc(&recv, max_count * sizeof(float)), "cudaMalloc(recv)");
  std::vector<float> host(max_count);
  for (size_t i = 0; i < max_count; ++i) host[i] = input_value(rank, i);
  d::check_cuda(cudaMemcpy(send, host.data(), max_count * sizeof(float), cudaMemcpyHostToDevice),
                "cudaMemcpy");
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
      nc::await(comm, 300, "warm-up");
      d::check_cuda(cudaStreamSynchronize(stream), "sync");
      world.barrier();
      cudaEventRecord(start, stream);
      for (int i = 0; i < opt.iters; ++i) launch(o, comm, stream, send, recv, count, rank, n);
      cudaEventRecord(stop, stream);
      nc::await(comm, 300, "timed");
      d::check_cuda(cudaEventSynchronize(stop), "sync");
      float ms = 0;
      cudaEventElapsedTime(&ms, start, stop);
      const double us = bench::max_over_ranks(world, 1000.0 * ms / opt.iters);
      // Check: the last op's output, every element up to 1 Mi, then a stride.
      const size_t out = recv_count(o, count, n);
      d::check_cuda(cudaMemcpy(host.data(), recv, out * sizeof(float), cudaMemcpyDeviceToHost),
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

}  // namespace

int main(int argc, char** argv) {
  options opt;
  const char* usage = "bench_collectives: usage: bench_collectives [--max-bytes B] [--iters N] "
                      "[--warmup N] [--group world|tp|tp_blocking]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    bool ok = true;
    if (a == "--max-bytes")  // 8 B (one float per rank) to 64 GiB (more than any GPU here)
      ok = bench::read_number("bench_collectives", a, value, size_t{8}, size_t{64} << 30, opt.max_bytes);
    else if (a == "--iters")
      ok = bench::read_number("bench_collectives", a, value, 1, 1000000, opt.iters);
    else if (a == "--warmup")
      ok = bench::read_number("bench_collectives", a, value, 0, 1000000, opt.warmup);
    else if (a == "--group" && value && (std::string(value) == "world" || std::string(value) == "tp" ||
                                         std::string(value) == "tp_blocking"))
      opt.group = value;
    else {
      std::fputs(usage, stderr);
      return 2;
    }
    if (!ok) return 2;
    ++i;
  }
  nc::bootstrap boot;
  const auto& world = boot.mpi_world();
  auto measure = [&](const auto& groups) {
    return run(groups.language()->tp, boot.rank(), opt, world);
  };
  if (boot.size() == 1) {
    if (opt.group == "tp") return measure(nc::rank_groups<solo, nc::settings_table{}, split_path>(boot));
    if (opt.group == "tp_blocking") return measure(nc::rank_groups<solo, blocking_tp, split_path>(boot));
    return measure(nc::rank_groups<solo>(boot));  // every group of solo is the world's
  }
  if (boot.size() == 2) {
    if (opt.group == "tp") return measure(nc::rank_groups<pair_tp, nc::settings_table{}, split_path>(boot));
    if (opt.group == "tp_blocking") return measure(nc::rank_groups<pair_tp, blocking_tp, split_path>(boot));
    return measure(nc::rank_groups<pair_tp>(boot));  // tp is the whole job: the world's
  }
  if (boot.rank() == 0)
    std::fprintf(stderr, "bench_collectives: world: the job has %d ranks but layouts exist only "
                         "for worlds 1 and 2\n", boot.size());
  return 1;
}

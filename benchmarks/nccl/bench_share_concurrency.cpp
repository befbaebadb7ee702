// bench_share_concurrency: what split_share serializes. Layout pair_tp at world 2: two groups
// of both ranks with settings of their own (tp, and mp on a high-priority stream), so each is a
// communicator split off the world, sharing NCCL resources (--split-share all) or not (none).
// One all-reduce of BYTES on each, issued back to back on their own streams without waiting:
//   same:           both ranks issue tp, then mp;
//   opposite:       rank 0 issues tp then mp, rank 1 mp then tp;
//   opposite_world: the same with world() (the blocking world, never a sharing one) for mp.
// Prints one JSON line: each operation alone, both issued together (wall time to both done),
// and whether the sums are right. A stall (expected where sharing serializes opposite orders)
// is ended by hetgrid's watchdog after --timeout seconds: its handler prints a JSON line with
// outcome "stalled" and the group, then ends the job (MPI_Abort).
// Usage: mpirun -np 2 bench_share_concurrency --mode same|opposite|opposite_world
//          --split-share none|all [--bytes N] [--timeout S]
// Without a GPU it prints one line and exits 77.
#include <cstdio>
#include <hetgrid/nccl.hpp>
#include <sharing_pair.hpp>
#include <spec_layouts.hpp>
#include <string>
#include <vector>

#include <cli_args.hpp>

#include "../bootstrap_mpi/max_over_ranks.hpp"
#include "../options.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using pair_tp = hg::layouts::pair_tp::topology;

const char* program = "bench_share_concurrency";
std::string mode_name, share_name;
double started_s = 0;

void on_stall(const nc::watchdog_event& event) {
  std::printf("{\"bench\": \"share_concurrency\", \"mode\": \"%s\", \"split_share\": \"%s\", "
              "\"outcome\": \"stalled\", \"group\": \"%s\", \"after_s\": %.3f}\n",
              mode_name.c_str(), share_name.c_str(), event.group.c_str(),
              bench::now_s() - started_s);
  std::fflush(stdout);
  nc::abort_mpi_job(event);
}

struct buffer {
  float* data = nullptr;
  std::size_t count = 0;
  explicit buffer(std::size_t n) : count(n) {
    nc::check_cuda(cudaMalloc(&data, n * sizeof(float)), "cudaMalloc");
  }
  ~buffer() { cudaFree(data); }
  void fill(float value, cudaStream_t stream) const {
    std::vector<float> host(count, value);
    nc::check_cuda(cudaMemcpyAsync(data, host.data(), count * sizeof(float),
                                   cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync");
    nc::check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  }
  bool all(float value) const { return hg::layouts::all_equal(data, count, value); }
};

struct op {
  const nc::group_comm* comm;
  const buffer* buf;
  void issue() const {
    nc::check(ncclAllReduce(buf->data, buf->data, buf->count, ncclFloat, ncclSum, comm->get(),
                            comm->stream()), "ncclAllReduce(" + comm->name() + ")");
  }
  void wait() const {
    nc::check_cuda(cudaStreamSynchronize(comm->stream()), "cudaStreamSynchronize");
  }
};

template <int Share>
int measure(nc::bootstrap& boot, std::size_t count, double timeout_s) {
  using groups_t = nc::rank_groups<pair_tp, hg::layouts::tp_and_mp<Share>>;
  groups_t groups(boot, nc::rank_groups_options{
                            .watch = {.timeout_s = timeout_s, .on_failure = on_stall}});
  const nc::group_comm& tp = groups.language()->tp;
  const nc::group_comm& second =
      mode_name == "opposite_world" ? groups.world() : groups.language()->mp;
  buffer a(count), b(count);
  const op first{&tp, &a}, other{&second, &b};
  const auto& world = boot.mpi_world();
  // Connect both (the first collective of each), then each one alone.
  double alone[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const op& o = i == 0 ? first : other;
    o.issue();
    o.wait();
    world.barrier();
    const double t0 = bench::now_s();
    o.issue();
    o.wait();
    alone[i] = bench::max_over_ranks(world, bench::now_s() - t0);
  }
  a.fill(1.0f + boot.rank(), tp.stream());
  b.fill(10.0f * (1 + boot.rank()), second.stream());
  world.barrier();
  started_s = bench::now_s();
  const bool reversed = mode_name != "same" && boot.rank() == 1;
  (reversed ? other : first).issue();
  (reversed ? first : other).issue();
  first.wait();
  other.wait();
  const double together = bench::max_over_ranks(world, bench::now_s() - started_s);
  const int right = bench::max_over_ranks(world, a.all(3.0f) && b.all(30.0f) ? 0 : 1) == 0;
  if (boot.rank() == 0)
    std::printf("{\"bench\": \"share_concurrency\", \"mode\": \"%s\", \"split_share\": \"%s\", "
                "\"nccl\": \"%s\", \"bytes\": %zu, \"share_parent\": %d, \"outcome\": "
                "\"completed\", \"tp_alone_s\": %.6f, \"%s_alone_s\": %.6f, "
                "\"both_issued_s\": %.6f, \"sum_of_alone_s\": %.6f, \"correct\": %s}\n",
                mode_name.c_str(), share_name.c_str(), nc::version_string().c_str(),
                count * sizeof(float), groups.has_share_parent() ? 1 : 0, alone[0],
                mode_name == "opposite_world" ? "world" : "mp", alone[1], together,
                alone[0] + alone[1], right ? "true" : "false");
  return right ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t bytes = 64u << 20;
  int timeout_s = 10;
  for (int i = 1; i < argc; ++i) {
    const auto [flag, inline_value] = hg::cli::split_flag(argv[i]);
    const char* value =
        inline_value ? inline_value->data() : (i + 1 < argc ? argv[i + 1] : nullptr);
    if (!inline_value && value) ++i;
    if (flag == "--mode" && value) mode_name = value;
    else if (flag == "--split-share" && value) share_name = value;
    else if (flag == "--bytes") {
      if (!bench::read_number<std::size_t>(program, flag, value, 4, std::size_t{1} << 34, bytes))
        return 2;
    } else if (flag == "--timeout") {
      if (!bench::read_number(program, flag, value, 1, 600, timeout_s)) return 2;
    } else {
      std::fprintf(stderr, "%s: usage: --mode same|opposite|opposite_world --split-share "
                           "none|all [--bytes N] [--timeout S]: '%s' is not an option%s\n",
                   program, argv[i], value ? "" : " with a value");
      return 2;
    }
  }
  if (mode_name != "same" && mode_name != "opposite" && mode_name != "opposite_world") {
    std::fprintf(stderr, "%s: usage: --mode is same, opposite or opposite_world, not '%s'\n",
                 program, mode_name.c_str());
    return 2;
  }
  if (share_name != "none" && share_name != "all") {
    std::fprintf(stderr, "%s: usage: --split-share is none or all, not '%s'\n", program,
                 share_name.c_str());
    return 2;
  }
  if (!nc::gpu_available()) {
    std::printf("%s: SKIPPED: no usable GPU here\n", program);
    return 77;
  }
  nc::bootstrap boot;
  if (boot.size() != pair_tp::world) {
    if (boot.rank() == 0)
      std::fprintf(stderr, "%s: world: the job has %d ranks, layout pair_tp needs %d\n", program,
                   boot.size(), pair_tp::world);
    return 1;
  }
  const std::size_t count = bytes / sizeof(float);
  return share_name == "all" ? measure<1>(boot, count, timeout_s)
                             : measure<0>(boot, count, timeout_s);
}

// bench_bootstrap_nccl: for a layout (`solo` at world 1; `pair`, `pair_tp`, `colocated_pair` at
// world 2; by default the world's first), the world communicator's
// time and memory on their own, then create_s, first_collective_s, groups, communicators and the
// GPU memory of the groups (docs/CONTRACT.md section 3), measured as BENCHMARKS.md's reference
// figures were: one JSON line per run.
// Usage: mpirun -np W bench_bootstrap_nccl [--layout NAME] [--variant NAME]   (variants below)
// Without a GPU it prints one line and exits 77 (CTest: skipped).
#include <boost/mpi/collectives.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <string>

#include "../bootstrap_mpi/max_over_ranks.hpp"
#include "gpu_memory.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using solo = hg::layouts::solo::topology;
using pair = hg::layouts::pair::topology;
using pair_tp = hg::layouts::pair_tp::topology;
using colocated_pair = hg::layouts::colocated_pair::topology;

constexpr hg::plan_options eager_no_reuse = nc::split_everything;
constexpr hg::plan_options lazy_no_reuse{.reuse_world = false};
// The memory study: one communicator with fewer channels, or sharing its parent's resources.
constexpr nc::settings_table ctas_1 = nc::settings_table{}.with_slot(0, {.max_ctas = 1});
constexpr nc::settings_table ctas_2 = nc::settings_table{}.with_slot(0, {.max_ctas = 2});
constexpr nc::settings_table ctas_4 = nc::settings_table{}.with_slot(0, {.max_ctas = 4});
constexpr nc::settings_table share = nc::settings_table{}.with_slot(0, {.split_share = 1});
// Latency-bound groups with few channels and a high-priority stream, the rest as NCCL likes.
constexpr nc::settings_table latency_pp =
    nc::settings_table{}
        .with(hg::group_kind::pp, {.high_priority = true, .max_ctas = 2})
        .with_slot(hg::embd_slot, {.high_priority = true, .max_ctas = 2})
        .with_slot(hg::pos_embd_slot, {.high_priority = true, .max_ctas = 2});

float* scratch = nullptr;

void all_reduce_once(ncclComm_t comm, cudaStream_t stream, const char* what) {
  nc::check(ncclAllReduce(scratch, scratch, 1, ncclFloat, ncclSum, comm, stream), what);
  nc::await(comm, nc::default_timeout_s, what);
  nc::check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
}

const char* layout_name = "";

template <class Topology, nc::settings_table Settings, hg::plan_options Options>
void run(nc::bootstrap& boot, const char* variant, double bootstrap_s, double world_mib) {
  const auto& world = boot.mpi_world();
  world.barrier();
  const double mem0 = bench::used_mib();  // world created, its first collective done
  const double t0 = bench::now_s();
  nc::rank_groups<Topology, Settings, Options> groups(boot);
  const double t1 = bench::now_s();
  // One all-reduce on every group this rank is in, in the same order on every rank.
  for (const auto& collection : groups.modules().modules) {
    if (!collection) continue;
    for (int slot = 0; slot < hg::slot_count; ++slot)
      if (const nc::group_comm* comm = collection->slot(slot))
        all_reduce_once(comm->get(), comm->stream(), "first collective");
  }
  const double t2 = bench::now_s();
  const double mem1 = bench::used_mib();
  const double create_s = bench::max_over_ranks(world, t1 - t0);
  const double first_s = bench::max_over_ranks(world, t2 - t1);
  const double groups_mib = bench::max_over_ranks(world, mem1 - mem0);
  const int group_count = bench::max_over_ranks(world, groups.group_count());
  const int communicators = bench::max_over_ranks(world, groups.communicator_count());
  const int created = bench::max_over_ranks(world, groups.created_count());
  const double world_init_s = bench::max_over_ranks(world, boot.world_init_s());
  if (boot.rank() == 0)
    std::printf(
        "{\"bench\": \"bootstrap_nccl\", \"path\": \"hetgrid\", \"layout\": \"%s\", "
        "\"variant\": \"%s\", \"world\": %d, "
        "\"nccl\": \"%s\", \"bootstrap_s\": %.6f, \"world_init_s\": %.6f, \"world_mib\": %.1f, "
        "\"groups\": %d, "
        "\"communicators\": %d, \"created\": %d, \"split_calls\": %d, \"create_s\": %.6f, "
        "\"first_collective_s\": %.6f, \"total_s\": %.6f, \"groups_mib\": %.1f}\n",
        layout_name, variant, boot.size(), nc::version_string().c_str(), bootstrap_s,
        world_init_s, world_mib, group_count,
        communicators, created, groups.split_calls(), create_s, first_s, create_s + first_s,
        groups_mib);
}

template <class Topology>
bool run_variant(nc::bootstrap& boot, const std::string& v, double init_s, double world_mib) {
  if (v == "default") run<Topology, nc::settings_table{}, hg::plan_options{}>(boot, "default", init_s, world_mib);
  else if (v == "no_reuse_eager") run<Topology, nc::settings_table{}, eager_no_reuse>(boot, "no_reuse_eager", init_s, world_mib);
  else if (v == "no_reuse_lazy") run<Topology, nc::settings_table{}, lazy_no_reuse>(boot, "no_reuse_lazy", init_s, world_mib);
  else if (v == "latency_pp") run<Topology, latency_pp, eager_no_reuse>(boot, "latency_pp", init_s, world_mib);
  else if (v == "max_ctas_1") run<Topology, ctas_1, eager_no_reuse>(boot, "max_ctas_1", init_s, world_mib);
  else if (v == "max_ctas_2") run<Topology, ctas_2, eager_no_reuse>(boot, "max_ctas_2", init_s, world_mib);
  else if (v == "max_ctas_4") run<Topology, ctas_4, eager_no_reuse>(boot, "max_ctas_4", init_s, world_mib);
  else if (v == "split_share") run<Topology, share, eager_no_reuse>(boot, "split_share", init_s, world_mib);
  else return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string variant = "default", layout;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--variant") == 0 && i + 1 < argc) {
      variant = argv[++i];
    } else if (std::strcmp(argv[i], "--layout") == 0 && i + 1 < argc) {
      layout = argv[++i];
    } else {
      std::fprintf(stderr, "bench_bootstrap_nccl: usage: bench_bootstrap_nccl [--layout NAME] "
                           "[--variant NAME]\n");
      return 2;
    }
  }
  const int layout_world = layout.empty() ? 0
                           : layout == "solo" ? solo::world
                           : layout == "pair" || layout == "pair_tp" || layout == "colocated_pair"
                               ? pair::world
                               : -1;
  if (layout_world < 0) {
    std::fprintf(stderr, "bench_bootstrap_nccl: usage: --layout %s is not one of solo, pair, "
                         "pair_tp, colocated_pair\n", layout.c_str());
    return 2;
  }
  if (!nc::gpu_available()) {  // one line, and CTest's SKIP_RETURN_CODE
    std::printf("bench_bootstrap_nccl: SKIPPED: no usable GPU here\n");
    return 77;
  }
  // The device the bootstrap will pick (node-local rank), so that no context lands on GPU 0.
  if (const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK")) {
    int devices = 1;
    if (cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0)
      cudaSetDevice(std::atoi(local) % devices);
  }
  const double mem_before = bench::used_mib();
  const double t0 = bench::now_s();
  nc::bootstrap boot;
  cudaMalloc(&scratch, sizeof(float));
  all_reduce_once(boot.nccl_world(), nullptr, "world collective");
  const double init_s = bench::max_over_ranks(boot.mpi_world(), bench::now_s() - t0);
  const double world_mib = bench::max_over_ranks(boot.mpi_world(), bench::used_mib() - mem_before);
  if (layout.empty()) layout = boot.size() == solo::world ? "solo" : "pair";
  layout_name = layout.c_str();
  bool known = false;
  if (layout_world != 0 && layout_world != boot.size()) {
    if (boot.rank() == 0)
      std::fprintf(stderr, "bench_bootstrap_nccl: world: the job has %d ranks but layout %s is "
                           "compiled for a world of %d\n", boot.size(), layout_name, layout_world);
    return 1;
  }
  if (boot.size() == solo::world) known = run_variant<solo>(boot, variant, init_s, world_mib);
  else if (boot.size() != pair::world) {
    if (boot.rank() == 0)
      std::fprintf(stderr, "bench_bootstrap_nccl: world: the job has %d ranks but layouts exist "
                           "only for worlds 1 (solo) and 2 (pair, pair_tp, colocated_pair)\n",
                   boot.size());
    return 1;
  } else if (layout == "pair_tp") known = run_variant<pair_tp>(boot, variant, init_s, world_mib);
  else if (layout == "colocated_pair")
    known = run_variant<colocated_pair>(boot, variant, init_s, world_mib);
  else known = run_variant<pair>(boot, variant, init_s, world_mib);
  cudaFree(scratch);
  if (!known) {
    if (boot.rank() == 0) std::fprintf(stderr, "bench_bootstrap_nccl: usage: unknown variant %s\n", variant.c_str());
    return 2;
  }
  return bench::results_written(boot.mpi_world(), "bench_bootstrap_nccl") ? 0 : 1;
}

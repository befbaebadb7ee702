// bench_bootstrap_nccl: for a layout (`solo` at world 1; `pair`, `pair_tp`, `colocated_pair` at
// world 2; by default the world's first), the world communicator's
// time and memory on their own, then create_s, first_collective_s, groups, communicators and the
// GPU memory of the groups (docs/CONTRACT.md section 3), measured as BENCHMARKS.md's reference
// figures were: one JSON line per run.
// Usage: mpirun -np W bench_bootstrap_nccl [--layout NAME] [--variant NAME]   (variants below)
//          [--split-share none|all|KIND]   (the default and no_reuse_eager variants only)
// --split-share sets comm_settings::split_share = 1 on every slot (all) or on one (a kind's
// name, embd or pos_embd): those groups share NCCL resources (docs/CONTRACT.md section 3).
// Without a GPU it prints one line and exits 77 (CTest: skipped).
#include <boost/mpi/collectives.hpp>
#include <cli_args.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <string>
#include <string_view>
#include <utility>

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
// Sharing (split_share = 1) on every slot, or on one slot alone.
constexpr nc::settings_table share_all = [] {
  nc::settings_table t{};
  for (int slot = 0; slot < hg::slot_count; ++slot) t = t.with_slot(slot, {.split_share = 1});
  return t;
}();
template <int Slot>
constexpr nc::settings_table share_one = nc::settings_table{}.with_slot(Slot, {.split_share = 1});
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
std::string share_name = "none";  // --split-share as given

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
  const int share_parent =
      bench::max_over_ranks(world, groups.has_share_parent() ? 1 : 0);
  if (boot.rank() == 0)
    std::printf(
        "{\"bench\": \"bootstrap_nccl\", \"path\": \"hetgrid\", \"layout\": \"%s\", "
        "\"variant\": \"%s\", \"split_share\": \"%s\", \"share_parent\": %d, "
        "\"world\": %d, "
        "\"nccl\": \"%s\", \"bootstrap_s\": %.6f, \"world_init_s\": %.6f, \"world_mib\": %.1f, "
        "\"groups\": %d, "
        "\"communicators\": %d, \"created\": %d, \"split_calls\": %d, \"create_s\": %.6f, "
        "\"first_collective_s\": %.6f, \"total_s\": %.6f, \"groups_mib\": %.1f}\n",
        layout_name, variant, share_name.c_str(), share_parent, boot.size(),
        nc::version_string().c_str(), bootstrap_s,
        world_init_s, world_mib, group_count,
        communicators, created, groups.split_calls(), create_s, first_s, create_s + first_s,
        groups_mib);
}

// A variant of the default or no_reuse_eager plan with sharing on slot `share` (-1: none,
// slot_count: all).
template <class Topology, hg::plan_options Options, int... Slots>
void run_shared(nc::bootstrap& boot, const char* v, int share, double init_s, double world_mib,
                std::integer_sequence<int, Slots...>) {
  if (share == hg::slot_count) run<Topology, share_all, Options>(boot, v, init_s, world_mib);
  else if (share < 0) run<Topology, nc::settings_table{}, Options>(boot, v, init_s, world_mib);
  else ((share == Slots ? run<Topology, share_one<Slots>, Options>(boot, v, init_s, world_mib)
                        : void()), ...);
}

template <class Topology>
bool run_variant(nc::bootstrap& boot, const std::string& v, int share, double init_s,
                 double world_mib) {
  constexpr auto slots = std::make_integer_sequence<int, hg::slot_count>{};
  if (v == "default")
    run_shared<Topology, hg::plan_options{}>(boot, "default", share, init_s, world_mib, slots);
  else if (v == "no_reuse_eager")
    run_shared<Topology, eager_no_reuse>(boot, "no_reuse_eager", share, init_s, world_mib, slots);
  else if (share >= 0) return false;  // main() refuses this: the other variants set their own
  else if (v == "split_share")  // the former spelling of no_reuse_eager --split-share all
    run<Topology, share_all, eager_no_reuse>(boot, "split_share", init_s, world_mib);
  else if (v == "no_reuse_lazy") run<Topology, nc::settings_table{}, lazy_no_reuse>(boot, "no_reuse_lazy", init_s, world_mib);
  else if (v == "latency_pp") run<Topology, latency_pp, eager_no_reuse>(boot, "latency_pp", init_s, world_mib);
  else if (v == "max_ctas_1") run<Topology, ctas_1, eager_no_reuse>(boot, "max_ctas_1", init_s, world_mib);
  else if (v == "max_ctas_2") run<Topology, ctas_2, eager_no_reuse>(boot, "max_ctas_2", init_s, world_mib);
  else if (v == "max_ctas_4") run<Topology, ctas_4, eager_no_reuse>(boot, "max_ctas_4", init_s, world_mib);
  else return false;
  return true;
}

}  // namespace

// --split-share's value: -1 (none), hg::slot_count (all), a slot's number, or -2 (not one).
int share_slot(std::string_view text) {
  if (text == "none") return -1;
  if (text == "all") return hg::slot_count;
  for (int slot = 0; slot < hg::slot_count; ++slot)
    if (hg::slot_name(slot) == text) return slot;
  return -2;
}

int main(int argc, char** argv) {
  std::string variant = "default", layout;
  int share = -1;
  for (int i = 1; i < argc; ++i) {
    const auto [flag, inline_value] = hg::cli::split_flag(argv[i]);
    const bool known = flag == "--variant" || flag == "--layout" || flag == "--split-share";
    const char* next = !inline_value && i + 1 < argc ? argv[i + 1] : nullptr;
    if (!known || (!inline_value && !next)) {
      std::fprintf(stderr, "bench_bootstrap_nccl: usage: bench_bootstrap_nccl [--layout NAME] "
                           "[--variant NAME] [--split-share none|all|KIND]: '%s' %s\n", argv[i],
                   known ? "needs a value" : "is not an option");
      return 2;
    }
    const std::string value = inline_value ? std::string(*inline_value) : std::string(next);
    if (!inline_value) ++i;
    if (flag == "--variant") variant = value;
    else if (flag == "--layout") layout = value;
    else if ((share = share_slot(value)) == -2) {
      std::fprintf(stderr, "bench_bootstrap_nccl: usage: --split-share %s is not none, all, a "
                           "built-in kind's name, embd or pos_embd (one kind: a table is "
                           "compiled for each)\n", value.c_str());
      return 2;
    }
  }
  if (share != -1 && variant != "default" && variant != "no_reuse_eager") {
    std::fprintf(stderr, "bench_bootstrap_nccl: usage: --split-share %s goes with --variant "
                         "default or no_reuse_eager, not %s (which sets its own settings)\n",
                 share == hg::slot_count ? "all" : std::string(hg::slot_name(share)).c_str(),
                 variant.c_str());
    return 2;
  }
  if (share != -1)
    share_name = share == hg::slot_count ? "all" : std::string(hg::slot_name(share));
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
  if (boot.size() == solo::world)
    known = run_variant<solo>(boot, variant, share, init_s, world_mib);
  else if (boot.size() != pair::world) {
    if (boot.rank() == 0)
      std::fprintf(stderr, "bench_bootstrap_nccl: world: the job has %d ranks but layouts exist "
                           "only for worlds 1 (solo) and 2 (pair, pair_tp, colocated_pair)\n",
                   boot.size());
    return 1;
  } else if (layout == "pair_tp")
    known = run_variant<pair_tp>(boot, variant, share, init_s, world_mib);
  else if (layout == "colocated_pair")
    known = run_variant<colocated_pair>(boot, variant, share, init_s, world_mib);
  else known = run_variant<pair>(boot, variant, share, init_s, world_mib);
  cudaFree(scratch);
  if (!known) {
    if (boot.rank() == 0) std::fprintf(stderr, "bench_bootstrap_nccl: usage: unknown variant %s\n", variant.c_str());
    return 2;
  }
  return bench::results_written(boot.mpi_world(), "bench_bootstrap_nccl") ? 0 : 1;
}

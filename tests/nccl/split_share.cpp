// split_share at two ranks (two GPUs, or two ranks sharing one: NCCL 2.30 with
// NCCL_MULTI_RANK_GPU_ENABLE=1). Layout pair_tp: tp and mp are groups of both ranks; with
// settings of their own each is a communicator split off the world.
//  - split_share 0 on both: two splits, no sharing parent.
//  - split_share 1 on both: a sharing parent and the two children (three splits). Before hetgrid
//    set NCCL's flag on the parent, nothing was shared and this case failed.
//  - either way, an all-reduce on tp, then one on mp, in the same order on both ranks: right sums.
//  - split_share 1 on dp, whose groups are one rank each (made locally): no sharing parent.
// What sharing costs when two ranks use a family in opposite orders (crossed sums, or a stall)
// is measured by bench_share_concurrency, not asserted here: a test must not hang, and the first
// form of this one (opposite orders) hung on two ranks sharing one GPU (BENCHMARKS.md,
// "splitShare").
// Exit 0 pass, 1 fail, 77 skipped (no GPU, one rank, or NCCL would refuse two ranks on a GPU).
#include <cuda_runtime.h>

#include <functional>
#include <cstdio>
#include <hetgrid/nccl.hpp>
#include <sharing_pair.hpp>
#include <spec_layouts.hpp>
#include <vector>

#include "gpu_check.hpp"
#include "nccl_counters.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using pair_tp = hg::layouts::pair_tp::topology;
constexpr nc::settings_table dp_shares =
    nc::settings_table{}.with(hg::group_kind::dp, {.split_share = 1});

int failures = 0;
void expect(bool ok, const char* what, int rank) {
  if (ok) return;
  std::fprintf(stderr, "split_share: rank %d: FAILED: %s\n", rank, what);
  ++failures;
}

template <int Share>
void same_order(const nc::bootstrap& boot) {
  const int rank = boot.rank();
  nccl_counters::reset();
  nc::rank_groups<pair_tp, hg::layouts::tp_and_mp<Share>> groups(boot);
  expect(groups.has_share_parent() == (Share == 1), "a sharing parent exactly where asked", rank);
  expect(nccl_counters::made == (Share == 1 ? 3 : 2), "splits: tp, mp (and the parent)", rank);
  const nc::group_comm& tp = groups.language()->tp;
  const nc::group_comm& mp = groups.language()->mp;
  expect(tp.identity() != mp.identity(), "tp and mp are communicators of their own", rank);

  constexpr std::size_t count = 1 << 20;
  float *a = nullptr, *b = nullptr;
  nc::check_cuda(cudaMalloc(&a, count * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&b, count * sizeof(float)), "cudaMalloc");
  const std::vector<float> mine_a(count, 1.0f + rank), mine_b(count, 10.0f * (1 + rank));
  nc::check_cuda(cudaMemcpy(a, mine_a.data(), count * sizeof(float), cudaMemcpyHostToDevice),
                 "cudaMemcpy");
  nc::check_cuda(cudaMemcpy(b, mine_b.data(), count * sizeof(float), cudaMemcpyHostToDevice),
                 "cudaMemcpy");
  boot.mpi_world().barrier();
  const auto on_tp = [&] {
    nc::check(ncclAllReduce(a, a, count, ncclFloat, ncclSum, tp.get(), tp.stream()), "tp");
  };
  const auto on_mp = [&] {
    nc::check(ncclAllReduce(b, b, count, ncclFloat, ncclSum, mp.get(), mp.stream()), "mp");
  };
  on_tp();  // one at a time, the same order on both ranks: what a sharing family allows
  nc::check_cuda(cudaStreamSynchronize(tp.stream()), "cudaStreamSynchronize(tp)");
  on_mp();
  nc::check_cuda(cudaStreamSynchronize(mp.stream()), "cudaStreamSynchronize(mp)");
  expect(hg::layouts::all_equal(a, count, 3.0f), "tp's sum is right", rank);
  expect(hg::layouts::all_equal(b, count, 30.0f), "mp's sum is right", rank);
  cudaFree(a);
  cudaFree(b);
}

}  // namespace

int main() {
  if (!nc::gpu_available()) return gpu_check::skip("split_share");
  boost::mpi::environment env;
  boost::mpi::communicator world;
  if (world.size() != pair_tp::world)
    return gpu_check::skip("split_share", "needs 2 ranks (layout pair_tp), the job has " +
                                              std::to_string(world.size()));
  if (const std::string why = gpu_check::peer_refusal(world); !why.empty())
    return gpu_check::skip("split_share", why);
  {
    nc::bootstrap boot;
    same_order<0>(boot);
    same_order<1>(boot);
    nc::rank_groups<pair_tp, dp_shares> groups(boot);
    expect(!groups.has_share_parent(), "one-rank groups made locally: no sharing parent",
           boot.rank());
    (void)groups.language()->dp.get();
    failures = gpu_check::verdict("split_share", boot.mpi_world(), failures);
  }
  return failures ? 1 : 0;
}

// split_share at two ranks (two GPUs, or two ranks sharing one: NCCL 2.30 with
// NCCL_MULTI_RANK_GPU_ENABLE=1). Layout pair_tp: tp and mp are groups of both ranks; with
// settings of their own each is a communicator split off the world.
//  - split_share 0 on both: two splits, no sharing parent; an all-reduce on mp completes while
//    tp's stream is held (cuStreamWaitValue32) in front of a tp all-reduce: independent.
//  - split_share 1 on both: a sharing parent and the two children (three splits); mp's
//    all-reduce waits behind tp's (NCCL runs a family's operations in issue order), and both
//    finish right once tp's stream is let go. Before NCCL's flag was set on the parent, sharing
//    never happened and this case failed.
//  - split_share 1 on dp, whose groups are one rank each (made locally): nothing to share, no
//    sharing parent.
// Exit 0 pass, 1 fail, 77 skipped (no GPU, one rank, or NCCL would refuse two ranks on a GPU).
#include <cuda_runtime.h>

#include <chrono>
#include <functional>
#include <cstdio>
#include <hetgrid/nccl.hpp>
#include <spec_layouts.hpp>
#include <thread>
#include <vector>

#include "gpu_check.hpp"
#include "nccl_counters.hpp"
#include "stream_hold.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

using pair_tp = hg::layouts::pair_tp::topology;
template <int Share>
constexpr nc::settings_table tp_and_mp =
    nc::settings_table{}
        .with(hg::group_kind::tp, {.split_share = Share})
        .with(hg::group_kind::mp, {.high_priority = true, .split_share = Share});
constexpr nc::settings_table dp_shares =
    nc::settings_table{}.with(hg::group_kind::dp, {.split_share = 1});

int failures = 0;
void expect(bool ok, const char* what, int rank) {
  if (ok) return;
  std::fprintf(stderr, "split_share: rank %d: FAILED: %s\n", rank, what);
  ++failures;
}

// Polls `stream` for up to `seconds`: whether its work finished.
bool finishes_within(cudaStream_t stream, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (cudaStreamQuery(stream) == cudaSuccess) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cudaStreamQuery(stream) == cudaSuccess;
}

template <int Share>
void tp_held_mp_runs(const nc::bootstrap& boot) {
  const int rank = boot.rank();
  nccl_counters::reset();
  nc::rank_groups<pair_tp, tp_and_mp<Share>> groups(boot);
  expect(groups.has_share_parent() == (Share == 1), "a sharing parent exactly where asked", rank);
  expect(nccl_counters::made == (Share == 1 ? 3 : 2), "splits: tp, mp (and the parent)", rank);
  const nc::group_comm& tp = groups.language()->tp;
  const nc::group_comm& mp = groups.language()->mp;
  expect(tp.identity() != mp.identity(), "tp and mp are communicators of their own", rank);

  constexpr std::size_t count = 1 << 20;
  float *a = nullptr, *b = nullptr;
  unsigned* flag = nullptr;
  nc::check_cuda(cudaMalloc(&a, count * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&b, count * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMalloc(&flag, sizeof(unsigned)), "cudaMalloc");
  nc::check_cuda(cudaMemset(flag, 0, sizeof(unsigned)), "cudaMemset");
  std::vector<float> ones(count, 1.0f + rank);
  nc::check_cuda(cudaMemcpy(a, ones.data(), count * sizeof(float), cudaMemcpyHostToDevice), "cp");
  nc::check_cuda(cudaMemcpy(b, ones.data(), count * sizeof(float), cudaMemcpyHostToDevice), "cp");
  boot.mpi_world().barrier();

  // tp's stream waits for the flag, then its all-reduce; mp's all-reduce is issued after it.
  const CUresult held = stream_hold::wait_value32("split_share")(
      reinterpret_cast<CUstream>(tp.stream()), reinterpret_cast<CUdeviceptr>(flag), 1,
      CU_STREAM_WAIT_VALUE_GEQ);
  expect(held == CUDA_SUCCESS, "cuStreamWaitValue32", rank);
  nc::check(ncclAllReduce(a, a, count, ncclFloat, ncclSum, tp.get(), tp.stream()), "tp");
  nc::check(ncclAllReduce(b, b, count, ncclFloat, ncclSum, mp.get(), mp.stream()), "mp");
  const bool mp_done = finishes_within(mp.stream(), Share == 1 ? 1.0 : 10.0);
  if (Share == 1)
    expect(!mp_done, "sharing: mp's all-reduce waits behind tp's held one", rank);
  else
    expect(mp_done, "no sharing: mp's all-reduce finishes while tp is held", rank);
  const unsigned one = 1;
  nc::check_cuda(cudaMemcpy(flag, &one, sizeof one, cudaMemcpyHostToDevice), "release the flag");
  expect(finishes_within(tp.stream(), 30.0) && finishes_within(mp.stream(), 30.0),
         "both finish once tp is let go", rank);
  std::vector<float> back(count);
  for (float* buf : {a, b}) {
    nc::check_cuda(cudaMemcpy(back.data(), buf, count * sizeof(float), cudaMemcpyDeviceToHost),
                   "cudaMemcpy");
    bool right = true;
    for (float v : back) right = right && v == 3.0f;
    expect(right, "sums are 1 + 2", rank);
  }
  cudaFree(a);
  cudaFree(b);
  cudaFree(flag);
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
    tp_held_mp_runs<0>(boot);
    tp_held_mp_runs<1>(boot);
    nc::rank_groups<pair_tp, dp_shares> groups(boot);
    expect(!groups.has_share_parent(), "one-rank groups made locally: no sharing parent",
           boot.rank());
    (void)groups.language()->dp.get();
    const int all = boost::mpi::all_reduce(boot.mpi_world(), failures, std::plus<int>());
    if (boot.rank() == 0)
      std::printf("split_share: %s (%d failures over both ranks)\n", all ? "FAILED" : "passed",
                  all);
    failures = all;
  }
  return failures ? 1 : 0;
}

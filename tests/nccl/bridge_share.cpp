// hetgrid::nccl::bridge at two ranks (two GPUs, or two ranks sharing one: NCCL 2.30 with
// NCCL_MULTI_RANK_GPU_ENABLE=1), on share groups no slot of the layout holds: cp = 2 makes the
// language model's share group both ranks while its tp group is one, so the bridge splits one
// communicator off at construction (every rank takes part in the split), broadcasts on it and
// destroys it with itself; with bridge::share_kind added it makes none; a colocated pair whose
// two share groups are the same ranks gets one for both ways. Rows arrive as the plan says, both
// ways, on every rank of the receiving share group.
// Exit 0 pass, 1 fail, 77 skipped (no GPU, not 2 ranks, or NCCL would refuse two on a GPU).
#include <cuda_runtime.h>

#include <cstdio>
#include <hetgrid/nccl.hpp>
#include <hetgrid/nccl/bridge.hpp>
#include <span>
#include <string>
#include <vector>

#include "gpu_check.hpp"
#include "nccl_counters.hpp"

namespace hg = hetgrid;
namespace nc = hetgrid::nccl;

namespace {

constexpr int global_batch = 4, row = 3;
int failures = 0;

void expect(bool ok, const std::string& what, int rank) {
  if (ok) return;
  std::fprintf(stderr, "bridge_share: rank %d: FAILED: %s\n", rank, what.c_str());
  ++failures;
}

// This rank's rows at one end (its dp replica's samples), element c of sample s marked.
std::vector<float> batch_of(const hg::grid& g, int rank, int mark) {
  const int n = global_batch / g.dp, first = g.coords(rank).dp * n;
  std::vector<float> b(static_cast<std::size_t>(n * row));
  for (int i = 0; i < n * row; ++i) b[i] = mark * 1000.0f + (first + i / row) * 10.0f + i % row;
  return b;
}

// A device copy of `host`.
float* on_device(const std::vector<float>& host) {
  float* d = nullptr;
  nc::check_cuda(cudaMalloc(&d, host.size() * sizeof(float)), "cudaMalloc");
  nc::check_cuda(cudaMemcpy(d, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice),
                 "cudaMemcpy");
  return d;
}
std::vector<float> on_host(const float* d, std::size_t n) {
  std::vector<float> h(n);
  nc::check_cuda(cudaMemcpy(h.data(), d, n * sizeof(float), cudaMemcpyDeviceToHost),
                 "cudaMemcpy");
  return h;
}

template <class Topology, class S, class D>
void case_of(const nc::bootstrap& boot, const char* name, int expected_made, int mark) {
  using bridge_t = nc::bridge<Topology, S, D>;
  const hg::grid& src = bridge_t::plan.source();
  const hg::grid& dst = bridge_t::plan.destination();
  const int rank = boot.rank();
  const std::string at = std::string(name) + ": ";
  nc::rank_groups<Topology> groups(boot);
  cudaStream_t stream = nullptr;
  nc::check_cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "stream");
  const std::vector<float> src_out = src.is_last_stage(rank) ? batch_of(src, rank, mark)
                                                             : std::vector<float>{};
  const std::vector<float> dst_out = dst.is_first_stage(rank) ? batch_of(dst, rank, mark + 1)
                                                              : std::vector<float>{};
  float* so = on_device(src_out);
  float* si = on_device(std::vector<float>(src_out.size(), -1.0f));
  float* dox = on_device(dst_out);
  float* di = on_device(std::vector<float>(dst_out.size(), -1.0f));
  nccl_counters::reset();
  {
    const bridge_t bridge(groups, row);
    expect(nccl_counters::made == expected_made, at + "communicators the bridge split off", rank);
    expect(bridge.created_count() == expected_made, at + "created_count()", rank);
    bridge.forward(std::span<const float>(so, src_out.size()), std::span<float>(di, dst_out.size()),
                   stream);
    bridge.backward(std::span<const float>(dox, dst_out.size()),
                    std::span<float>(si, src_out.size()), stream);
    nc::check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    expect(on_host(di, dst_out.size()) == batch_of(dst, rank, mark), at + "forward rows", rank);
    expect(on_host(si, src_out.size()) == batch_of(src, rank, mark + 1), at + "backward rows",
           rank);
  }
  expect(nccl_counters::released == expected_made, at + "the bridge destroys what it made", rank);
  for (float* p : {so, si, dox, di}) cudaFree(p);
  cudaStreamDestroy(stream);
}

// Both modules on both ranks. cp_pair: images dp 2 fan into language cp 2 (its share group both
// ranks, tp one; images' share groups are one rank each). both_cp: cp 2 on both sides, the
// share group both ranks both ways.
using cp_pair = hg::topology<
    2, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .cp = 2, .language = true}>>;
using both_cp = hg::topology<
    2, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2, .cp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .cp = 2, .language = true}>>;
template <class T>
using first_of = hg::module_grid<T::specs[0]>;
template <class T>
using second_of = hg::module_grid<T::specs[1]>;

}  // namespace

int main() {
  if (!nc::gpu_available()) return gpu_check::skip("bridge_share");
  boost::mpi::environment env;
  boost::mpi::communicator world;
  if (world.size() != 2)
    return gpu_check::skip("bridge_share",
                           "needs 2 ranks, the job has " + std::to_string(world.size()));
  if (const std::string why = gpu_check::peer_refusal(world); !why.empty())
    return gpu_check::skip("bridge_share", why);
  {
    nc::bootstrap boot;
    case_of<cp_pair, first_of<cp_pair>, second_of<cp_pair>>(boot, "cp 2, no slot", 1, 1);
    using mine = cp_pair::with_kinds<hg::bridge::share_kind>;
    case_of<mine, first_of<cp_pair>, second_of<cp_pair>>(boot, "share_kind added", 0, 3);
    case_of<both_cp, first_of<both_cp>, second_of<both_cp>>(boot, "cp 2 both ways", 1, 5);
    failures = gpu_check::verdict("bridge_share", boot.mpi_world(), failures);
  }
  return failures ? 1 : 0;
}

// The bootstrap with more ranks on a node than NCCL lets its GPUs take.
//   shared_gpu_refused rule   (no GPU needed): gpu_sharing_refusal()'s answers, NCCL versions
//     and NCCL_MULTI_RANK_GPU_ENABLE given.
//   mpirun -np 2 shared_gpu_refused   (one node): both ranks on one GPU (CUDA_VISIBLE_DEVICES=0),
//     on NCCL before 2.30 as loaded, or with NCCL_MULTI_RANK_GPU_ENABLE unset on 2.30 or newer:
//     every rank's bootstrap throws one error naming the host and both counts, quickly, never
//     NCCL's "Duplicate GPU detected" or a hang. Exit 77, with a line saying why, without a GPU
//     or where the ranks are on different hosts.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hetgrid/nccl.hpp>
#include <string>

#include "gpu_check.hpp"

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  std::printf("shared_gpu_refused: %s: %s\n", ok ? "ok" : "FAILED", what.c_str());
  if (!ok) ++failures;
}
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

int rule() {
  using hetgrid::nccl::gpu_sharing_refusal;
  unsetenv("NCCL_MULTI_RANK_GPU_ENABLE");
  expect(gpu_sharing_refusal(1, 1, 22803).empty(), "one rank a GPU: always");
  expect(gpu_sharing_refusal(2, 2, 22803).empty(), "two ranks, two GPUs: always");
  const std::string old = gpu_sharing_refusal(2, 1, 22803);
  expect(has(old, "NCCL 2.28.3 allows one rank a GPU"), "2 on 1 GPU, NCCL 2.28.3: " + old);
  const std::string unset = gpu_sharing_refusal(2, 1, 23007);
  expect(has(unset, "NCCL_MULTI_RANK_GPU_ENABLE=1") && has(unset, "unset"),
         "2 on 1 GPU, NCCL 2.30.7, variable unset: " + unset);
  setenv("NCCL_MULTI_RANK_GPU_ENABLE", "0", 1);
  const std::string zero = gpu_sharing_refusal(2, 1, 23007);
  expect(has(zero, "'0'"), "2 on 1 GPU, NCCL 2.30.7, variable 0: " + zero);
  setenv("NCCL_MULTI_RANK_GPU_ENABLE", "1", 1);
  expect(gpu_sharing_refusal(2, 1, 23007).empty(), "2 on 1 GPU, NCCL 2.30.7, variable 1");
  expect(!gpu_sharing_refusal(2, 1, 22803).empty(), "2 on 1 GPU, NCCL 2.28.3, variable 1");
  const std::string three = gpu_sharing_refusal(3, 1, 23007);
  expect(has(three, "at most 2"), "3 on 1 GPU, NCCL 2.30.7: " + three);
  expect(gpu_sharing_refusal(4, 2, 23007).empty(), "4 on 2 GPUs, NCCL 2.30.7, variable 1");
  expect(has(gpu_sharing_refusal(1, 0, 23007), "no GPU"), "no GPU");
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "rule") == 0) return rule();
  setenv("CUDA_VISIBLE_DEVICES", "0", 1);  // before CUDA starts: one GPU for both ranks
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int usable = hetgrid::nccl::gpu_available() ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &usable, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  const int on_node = hetgrid::nccl::detail::node_local(boost::mpi::communicator()).size;
  std::string why = !usable ? "no usable GPU here" : on_node < 2 ? "the ranks are on different "
                                                                   "hosts: no GPU to share" : "";
  if (!why.empty()) {
    MPI_Finalize();
    return rank == 0 ? gpu_check::skip("shared_gpu_refused", why) : gpu_check::skip_code;
  }
  const bool new_nccl = hetgrid::nccl::version() >= hetgrid::nccl::multi_rank_gpu_version;
  if (new_nccl) unsetenv("NCCL_MULTI_RANK_GPU_ENABLE");  // 2.30: refused without the variable
  char host[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(host, &length);
  const auto t0 = std::chrono::steady_clock::now();
  std::string message;
  try {
    hetgrid::nccl::bootstrap boot(hetgrid::nccl::bootstrap_options{.timeout_s = 20});
    message = "(no error: the world communicator was made)";
  } catch (const hetgrid::nccl::error& e) {
    message = e.what();
  }
  const double took_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string who = "rank " + std::to_string(rank) + ", NCCL " +
                          hetgrid::nccl::version_string() + ": ";
  expect(has(message, std::string("host ") + host), who + "names the host: " + message);
  expect(has(message, std::to_string(size) + " ranks but 1 GPU"), who + "names both counts");
  expect(has(message, new_nccl ? "NCCL_MULTI_RANK_GPU_ENABLE=1" : "allows one rank a GPU"),
         who + (new_nccl ? "says the variable is missing" : "says the version is too old"));
  expect(!has(message, "Duplicate GPU"), who + "not NCCL's own error");
  expect(took_s < 5, who + "within 5 s (" + std::to_string(took_s) + " s)");
  MPI_Finalize();
  return failures == 0 ? 0 : 1;
}

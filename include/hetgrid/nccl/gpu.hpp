// hetgrid/nccl/gpu.hpp: what this process can use: NCCL's version, whether a GPU is there, and
// whether NCCL lets a node's ranks share its GPUs.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace hetgrid::nccl {

// NCCL's version code of the library loaded at run time (not the headers'): 23007 for 2.30.7.
inline int version() {
  int v = 0;
  ncclGetVersion(&v);
  return v;
}

// "2.28.3" from NCCL's version code (by default the loaded library's).
inline std::string version_string(int v = version()) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
}

// Whether this process has a GPU to use. Without one, cudaGetDeviceCount returns an error rather
// than 0: both mean none. A program asks before its bootstrap, to skip or to say so.
inline bool gpu_available() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

// The first NCCL that lets two ranks share a GPU, with NCCL_MULTI_RANK_GPU_ENABLE=1.
inline constexpr int multi_rank_gpu_version = 23000;

// Why `ranks` processes of one node cannot share its `gpus` GPUs, or "" where they can: one
// rank a GPU always works; two a GPU only on NCCL 2.30 or newer with
// NCCL_MULTI_RANK_GPU_ENABLE=1 (NCCL itself would stop at "Duplicate GPU detected").
inline std::string gpu_sharing_refusal(int ranks, int gpus, int nccl_version = version()) {
  if (ranks <= gpus) return "";
  if (gpus < 1) return "no GPU";
  if (ranks > 2 * gpus) return "NCCL lets at most 2 ranks share a GPU";
  const std::string loaded = "NCCL " + version_string(nccl_version);
  if (nccl_version < multi_rank_gpu_version)
    return loaded + " allows one rank a GPU (2.30 or newer lets two share one with "
                    "NCCL_MULTI_RANK_GPU_ENABLE=1)";
  const char* enabled = std::getenv("NCCL_MULTI_RANK_GPU_ENABLE");
  if (enabled == nullptr || std::strcmp(enabled, "1") != 0)
    return loaded + " lets two ranks share a GPU only with NCCL_MULTI_RANK_GPU_ENABLE=1, which "
                    "is " + (enabled == nullptr ? std::string("unset") :
                             "'" + std::string(enabled) + "'");
  return "";
}

}  // namespace hetgrid::nccl

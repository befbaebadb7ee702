// hetgrid/nccl/split.hpp: one ncclCommSplit bounded by a deadline, for the bootstrap's blocking
// twin and the backend's split rounds.
#pragma once

#include <nccl.h>

#include <string>

#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/handle.hpp"
#include "hetgrid/nccl/polling.hpp"

namespace hetgrid::nccl::detail {

// One ncclCommSplit off a non-blocking `parent` (the bootstrap's split_parent()), bounded by
// `deadline`: the split may fill in the child only as the parent's part completes, so the parent
// is polled (and left alone on failure: it is not ours), then the child. Returns the child,
// owned; empty for a negative colour (NCCL_SPLIT_NOCOLOR: no group for this rank).
inline owned_comm split_bounded(ncclComm_t parent, int color, int key, ncclConfig_t& config,
                                clock::time_point deadline, double timeout_s,
                                const std::string& what) {
  ncclComm_t child = nullptr;
  check(ncclCommSplit(parent, color < 0 ? NCCL_SPLIT_NOCOLOR : color, key, &child, &config),
        "ncclCommSplit(" + what + ")");
  await_ready(parent, deadline, "world (splitting " + what + ")", timeout_s, false);
  await_ready(child, deadline, what, timeout_s);
  if (color >= 0 && child == nullptr)
    throw error(ncclInternalError, "nccl: ncclCommSplit(" + what + ") gave no communicator");
  return owned_comm(child);
}

}  // namespace hetgrid::nccl::detail

// Counts the communicators made and released, through NCCL's profiling names: the program's
// ncclCommSplit / ncclCommInitRankConfig / ncclCommDestroy / ncclCommAbort forward to pnccl*.
#pragma once

#include <nccl.h>

namespace nccl_counters {
inline int made = 0;      // communicators returned by a split or an init
inline int released = 0;  // destroyed or aborted
inline void reset() { made = released = 0; }
}  // namespace nccl_counters

extern "C" ncclResult_t ncclCommSplit(ncclComm_t comm, int color, int key, ncclComm_t* newcomm,
                                      ncclConfig_t* config) {
  // Non-blocking: *newcomm may be written only later, so count the calls that ask for one.
  const ncclResult_t result = pncclCommSplit(comm, color, key, newcomm, config);
  if ((result == ncclSuccess || result == ncclInProgress) && color != NCCL_SPLIT_NOCOLOR)
    ++nccl_counters::made;
  return result;
}

extern "C" ncclResult_t ncclCommInitRankConfig(ncclComm_t* comm, int nranks, ncclUniqueId id,
                                               int rank, ncclConfig_t* config) {
  const ncclResult_t result = pncclCommInitRankConfig(comm, nranks, id, rank, config);
  if (result == ncclSuccess || result == ncclInProgress) ++nccl_counters::made;
  return result;
}

extern "C" ncclResult_t ncclCommDestroy(ncclComm_t comm) {
  ++nccl_counters::released;
  return pncclCommDestroy(comm);
}

extern "C" ncclResult_t ncclCommAbort(ncclComm_t comm) {
  ++nccl_counters::released;
  return pncclCommAbort(comm);
}

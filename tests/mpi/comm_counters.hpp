// Counts the communicators hetgrid creates and frees, through MPI's profiling interface: the
// program's MPI_Comm_split / MPI_Comm_create_group / MPI_Comm_free replace the library's and
// forward to PMPI_*.
#pragma once

#include <mpi.h>

namespace comm_counters {
inline int splits = 0;         // MPI_Comm_split calls
inline int create_groups = 0;  // MPI_Comm_create_group calls
inline int created = 0;        // of both, those that returned a communicator
inline int freed = 0;          // MPI_Comm_free calls
inline void reset() { splits = create_groups = created = freed = 0; }
}  // namespace comm_counters

extern "C" int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* out) {
  ++comm_counters::splits;
  const int rc = PMPI_Comm_split(comm, color, key, out);
  if (rc == MPI_SUCCESS && *out != MPI_COMM_NULL) ++comm_counters::created;
  return rc;
}

extern "C" int MPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm* out) {
  ++comm_counters::create_groups;
  const int rc = PMPI_Comm_create_group(comm, group, tag, out);
  if (rc == MPI_SUCCESS && *out != MPI_COMM_NULL) ++comm_counters::created;
  return rc;
}

extern "C" int MPI_Comm_free(MPI_Comm* comm) {
  ++comm_counters::freed;
  return PMPI_Comm_free(comm);
}

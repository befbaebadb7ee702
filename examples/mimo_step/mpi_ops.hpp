// examples/mimo_step/mpi_ops.hpp: the MPI backend, over the Boost.MPI communicators that
// hetgrid::mpi::rank_groups builds (their raw MPI_Comm; the float buffers need no serialization).
// Its buffers are host memory and its arithmetic host loops (host_math.hpp).
#pragma once

#include <boost/mpi/communicator.hpp>
#include <hetgrid/mpi.hpp>
#include <string>
#include <vector>

#include "comm_ops.hpp"
#include "host_math.hpp"

namespace mimo_step {

class mpi_ops {
 public:
  explicit mpi_ops(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_size(comm_, &size_);
    MPI_Comm_rank(comm_, &rank_);
  }
  int size() const { return size_; }
  int rank() const { return rank_; }

  void all_reduce_sum(float* data, int n) {
    MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_FLOAT, MPI_SUM, comm_);
  }
  void broadcast(float* data, int n, int root) { MPI_Bcast(data, n, MPI_FLOAT, root, comm_); }
  // Non-blocking, so that a rank may send to itself (colocated) or both ways before waiting.
  void send(float* data, int n, int peer) {
    MPI_Isend(data, n, MPI_FLOAT, peer, 0, comm_, &pending_.emplace_back());
  }
  void recv(float* data, int n, int peer) {
    MPI_Irecv(data, n, MPI_FLOAT, peer, 0, comm_, &pending_.emplace_back());
  }
  void wait() {
    MPI_Waitall(static_cast<int>(pending_.size()), pending_.data(), MPI_STATUSES_IGNORE);
    pending_.clear();
  }

 private:
  MPI_Comm comm_;
  int size_ = 0, rank_ = 0;
  std::vector<MPI_Request> pending_;
};

// Builds this rank's communicators with hetgrid (throws hetgrid::topology_error for a world of
// the wrong size, on every rank) and hands them out as mpi_ops.
template <class Topology>
class mpi_backend {
 public:
  using ops = mpi_ops;

  explicit mpi_backend(const boost::mpi::communicator& world) : groups_(world) {}

  ops group(int module, int slot) const {
    return ops(MPI_Comm(held_communicator(groups_, module, slot)));
  }
  ops world() const { return ops(MPI_Comm(groups_.world())); }
  host_math math() const { return {}; }
  std::string description() const { return "mpi"; }

 private:
  hetgrid::mpi::rank_groups<Topology> groups_;
};

static_assert(comm_ops<mpi_ops>);

}  // namespace mimo_step

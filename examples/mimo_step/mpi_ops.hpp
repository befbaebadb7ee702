// examples/mimo_step/mpi_ops.hpp: the MPI backend, over the Boost.MPI communicators that
// hetgrid::mpi::rank_groups builds (their raw MPI_Comm; the float buffers need no serialization),
// every call watched by hetgrid's MPI watchdog through watched_comm.
// Its buffers are host memory and its arithmetic host loops (host_math.hpp).
#pragma once

#include <boost/mpi/communicator.hpp>
#include <hetgrid/mpi.hpp>
#include <hetgrid/mpi/bridge.hpp>
#include <string>
#include <vector>

#include "comm_ops.hpp"
#include "host_math.hpp"

namespace mimo_step {

class mpi_ops {
 public:
  explicit mpi_ops(const hetgrid::mpi::watched_comm& comm) : comm_(&comm) {
    MPI_Comm_size(comm_->get(), &size_);
    MPI_Comm_rank(comm_->get(), &rank_);
  }
  int size() const { return size_; }
  int rank() const { return rank_; }

  // Each call runs watched: one that outlives the timeout ends the rank naming the group.
  void all_reduce_sum(float* data, int n) {
    comm_->run("MPI_Allreduce", [&] {
      return MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_FLOAT, MPI_SUM, comm_->get());
    });
  }
  void broadcast(float* data, int n, int root) {
    comm_->run("MPI_Bcast", [&] { return MPI_Bcast(data, n, MPI_FLOAT, root, comm_->get()); });
  }
  // Non-blocking, so that a rank may send to itself (colocated) or both ways before waiting.
  void send(float* data, int n, int peer) {
    comm_->run("MPI_Isend", [&] {
      return MPI_Isend(data, n, MPI_FLOAT, peer, 0, comm_->get(), &pending_.emplace_back());
    });
  }
  void recv(float* data, int n, int peer) {
    comm_->run("MPI_Irecv", [&] {
      return MPI_Irecv(data, n, MPI_FLOAT, peer, 0, comm_->get(), &pending_.emplace_back());
    });
  }
  void wait() {
    comm_->run("MPI_Waitall (sends and receives)", [&] {
      return MPI_Waitall(static_cast<int>(pending_.size()), pending_.data(), MPI_STATUSES_IGNORE);
    });
    pending_.clear();
  }

 private:
  const hetgrid::mpi::watched_comm* comm_;  // rank_groups' own: it outlives the step
  int size_ = 0, rank_ = 0;
  std::vector<MPI_Request> pending_;
};

// Builds this rank's communicators with hetgrid (throws hetgrid::topology_error for a world of
// the wrong size, on every rank) and hands them out as mpi_ops, watched with `timeout_s`.
template <class Topology>
class mpi_backend {
 public:
  using ops = mpi_ops;

  mpi_backend(const boost::mpi::communicator& world, double timeout_s)
      : groups_(world, options(timeout_s)) {}

  ops group(int module, int slot) const {
    held_communicator(groups_, module, slot);  // throws where the rank holds none
    return ops(*groups_.watched(module, slot));
  }
  ops world() const { return ops(groups_.watched_world()); }
  // hetgrid's bridge from module S to module D over these groups, rows of `row` floats.
  template <class S, class D>
  struct bridge : hetgrid::mpi::bridge<Topology, S, D> {
    bridge(const mpi_backend& b, std::size_t row)
        : hetgrid::mpi::bridge<Topology, S, D>(b.groups_, row) {}
  };
  const hetgrid::mpi::watched_comm& watched_world() const { return groups_.watched_world(); }
  host_math math() const { return {}; }
  std::string description() const { return "mpi"; }

 private:
  static hetgrid::mpi::rank_groups_options options(double timeout_s) {
    hetgrid::mpi::rank_groups_options o;
    o.watch.timeout_s = timeout_s;
    return o;
  }

  hetgrid::mpi::rank_groups<Topology> groups_;
};

static_assert(comm_ops<mpi_ops>);

}  // namespace mimo_step

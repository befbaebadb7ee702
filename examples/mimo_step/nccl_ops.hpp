// examples/mimo_step/nccl_ops.hpp: the NCCL backend, over the communicators that
// hetgrid::nccl::rank_groups builds. The model lives in host memory, so every call stages its
// floats through one device buffer and returns only when the result is back on the host.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <boost/mpi/communicator.hpp>
#include <cstddef>
#include <hetgrid/nccl.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "comm_ops.hpp"

namespace mimo_step {

// Without a GPU, cudaGetDeviceCount returns an error rather than 0: both mean none.
inline bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

// Device memory the host buffers pass through: allocated once, grown when a call needs more.
class staging_buffer {
 public:
  staging_buffer() = default;
  staging_buffer(const staging_buffer&) = delete;
  staging_buffer& operator=(const staging_buffer&) = delete;
  ~staging_buffer() {
    if (data_ != nullptr) cudaFree(data_);
  }

  // @post at least n floats; earlier contents are lost (every call syncs before returning).
  float* reserve(std::size_t n) {
    if (n <= capacity_) return data_;
    if (data_ != nullptr) cudaFree(std::exchange(data_, nullptr));
    capacity_ = 0;
    hetgrid::nccl::detail::check_cuda(cudaMalloc(&data_, n * sizeof(float)), "cudaMalloc");
    capacity_ = n;
    return data_;
  }

 private:
  float* data_ = nullptr;
  std::size_t capacity_ = 0;
};

class nccl_ops {
 public:
  nccl_ops(ncclComm_t comm, cudaStream_t stream, int rank, int size, staging_buffer* staging)
      : comm_(comm), stream_(stream), rank_(rank), size_(size), staging_(staging) {}
  int size() const { return size_; }
  int rank() const { return rank_; }

  void all_reduce_sum(float* data, int n) {
    float* d = to_device(data, n);
    issue(ncclAllReduce(d, d, n, ncclFloat, ncclSum, comm_, stream_), "ncclAllReduce");
    to_host(data, d, n);
    finish();
  }
  void broadcast(float* data, int n, int root) {
    float* d = to_device(data, n);  // only the root's copy matters; the rest is overwritten
    issue(ncclBroadcast(d, d, n, ncclFloat, root, comm_, stream_), "ncclBroadcast");
    to_host(data, d, n);
    finish();
  }
  // Only recorded: wait() issues all of them in one NCCL group, so that a rank may send to
  // itself (colocated) or both ways without deadlock, as the MPI backend's Isend / Irecv do.
  void send(float* data, int n, int peer) { pending_.push_back({data, n, peer, true}); }
  void recv(float* data, int n, int peer) { pending_.push_back({data, n, peer, false}); }
  void wait() {
    if (pending_.empty()) return;
    std::size_t total = 0;
    for (const message& m : pending_) total += static_cast<std::size_t>(m.n);
    float* d = staging_->reserve(total == 0 ? 1 : total);
    std::size_t at = 0;
    for (const message& m : pending_) {  // each message gets its own slice of the buffer
      if (m.outgoing) copy(d + at, m.data, m.n, cudaMemcpyHostToDevice);
      at += static_cast<std::size_t>(m.n);
    }
    check(ncclGroupStart(), "ncclGroupStart");
    at = 0;
    for (const message& m : pending_) {
      if (m.outgoing)
        check(ncclSend(d + at, m.n, ncclFloat, m.peer, comm_, stream_), "ncclSend");
      else
        check(ncclRecv(d + at, m.n, ncclFloat, m.peer, comm_, stream_), "ncclRecv");
      at += static_cast<std::size_t>(m.n);
    }
    issue(ncclGroupEnd(), "ncclGroupEnd");
    at = 0;
    for (const message& m : pending_) {
      if (!m.outgoing) copy(m.data, d + at, m.n, cudaMemcpyDeviceToHost);
      at += static_cast<std::size_t>(m.n);
    }
    pending_.clear();
    finish();
  }

 private:
  struct message {
    float* data;
    int n;
    int peer;
    bool outgoing;
  };

  static void check(ncclResult_t result, const char* what) {
    hetgrid::nccl::detail::check(result, std::string("mimo_step: ") + what);
  }
  // A non-blocking communicator takes no next call before the last one has finished.
  void issue(ncclResult_t result, const char* what) {
    check(result, what);
    hetgrid::nccl::await(comm_, 300.0, what);
  }
  // On the group's stream, not the default one: that stream does not wait for the default one.
  void copy(void* to, const void* from, int n, cudaMemcpyKind kind) {
    hetgrid::nccl::detail::check_cuda(
        cudaMemcpyAsync(to, from, static_cast<std::size_t>(n) * sizeof(float), kind, stream_),
        "cudaMemcpyAsync");
  }
  float* to_device(const float* data, int n) {
    float* d = staging_->reserve(n > 0 ? static_cast<std::size_t>(n) : 1);
    copy(d, data, n, cudaMemcpyHostToDevice);
    return d;
  }
  void to_host(float* data, const float* d, int n) { copy(data, d, n, cudaMemcpyDeviceToHost); }
  void finish() {
    hetgrid::nccl::detail::check_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }

  ncclComm_t comm_;
  cudaStream_t stream_;
  int rank_ = 0, size_ = 0;
  staging_buffer* staging_;  // the backend's; every call is done with it when it returns
  std::vector<message> pending_;
};

// The bootstrap (MPI up, one GPU per node-local rank, the world NCCL communicator) and
// hetgrid's groups over it, handed out as nccl_ops. A world of the wrong size throws
// hetgrid::topology_error on every rank before any GPU is touched.
template <class Topology>
class nccl_backend {
 public:
  using ops = nccl_ops;

  explicit nccl_backend(const boost::mpi::communicator& world)
      : checked_(check(world)), groups_(boot_), world_stream_(0) {}
  nccl_backend(const nccl_backend&) = delete;  // ops point at staging_
  nccl_backend& operator=(const nccl_backend&) = delete;

  ops group(int module, int slot) {
    const auto* collection = groups_.modules().module(module);
    const hetgrid::nccl::group_comm* comm = collection ? collection->slot(slot) : nullptr;
    if (comm == nullptr)
      throw std::logic_error("mimo_step: this rank holds no " +
                             std::string(hetgrid::slot_name(slot)) + " group of module " +
                             std::to_string(module));
    return ops(comm->get(), comm->stream(), comm->rank(), comm->size(), &staging_);
  }
  ops world() {
    return ops(boot_.nccl_world(), world_stream_.get(), boot_.rank(), boot_.size(), &staging_);
  }
  std::string description() const {
    return "nccl (NCCL " + hetgrid::nccl::version_string() + ", device " +
           std::to_string(boot_.device()) + " on the reporting rank)";
  }

 private:
  static bool check(const boost::mpi::communicator& world) {
    hetgrid::check_world_size(world.size(), Topology::world);
    return true;
  }

  bool checked_;  // first: the size check runs before the bootstrap makes any communicator
  hetgrid::nccl::bootstrap boot_;
  hetgrid::nccl::rank_groups<Topology> groups_;
  hetgrid::nccl::owned_stream world_stream_;  // the bootstrap hands out no stream for the world
  staging_buffer staging_;
};

static_assert(comm_ops<nccl_ops>);

}  // namespace mimo_step

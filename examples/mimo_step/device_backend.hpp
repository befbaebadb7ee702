// examples/mimo_step/device_backend.hpp: the NCCL backend of mimo_step, on the GPU for real.
// Parameters, gradients, activations and the data set live in device memory; the arithmetic is
// CUDA kernels (kernels.cu) on one compute stream (device_math); every message is an NCCL call
// on hetgrid's communicators and on the stream hetgrid hands out beside each (the pp group's and
// the bridge's at high priority). The compute stream and a group's stream hand over through
// events, each of which is also timed, so a step splits into compute, communication and
// hand-off time. The trainer is trainer.hpp's, the same one the MPI backend runs on the host.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <cstddef>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/nccl.hpp>
#include <hetgrid/nccl/bridge.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "comm_ops.hpp"
#include "kernels.hpp"

namespace mimo_step {

inline void cuda_check(cudaError_t result, const char* what) {
  hetgrid::nccl::check_cuda(result, std::string("mimo_step: ") + what);
}

// Device memory of n values of T, zeroed, or copied from a host vector.
template <class T>
class device_array {
 public:
  device_array() = default;
  explicit device_array(std::size_t n) : n_(n) {
    cuda_check(cudaMalloc(&data_, std::max<std::size_t>(n, 1) * sizeof(T)), "cudaMalloc");
    cuda_check(cudaMemset(data_, 0, std::max<std::size_t>(n, 1) * sizeof(T)), "cudaMemset");
  }
  explicit device_array(const std::vector<T>& host) : device_array(host.size()) {
    cuda_check(cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice),
               "cudaMemcpy");
  }
  device_array(device_array&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  device_array& operator=(device_array&& o) noexcept {
    if (this != &o) {
      if (data_ != nullptr) cudaFree(data_);
      data_ = std::exchange(o.data_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  ~device_array() {
    if (data_ != nullptr) cudaFree(data_);
  }
  T* get() const { return data_; }
  std::size_t size() const { return n_; }

 private:
  T* data_ = nullptr;
  std::size_t n_ = 0;
};

// Where a step's GPU time goes. On the compute stream: the step's start and end, and, before
// each NCCL call, the hand-off to the group's stream ("begin"); on the group's stream: the
// call's start (once it waited for the compute stream) and stop. Compute = from one stop (or the
// start) to the next begin; communication = start to stop; hand-off = begin to start.
class step_clock {
 public:
  struct split {
    double gpu_ms = 0, compute_ms = 0, comm_ms = 0, handoff_ms = 0;
    int comm_calls = 0;
  };

  step_clock() = default;
  step_clock(const step_clock&) = delete;
  step_clock& operator=(const step_clock&) = delete;
  ~step_clock() {
    for (cudaEvent_t e : pool_) cudaEventDestroy(e);
  }

  void start(cudaStream_t compute) {
    used_ = 0;
    calls_.clear();
    start_ = mark(compute);
  }
  cudaEvent_t begin(cudaStream_t compute) {
    calls_.push_back({mark(compute), nullptr, nullptr});
    return calls_.back().begin;
  }
  void started(cudaStream_t comm) { calls_.back().start = mark(comm); }
  cudaEvent_t stopped(cudaStream_t comm) { return calls_.back().stop = mark(comm); }

  // Waits for the step's end on the compute stream and adds up its parts.
  split finish(cudaStream_t compute) {
    const cudaEvent_t end = mark(compute);
    cuda_check(cudaEventSynchronize(end), "cudaEventSynchronize");
    split s;
    s.gpu_ms = ms(start_, end);
    s.comm_calls = static_cast<int>(calls_.size());
    cudaEvent_t last = start_;
    for (const call& c : calls_) {
      s.compute_ms += ms(last, c.begin);
      s.handoff_ms += ms(c.begin, c.start);
      s.comm_ms += ms(c.start, c.stop);
      last = c.stop;
    }
    s.compute_ms += ms(last, end);
    return s;
  }

 private:
  struct call {
    cudaEvent_t begin, start, stop;
  };
  cudaEvent_t mark(cudaStream_t stream) {
    if (used_ == pool_.size()) {
      cudaEvent_t e = nullptr;
      cuda_check(cudaEventCreate(&e), "cudaEventCreate");
      pool_.push_back(e);
    }
    const cudaEvent_t e = pool_[used_++];
    cuda_check(cudaEventRecord(e, stream), "cudaEventRecord");
    return e;
  }
  static double ms(cudaEvent_t a, cudaEvent_t b) {
    float t = 0;
    cuda_check(cudaEventElapsedTime(&t, a, b), "cudaEventElapsedTime");
    return t;
  }

  std::vector<cudaEvent_t> pool_;
  std::size_t used_ = 0;
  cudaEvent_t start_ = nullptr;
  std::vector<call> calls_;
};

// One group's communicator and stream. Buffers are device memory. Each call is enqueued on the
// group's stream after the compute stream's work so far, and the compute stream's next work
// waits for it: nothing waits on the host.
class device_ops {
 public:
  device_ops(ncclComm_t comm, cudaStream_t stream, int rank, int size, cudaStream_t compute,
             step_clock* clock, double timeout_s)
      : comm_(comm), stream_(stream), compute_(compute), rank_(rank), size_(size), clock_(clock),
        timeout_s_(timeout_s) {}
  int size() const { return size_; }
  int rank() const { return rank_; }

  void all_reduce_sum(float* data, int n) {
    begin();
    issue(ncclAllReduce(data, data, n, ncclFloat, ncclSum, comm_, stream_), "ncclAllReduce");
    end();
  }
  void broadcast(float* data, int n, int root) {
    begin();
    issue(ncclBroadcast(data, data, n, ncclFloat, root, comm_, stream_), "ncclBroadcast");
    end();
  }
  // Recorded; wait() issues them in one NCCL group (a rank may send to itself, or both ways).
  void send(float* data, int n, int peer) { pending_.push_back({data, n, peer, true}); }
  void recv(float* data, int n, int peer) { pending_.push_back({data, n, peer, false}); }
  void wait() {
    if (pending_.empty()) return;
    begin();
    check(ncclGroupStart(), "ncclGroupStart");
    for (const message& m : pending_) {
      if (m.outgoing)
        check(ncclSend(m.data, m.n, ncclFloat, m.peer, comm_, stream_), "ncclSend");
      else
        check(ncclRecv(m.data, m.n, ncclFloat, m.peer, comm_, stream_), "ncclRecv");
    }
    issue(ncclGroupEnd(), "ncclGroupEnd");
    pending_.clear();
    end();
  }

 private:
  struct message {
    float* data;
    int n;
    int peer;
    bool outgoing;
  };
  static void check(ncclResult_t result, const char* what) {
    hetgrid::nccl::check(result, std::string("mimo_step: ") + what);
  }
  // hetgrid's communicators are blocking by default; a non-blocking one is waited for here.
  void issue(ncclResult_t result, const char* what) {
    check(result, what);
    if (result == ncclInProgress)
      hetgrid::nccl::await(comm_, timeout_s_, what);
  }
  void begin() {
    cuda_check(cudaStreamWaitEvent(stream_, clock_->begin(compute_)), "cudaStreamWaitEvent");
    clock_->started(stream_);
  }
  void end() {
    cuda_check(cudaStreamWaitEvent(compute_, clock_->stopped(stream_)), "cudaStreamWaitEvent");
  }

  ncclComm_t comm_;
  cudaStream_t stream_, compute_;
  int rank_ = 0, size_ = 0;
  step_clock* clock_;
  double timeout_s_;  // for a non-blocking communicator's wait
  std::vector<message> pending_;
};

static_assert(comm_ops<device_ops>);

// The step's arithmetic as kernels on the compute stream: host_math's operations (host_math.hpp),
// enqueued, so that only read() waits.
class device_math {
 public:
  template <class T>
  using array = device_array<T>;

  explicit device_math(cudaStream_t compute) : s_(compute) {}

  void linear(const float* W, const float* bias, const float* x, int ldx, float* y, int ldy, int B,
              int R, int C, bool tanh_out) const {
    gpu::linear(s_, W, bias, x, ldx, y, ldy, B, R, C, tanh_out);
  }
  void linear_backward(const float* W, const float* x, int ldx, const float* dy, int lddy,
                       float* gW, float* gb, float* dx, bool dx_accumulate, int B, int R,
                       int C) const {
    gpu::linear_backward(s_, W, x, ldx, dy, lddy, gW, gb, dx, dx_accumulate, B, R, C);
  }
  void tanh_backward(const float* a, const float* da, float* d, int n) const {
    gpu::tanh_backward(s_, a, da, d, n);
  }
  void add_bias(float* y, const float* bias, int B, int C) const { gpu::add_bias(s_, y, bias, B, C); }
  void add(const float* a, const float* b, float* y, int n) const { gpu::add(s_, a, b, y, n); }
  void add_residual(float* u, const float* out, const float* bias, int B, int C) const {
    gpu::add_residual(s_, u, out, bias, B, C);
  }
  void embedding_lookup(const float* E, const int* token, int first, int rows, float* y, int B,
                        int H) const {
    gpu::embedding_lookup(s_, E, token, first, rows, y, B, H);
  }
  void embedding_backward(float* gE, const int* token, int first, int rows, const float* dy, int B,
                          int H) const {
    gpu::embedding_backward(s_, gE, token, first, rows, dy, B, H);
  }
  void softmax_xent(float* logits, const int* target, float* loss, int B, int V,
                    int global_batch) const {
    gpu::softmax_xent(s_, logits, target, loss, B, V, global_batch);
  }
  void sgd(float* value, float* grad, float lr, int n) const { gpu::sgd(s_, value, grad, lr, n); }

  void copy(float* to, const float* from, int n) const {
    cuda_check(cudaMemcpyAsync(to, from, n * sizeof(float), cudaMemcpyDeviceToDevice, s_),
               "cudaMemcpyAsync");
  }
  void zero(float* to, int n) const {
    cuda_check(cudaMemsetAsync(to, 0, n * sizeof(float), s_), "cudaMemsetAsync");
  }
  // One value back to the host, once the stream's work so far is done.
  float read(const float* value) const {
    float host = 0;
    cuda_check(cudaMemcpyAsync(&host, value, sizeof(float), cudaMemcpyDeviceToHost, s_),
               "cudaMemcpyAsync");
    cuda_check(cudaStreamSynchronize(s_), "cudaStreamSynchronize");
    return host;
  }
  // The uploads (plain cudaMemcpy) are done before the first step's kernels run.
  void synchronize() const { cuda_check(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); }

 private:
  cudaStream_t s_;
};

// The pipeline's hand-offs go first: the pp group's stream at high priority, with two channels
// (a latency-bound group; few CTAs make its communicator cheap: BENCHMARKS.md, "NCCL on one GPU").
// The bridge runs over the groups' world(), whose stream is high priority too (the default).
inline constexpr hetgrid::nccl::settings_table device_settings =
    hetgrid::nccl::settings_table{}.with(hetgrid::group_kind::pp,
                                         {.high_priority = true, .max_ctas = 2});

// The bootstrap, hetgrid's groups over it, a compute stream and the step clock.
template <class Topology>
class device_backend {
 public:
  using ops = device_ops;

  // `timeout_s`: the bootstrap's, the splits' and the watchdog's (a stalled group ends the job).
  device_backend(const boost::mpi::communicator& world, double timeout_s)
      : checked_(check(world)), boot_({.timeout_s = timeout_s}),
        groups_(boot_, options(timeout_s)),
        compute_(hetgrid::nccl::make_stream()), timeout_s_(timeout_s) {}
  device_backend(const device_backend&) = delete;
  device_backend& operator=(const device_backend&) = delete;

  ops group(int module, int slot) {
    const hetgrid::nccl::group_comm& comm = held_communicator(groups_, module, slot);
    return ops(comm.get(), comm.stream(), comm.rank(), comm.size(), compute_.get(), &clock_,
               timeout_s_);
  }
  // Watched by the groups' watchdog like every group.
  ops world() {
    const hetgrid::nccl::group_comm& job = groups_.world();
    return ops(job.get(), job.stream(), job.rank(), job.size(), compute_.get(), &clock_,
               timeout_s_);
  }
  // hetgrid's bridge from module S to module D over these groups, rows of `row` floats, in
  // order with the compute stream. Its calls are not on the step clock: their time counts as
  // compute in the split.
  template <class S, class D>
  class bridge {
   public:
    bridge(const device_backend& b, std::size_t row)
        : bridge_(b.groups_, row, b.timeout_s_), compute_(b.compute()) {}
    void forward(std::span<const float> source, std::span<float> destination) const {
      bridge_.forward(source, destination, compute_);
    }
    void backward(std::span<const float> destination_grad, std::span<float> source_grad) const {
      bridge_.backward(destination_grad, source_grad, compute_);
    }

   private:
    hetgrid::nccl::bridge<Topology, S, D> bridge_;
    cudaStream_t compute_;
  };
  cudaStream_t compute() const { return compute_.get(); }
  device_math math() const { return device_math(compute_.get()); }
  step_clock& clock() { return clock_; }
  const hetgrid::nccl::bootstrap& boot() const { return boot_; }
  std::string description() const {
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, boot_.device());
    return "nccl on the GPU (NCCL " + hetgrid::nccl::version_string() + ", " + prop.name +
           ", device " + std::to_string(boot_.device()) + " on the reporting rank)";
  }

 private:
  // The job's own check before the bootstrap: a wrong -np must be the world-size error on every
  // rank, not the bootstrap's (a node with more ranks than GPUs); the library's own check, in
  // the executor, then finds nothing.
  static hetgrid::nccl::rank_groups_options options(double timeout_s) {
    hetgrid::nccl::rank_groups_options o;
    o.timeout_s = timeout_s;
    o.watch.timeout_s = timeout_s;
    return o;
  }
  static bool check(const boost::mpi::communicator& world) {
    hetgrid::check_world_size(world.size(), Topology::world);
    return true;
  }

  bool checked_;  // first: before the bootstrap makes any communicator
  hetgrid::nccl::bootstrap boot_;
  hetgrid::nccl::rank_groups<Topology, device_settings> groups_;
  hetgrid::nccl::owned_stream compute_;
  double timeout_s_;
  step_clock clock_;
};

}  // namespace mimo_step

// examples/mimo_step/device_trainer.hpp: the NCCL backend of mimo_step, on the GPU for real.
// Parameters, gradients, activations and the data set live in device memory; the compute is
// CUDA kernels (kernels.cu) on one compute stream; every message is an NCCL call on hetgrid's
// communicators and on the stream hetgrid hands out beside each (the pp group's and the bridge's
// at high priority). The compute stream and a group's stream hand over through events, each of
// which is also timed, so a step splits into compute, communication and hand-off time.
// The model and its maths are trainer.hpp's (the host version the MPI backend runs), step by
// step; the loss is checked against the same single-process reference.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <cstddef>
#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/nccl.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "comm_ops.hpp"
#include "kernels.hpp"
#include "model.hpp"
#include "shards.hpp"

namespace mimo_step {

// Without a GPU, cudaGetDeviceCount returns an error rather than 0: both mean none.
inline bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

inline void cuda_check(cudaError_t result, const char* what) {
  hetgrid::nccl::detail::check_cuda(result, std::string("mimo_step: ") + what);
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
             step_clock* clock)
      : comm_(comm), stream_(stream), compute_(compute), rank_(rank), size_(size), clock_(clock) {}
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
    hetgrid::nccl::detail::check(result, std::string("mimo_step: ") + what);
  }
  // hetgrid's communicators are blocking by default; a non-blocking one is waited for here.
  void issue(ncclResult_t result, const char* what) {
    check(result, what);
    if (result == ncclInProgress) hetgrid::nccl::await(comm_, 300.0, what);
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
  std::vector<message> pending_;
};

static_assert(comm_ops<device_ops>);

// The pipeline's hand-offs go first: the pp group's stream at high priority, with two channels
// (a latency-bound group; a second communicator with maxCTAs 2 costs about 16 MiB, not 390).
// The bridge runs over the world, whose stream the backend makes at high priority too.
inline constexpr hetgrid::nccl::settings_table device_settings =
    hetgrid::nccl::settings_table{}.with(hetgrid::group_kind::pp,
                                         {.high_priority = true, .max_ctas = 2});

// The bootstrap, hetgrid's groups over it, a compute stream and the step clock.
template <class Topology>
class device_backend {
 public:
  using ops = device_ops;

  explicit device_backend(const boost::mpi::communicator& world)
      : checked_(check(world)),
        groups_(boot_),
        world_stream_(hetgrid::nccl::detail::stream_priority(true)),
        compute_(hetgrid::nccl::detail::stream_priority(false)) {}
  device_backend(const device_backend&) = delete;
  device_backend& operator=(const device_backend&) = delete;

  ops group(int module, int slot) {
    const auto* collection = groups_.modules().module(module);
    const hetgrid::nccl::group_comm* comm = collection ? collection->slot(slot) : nullptr;
    if (comm == nullptr)
      throw std::logic_error("mimo_step: this rank holds no " +
                             std::string(hetgrid::slot_name(slot)) + " group of module " +
                             std::to_string(module));
    return ops(comm->get(), comm->stream(), comm->rank(), comm->size(), compute_.get(), &clock_);
  }
  ops world() {
    return ops(boot_.nccl_world(), world_stream_.get(), boot_.rank(), boot_.size(), compute_.get(),
               &clock_);
  }
  cudaStream_t compute() const { return compute_.get(); }
  step_clock& clock() { return clock_; }
  const hetgrid::nccl::bootstrap& boot() const { return boot_; }
  std::string description() const {
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, boot_.device());
    return "nccl on the GPU (NCCL " + hetgrid::nccl::version_string() + ", " + prop.name +
           ", device " + std::to_string(boot_.device()) + " on the reporting rank)";
  }

 private:
  static bool check(const boost::mpi::communicator& world) {
    hetgrid::check_world_size(world.size(), Topology::world);
    return true;
  }

  bool checked_;  // first: the size check runs before the bootstrap makes any communicator
  hetgrid::nccl::bootstrap boot_;
  hetgrid::nccl::rank_groups<Topology, device_settings> groups_;
  hetgrid::nccl::owned_stream world_stream_;  // the bridge's: high priority
  hetgrid::nccl::owned_stream compute_;
  step_clock clock_;
};

// One module's parameters and gradients on the device, one buffer each (one all-reduce carries
// a module's gradients); built on the host from the deterministic initial values.
class device_params {
 public:
  int add(int n) {
    const int at = static_cast<int>(host_.size());
    host_.resize(host_.size() + n);
    return at;
  }
  float& initial(int at) { return host_[at]; }
  void upload() {
    value_ = device_array<float>(host_);
    grad_ = device_array<float>(host_.size());
  }
  float* value(int at) const { return value_.get() + at; }
  float* grad(int at) const { return grad_.get() + at; }
  int size() const { return static_cast<int>(host_.size()); }

 private:
  std::vector<float> host_;
  device_array<float> value_, grad_;
};

// trainer.hpp's model and step, with device buffers and kernels; same names, same order.
template <class Layout, class Backend>
class device_trainer {
  using topology = typename Layout::topology;
  using images = typename Layout::images;
  using language = typename Layout::language;
  using lift = hetgrid::bridge_of<topology, images, language>;
  using ops = typename Backend::ops;
  using kind = hetgrid::group_kind;

  static constexpr const hetgrid::bridge& bridge = lift::value;
  static constexpr const hetgrid::grid& enc = images::value;
  static constexpr const hetgrid::grid& lm = language::value;

  static_assert(images::pp == 1 && images::cp == 1, "mimo_step: the encoder is one layer, no cp");
  static_assert(language::cp == 1, "mimo_step: the language model has no context parallelism");
  static_assert(blocks % language::pp == 0, "mimo_step: pp must divide the number of blocks");
  static_assert(language::pp <= 2, "mimo_step: the tied embedding needs every stage first or last");

 public:
  static constexpr int reporter = lm.offset + (lm.pp - 1) * lm.tp * lm.cp * lm.dp;

  device_trainer(Backend& backend, int rank)
      : rank_(rank), s_(backend.compute()), world_{backend.world(), whole_world()} {
    upload_data();
    if (enc.contains(rank)) init_encoder(backend);
    if (lm.contains(rank)) init_language(backend);
    cuda_check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  }

  // Enqueues one step; returns the loss (copied back) on the language model's last stage.
  std::optional<float> step(int step_index) {
    step_ = step_index;
    if (in_enc_) encoder_forward();
    bridge_forward();
    if (in_lm_) language_step();
    bridge_backward();
    if (in_enc_) encoder_backward();
    reduce_and_update();
    if (!(in_lm_ && stage_ == lm.pp - 1)) return std::nullopt;
    float loss = 0;
    cuda_check(cudaMemcpyAsync(&loss_host_, loss_.get(), sizeof(float), cudaMemcpyDeviceToHost, s_),
               "cudaMemcpyAsync(loss)");
    cuda_check(cudaStreamSynchronize(s_), "cudaStreamSynchronize");
    loss = loss_host_;
    return loss;
  }

 private:
  static hetgrid::rank_group whole_world() {
    return hetgrid::rank_group(0, 1, {topology::world, 1, 1, 1, 1}, {1, 1, 1, 1, 1});
  }
  channel<ops> open(Backend& backend, int module, const hetgrid::grid& g, kind k) {
    return {backend.group(module, hetgrid::builtin_slot(k)), g.group_of(k, rank_)};
  }
  int data_row(int first_sample) const {  // the step's batch, from this rank's first sample
    return (step_ % dataset_batches) * batch + first_sample;
  }

  // The data set (it repeats every dataset_batches steps), on the device once.
  void upload_data() {
    std::vector<float> x(dataset_batches * batch * features);
    std::vector<int> in(dataset_batches * batch), out(dataset_batches * batch);
    for (int d = 0; d < dataset_batches; ++d)
      for (int i = 0; i < batch; ++i) {
        const sample s = make_sample(d, i);
        std::copy(s.x.begin(), s.x.end(), x.begin() + (d * batch + i) * features);
        in[d * batch + i] = s.token_in;
        out[d * batch + i] = s.token_out;
      }
    x_ = device_array<float>(x);
    token_in_ = device_array<int>(in);
    token_out_ = device_array<int>(out);
    loss_ = device_array<float>(1);
  }

  // --- Encoder: W1e column-parallel, W2e row-parallel. ---
  void init_encoder(Backend& backend) {
    in_enc_ = true;
    enc_tp_.emplace(open(backend, lift::source_index, enc, kind::tp));
    enc_dp_.emplace(open(backend, lift::source_index, enc, kind::dp));
    enc_share_.emplace(open(backend, lift::source_index, enc, kind::tp_cp));
    const encoder_shard shard = init_encoder_shard(enc, rank_, enc_params_);
    ef_ = shard.ef, eb_ = shard.eb, e_first_sample_ = shard.first_sample;
    ew1_ = shard.w1, eb1_ = shard.b1, ew2_ = shard.w2, eb2_ = shard.b2;
    enc_params_.upload();
    enc_act_ = device_array<float>(eb_ * ef_);
    enc_out_ = device_array<float>(eb_ * hidden);
    enc_grad_ = device_array<float>(eb_ * hidden);
    enc_da_ = device_array<float>(eb_ * ef_);
  }

  const float* enc_x() const { return x_.get() + data_row(e_first_sample_) * features; }

  void encoder_forward() {
    gpu::linear(s_, enc_params_.value(ew1_), enc_params_.value(eb1_), enc_x(), features,
                enc_act_.get(), ef_, eb_, ef_, features, true);
    gpu::linear(s_, enc_params_.value(ew2_), nullptr, enc_act_.get(), ef_, enc_out_.get(), hidden,
                eb_, hidden, ef_, false);
    enc_tp_->ops.all_reduce_sum(enc_out_.get(), eb_ * hidden);  // the row-parallel sum
    gpu::add_bias(s_, enc_out_.get(), enc_params_.value(eb2_), eb_, hidden);
  }

  void encoder_backward() {
    enc_share_->ops.broadcast(enc_grad_.get(), eb_ * hidden, 0);  // the leader is group rank 0
    // Through W2e (row-parallel): its gradients and the activation's.
    gpu::linear_backward(s_, enc_params_.value(ew2_), enc_act_.get(), ef_, enc_grad_.get(), hidden,
                         enc_params_.grad(ew2_), enc_params_.grad(eb2_), enc_da_.get(), false, eb_,
                         hidden, ef_);
    gpu::tanh_backward(s_, enc_act_.get(), enc_da_.get(), enc_da_.get(), eb_ * ef_);
    gpu::linear_backward(s_, enc_params_.value(ew1_), enc_x(), features, enc_da_.get(), ef_,
                         enc_params_.grad(ew1_), enc_params_.grad(eb1_), nullptr, false, eb_, ef_,
                         features);
  }

  // --- The bridge (on the world, at high priority), then shared over tp-cp. ---
  void bridge_forward() {
    bridge_exchange(world_, bridge, rank_, enc_out_.get(), eb_, lm_in_.get(), lb_, true);
    if (in_lm_ && stage_ == 0) lm_share_->ops.broadcast(lm_in_.get(), lb_ * hidden, 0);
  }

  void bridge_backward() {
    bridge_exchange(world_, bridge, rank_, enc_grad_.get(), eb_, du_.get(), lb_, false);
  }

  // --- Language model: blocks over pp; W1 column-, W2 row-parallel; E vocab-parallel. ---
  void init_language(Backend& backend) {
    in_lm_ = true;
    const hetgrid::rank_coords c = lm.coords(rank_);
    stage_ = c.pp;
    lm_tp_.emplace(open(backend, lift::destination_index, lm, kind::tp));
    lm_dp_.emplace(open(backend, lift::destination_index, lm, kind::dp));
    lm_pp_.emplace(open(backend, lift::destination_index, lm, kind::pp));
    if (stage_ == 0) lm_share_.emplace(open(backend, lift::destination_index, lm, kind::tp_cp));
    const language_shard shard = language_shard_of(lm, rank_);
    lf_ = shard.lf, lv_ = shard.lv, lb_ = shard.lb;
    l_first_sample_ = shard.first_sample, vocab0_ = shard.vocab0;
    for (int l = shard.first_block; l < shard.end_block; ++l) {
      blocks_.push_back(init_block(shard, l, lm_params_));
      block_in_.emplace_back(lb_ * hidden);
      block_act_.emplace_back(lb_ * lf_);
    }
    if (const auto embd = lm.embd_group(rank_)) {
      embd_.emplace(channel<ops>{backend.group(lift::destination_index, hetgrid::embd_slot), *embd});
      emb_ = init_embedding(shard, lm_params_);
    }
    lm_params_.upload();
    const int n = lb_ * hidden;
    lm_in_ = device_array<float>(n);
    u_ = device_array<float>(n);
    du_ = device_array<float>(n);
    dx_ = device_array<float>(n);
    out_ = device_array<float>(n);
    looked_ = device_array<float>(n);
    da_ = device_array<float>(lb_ * lf_);
    logits_ = device_array<float>(lb_ * vocab);
  }

  const int* tokens_in() const { return token_in_.get() + data_row(l_first_sample_); }
  const int* tokens_out() const { return token_out_.get() + data_row(l_first_sample_); }

  void language_step() {
    const int n = lb_ * hidden;
    if (stage_ == 0) {  // the encoder's output plus the token embedding (vocab-parallel lookup)
      gpu::embedding_lookup(s_, lm_params_.value(emb_), tokens_in(), vocab0_, lv_, looked_.get(),
                            lb_, hidden);
      lm_tp_->ops.all_reduce_sum(looked_.get(), n);
      gpu::add(s_, lm_in_.get(), looked_.get(), u_.get(), n);
    } else {
      lm_pp_->ops.recv(u_.get(), n, stage_ - 1);
      lm_pp_->ops.wait();
    }

    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const block_params& p = blocks_[b];
      cuda_check(cudaMemcpyAsync(block_in_[b].get(), u_.get(), n * sizeof(float),
                                 cudaMemcpyDeviceToDevice, s_),
                 "cudaMemcpyAsync");
      gpu::linear(s_, lm_params_.value(p.w1), lm_params_.value(p.b1), u_.get(), hidden,
                  block_act_[b].get(), lf_, lb_, lf_, hidden, true);
      gpu::linear(s_, lm_params_.value(p.w2), nullptr, block_act_[b].get(), lf_, out_.get(), hidden,
                  lb_, hidden, lf_, false);
      lm_tp_->ops.all_reduce_sum(out_.get(), n);
      gpu::add_residual(s_, u_.get(), out_.get(), lm_params_.value(p.b2), lb_, hidden);
    }

    const bool last = stage_ == lm.pp - 1;
    if (!last) {
      lm_pp_->ops.send(u_.get(), n, stage_ + 1);
      lm_pp_->ops.wait();
      lm_pp_->ops.recv(du_.get(), n, stage_ + 1);
      lm_pp_->ops.wait();
    } else {
      output_layer();
    }

    for (int b = static_cast<int>(blocks_.size()) - 1; b >= 0; --b) block_backward(b);

    if (stage_ > 0) {
      lm_pp_->ops.send(du_.get(), n, stage_ - 1);
      lm_pp_->ops.wait();
    } else {  // the lookup's gradient; du_ is what goes back over the bridge
      gpu::embedding_backward(s_, lm_params_.grad(emb_), tokens_in(), vocab0_, lv_, du_.get(), lb_,
                              hidden);
    }
  }

  void output_layer() {
    cuda_check(cudaMemsetAsync(logits_.get(), 0, lb_ * vocab * sizeof(float), s_), "cudaMemsetAsync");
    gpu::linear(s_, lm_params_.value(emb_), nullptr, u_.get(), hidden, logits_.get() + vocab0_,
                vocab, lb_, lv_, hidden, false);
    lm_tp_->ops.all_reduce_sum(logits_.get(), lb_ * vocab);
    gpu::softmax_xent(s_, logits_.get(), tokens_out(), loss_.get(), lb_, vocab, batch);
    gpu::linear_backward(s_, lm_params_.value(emb_), u_.get(), hidden, logits_.get() + vocab0_,
                         vocab, lm_params_.grad(emb_), nullptr, du_.get(), false, lb_, lv_, hidden);
    lm_tp_->ops.all_reduce_sum(du_.get(), lb_ * hidden);
    lm_dp_->ops.all_reduce_sum(loss_.get(), 1);
  }

  void block_backward(int b) {
    const block_params& p = blocks_[b];
    const int n = lb_ * hidden;
    gpu::linear_backward(s_, lm_params_.value(p.w2), block_act_[b].get(), lf_, du_.get(), hidden,
                         lm_params_.grad(p.w2), lm_params_.grad(p.b2), da_.get(), false, lb_,
                         hidden, lf_);
    gpu::tanh_backward(s_, block_act_[b].get(), da_.get(), da_.get(), lb_ * lf_);
    gpu::linear_backward(s_, lm_params_.value(p.w1), block_in_[b].get(), hidden, da_.get(), lf_,
                         lm_params_.grad(p.w1), lm_params_.grad(p.b1), dx_.get(), false, lb_, lf_,
                         hidden);
    lm_tp_->ops.all_reduce_sum(dx_.get(), n);  // the column-parallel input gradient
    gpu::add(s_, du_.get(), dx_.get(), du_.get(), n);
  }

  // Gradients summed over data-parallel replicas, the tied embedding's over its two stages; SGD.
  void reduce_and_update() {
    if (in_enc_) {
      enc_dp_->ops.all_reduce_sum(enc_params_.grad(0), enc_params_.size());
      gpu::sgd(s_, enc_params_.value(0), enc_params_.grad(0), learning_rate, enc_params_.size());
    }
    if (in_lm_) {
      lm_dp_->ops.all_reduce_sum(lm_params_.grad(0), lm_params_.size());
      if (embd_) embd_->ops.all_reduce_sum(lm_params_.grad(emb_), lv_ * hidden);
      gpu::sgd(s_, lm_params_.value(0), lm_params_.grad(0), learning_rate, lm_params_.size());
    }
  }

  int rank_;
  int step_ = 0;
  cudaStream_t s_;  // the compute stream
  channel<ops> world_;
  device_array<float> x_, loss_;
  device_array<int> token_in_, token_out_;
  float loss_host_ = 0;

  bool in_enc_ = false;
  std::optional<channel<ops>> enc_tp_, enc_dp_, enc_share_;
  int ef_ = 0, eb_ = 0, e_first_sample_ = 0;
  device_params enc_params_;
  int ew1_ = 0, eb1_ = 0, ew2_ = 0, eb2_ = 0;
  device_array<float> enc_act_, enc_out_, enc_grad_, enc_da_;

  bool in_lm_ = false;
  int stage_ = 0;
  std::optional<channel<ops>> lm_tp_, lm_dp_, lm_pp_, lm_share_, embd_;
  int lf_ = 0, lv_ = 0, lb_ = 0, l_first_sample_ = 0, vocab0_ = 0;
  device_params lm_params_;
  std::vector<block_params> blocks_;
  std::vector<device_array<float>> block_in_, block_act_;
  int emb_ = 0;
  device_array<float> lm_in_, u_, du_, dx_, out_, looked_, da_, logits_;
};

}  // namespace mimo_step

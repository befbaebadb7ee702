// examples/mimo_step/trainer.hpp: one rank's part of the distributed model and its training step,
// for every backend. The encoder runs on the images module (tp splits its inner width, dp its
// batch); the language model on the language module (tp splits inner width and vocabulary, pp
// its blocks, dp its batch), with the embedding tied between its first and last stage. Every
// message goes through a backend's communicators for hetgrid's groups; hetgrid's bridge
// (hetgrid::mpi::bridge or hetgrid::nccl::bridge, through the backend) carries the encoder's
// output across modules and its gradient back. The arithmetic is the backend's: host loops for MPI (host_math.hpp),
// CUDA kernels on a stream for NCCL (device_backend.hpp), the same operations in the same order.
#pragma once

#include <algorithm>
#include <concepts>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>

#include "comm_ops.hpp"
#include "model.hpp"
#include "shards.hpp"

namespace mimo_step {

// What the step needs of its arithmetic (host_math or device_math): owning arrays, and the
// operations kernels.hpp describes, each taking the buffers of those arrays.
template <class M>
concept step_math = requires(const M& m, float* f, const float* cf, const int* token, int n) {
  typename M::template array<float>;
  typename M::template array<int>;
  m.linear(cf, cf, cf, n, f, n, n, n, n, true);
  m.linear_backward(cf, cf, n, cf, n, f, f, f, true, n, n, n);
  m.tanh_backward(cf, cf, f, n);
  m.add_bias(f, cf, n, n);
  m.add(cf, cf, f, n);
  m.add_residual(f, cf, cf, n, n);
  m.embedding_lookup(cf, token, n, n, f, n, n);
  m.embedding_backward(f, token, n, n, cf, n, n);
  m.softmax_xent(f, token, f, n, n, n);
  m.sgd(f, f, 0.1f, n);
  m.copy(f, cf, n);
  m.zero(f, n);
  { m.read(cf) } -> std::same_as<float>;
  m.synchronize();
};

// One module's parameters and gradients, one array each (one all-reduce carries a module's
// gradients), filled on the host from the deterministic initial values and then uploaded.
template <class Array>
class param_store {
 public:
  int add(int n) {  // reserves n values; returns their offset
    const int at = static_cast<int>(initial_.size());
    initial_.resize(initial_.size() + n);
    return at;
  }
  float& initial(int at) { return initial_[at]; }  // before upload() (shards.hpp)
  void upload() {
    value_ = Array(initial_);
    grad_ = Array(initial_.size());
  }
  float* value(int at) const { return value_.get() + at; }
  float* grad(int at) const { return grad_.get() + at; }
  int size() const { return static_cast<int>(initial_.size()); }

 private:
  std::vector<float> initial_;
  Array value_, grad_;
};

// The groups both backends build for the main job: the layout's own. The bridge finds its
// share group there (the tp group, as gtp_remat = cp = 1); no kind needs adding.
template <class Layout>
using job_topology = typename Layout::topology;

template <class Layout, backend Backend>
class trainer {
  using topology = job_topology<Layout>;
  using images = typename Layout::images;
  using language = typename Layout::language;
  using lift = hetgrid::bridge_of<topology, images, language>;
  using ops = typename Backend::ops;
  using math = decltype(std::declval<Backend&>().math());
  static_assert(step_math<math>, "mimo_step: a backend's math() must give step_math");
  template <class T>
  using array = typename math::template array<T>;
  using kind = hetgrid::group_kind;

  static constexpr const hetgrid::grid& enc = images::value;
  static constexpr const hetgrid::grid& lm = language::value;

  static_assert(images::pp == 1 && images::cp == 1, "mimo_step: the encoder is one layer, no cp");
  static_assert(images::gtp_remat == 1 && language::gtp_remat == 1,
                "mimo_step: no gtp_remat (its shards and its reporting rank assume none)");
  static_assert(language::cp == 1, "mimo_step: the language model has no context parallelism");
  static_assert(blocks % language::pp == 0, "mimo_step: pp must divide the number of blocks");
  static_assert(language::pp <= 2, "mimo_step: the tied embedding needs every stage first or last");
  static_assert(encoder_inner % images::tp == 0 && inner % language::tp == 0 &&
                    vocab % language::tp == 0,
                "mimo_step: tp must divide the widths it splits");
  static_assert(batch % images::dp == 0 && batch % language::dp == 0,
                "mimo_step: dp must divide the batch");

 public:
  // The rank that reports the loss: tp=0 of the language model's last stage, dp replica 0.
  static constexpr int reporter = lm.offset + (lm.pp - 1) * lm.tp * lm.cp * lm.dp;

  trainer(Backend& backend, int rank)
      : rank_(rank), math_(backend.math()), bridge_(backend, hidden) {
    upload_data();
    if (enc.contains(rank)) init_encoder(backend);
    if (lm.contains(rank)) init_language(backend);
    math_.synchronize();
  }

  // Forward, backward and one SGD update on the step's batch. Returns the loss (before the
  // update) on the language model's last stage, nothing elsewhere.
  std::optional<float> step(int step_index) {
    step_ = step_index;
    if (in_enc_) encoder_forward();
    bridge_forward();
    if (in_lm_) language_step();
    bridge_backward();
    if (in_enc_) encoder_backward();
    reduce_and_update();
    if (!(in_lm_ && stage_ == lm.pp - 1)) return std::nullopt;
    return math_.read(loss_.get());
  }

 private:
  channel<ops> open(Backend& backend, int module, const hetgrid::grid& g, kind k) {
    return {backend.group(module, topology::description.slot_of(k)), g.group_of(k, rank_)};
  }
  int data_row(int first_sample) const {  // the step's batch, from this rank's first sample
    return (step_ % dataset_batches) * batch + first_sample;
  }

  // The data set (it repeats every dataset_batches steps), in the backend's memory once.
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
    x_ = array<float>(x);
    token_in_ = array<int>(in);
    token_out_ = array<int>(out);
    loss_ = array<float>(1);
  }

  // --- Encoder: W1e column-parallel (rows split over tp), W2e row-parallel (columns split). ---
  void init_encoder(Backend& backend) {
    in_enc_ = true;
    enc_tp_.emplace(open(backend, lift::source_index, enc, kind::tp));
    enc_dp_.emplace(open(backend, lift::source_index, enc, kind::dp));
    const encoder_shard shard = init_encoder_shard(enc, rank_, enc_params_);
    ef_ = shard.ef, eb_ = shard.eb, e_first_sample_ = shard.first_sample;
    ew1_ = shard.w1, eb1_ = shard.b1, ew2_ = shard.w2, eb2_ = shard.b2;
    enc_params_.upload();
    enc_act_ = array<float>(eb_ * ef_);
    enc_out_ = array<float>(eb_ * hidden);
    enc_grad_ = array<float>(eb_ * hidden);
    enc_da_ = array<float>(eb_ * ef_);
  }

  const float* enc_x() const { return x_.get() + data_row(e_first_sample_) * features; }

  void encoder_forward() {
    math_.linear(enc_params_.value(ew1_), enc_params_.value(eb1_), enc_x(), features,
                 enc_act_.get(), ef_, eb_, ef_, features, true);
    math_.linear(enc_params_.value(ew2_), nullptr, enc_act_.get(), ef_, enc_out_.get(), hidden, eb_,
                 hidden, ef_, false);
    enc_tp_->ops.all_reduce_sum(enc_out_.get(), eb_ * hidden);  // the row-parallel sum
    math_.add_bias(enc_out_.get(), enc_params_.value(eb2_), eb_, hidden);
  }

  void encoder_backward() {
    // Through W2e (row-parallel): its gradients and the activation's.
    math_.linear_backward(enc_params_.value(ew2_), enc_act_.get(), ef_, enc_grad_.get(), hidden,
                          enc_params_.grad(ew2_), enc_params_.grad(eb2_), enc_da_.get(), false, eb_,
                          hidden, ef_);
    math_.tanh_backward(enc_act_.get(), enc_da_.get(), enc_da_.get(), eb_ * ef_);
    math_.linear_backward(enc_params_.value(ew1_), enc_x(), features, enc_da_.get(), ef_,
                          enc_params_.grad(ew1_), enc_params_.grad(eb1_), nullptr, false, eb_, ef_,
                          features);
  }

  // --- The bridge: hetgrid's. Forward, the encoder's output reaches the language model's
  // first stage (every tp rank of each replica); backward, the gradient of that input goes
  // home to every tp rank of the encoder's replicas.
  std::span<float> encoder_side(const array<float>& a) const {
    return {a.get(), in_enc_ ? static_cast<std::size_t>(eb_ * hidden) : 0};
  }
  std::span<float> language_side(const array<float>& a) const {
    return {a.get(), in_lm_ && stage_ == 0 ? static_cast<std::size_t>(lb_ * hidden) : 0};
  }
  void bridge_forward() { bridge_.forward(encoder_side(enc_out_), language_side(lm_in_)); }
  void bridge_backward() { bridge_.backward(language_side(du_), encoder_side(enc_grad_)); }

  // --- Language model: blocks split over pp; W1 column-, W2 row-parallel; E vocab-parallel. ---
  void init_language(Backend& backend) {
    in_lm_ = true;
    const hetgrid::rank_coords c = lm.coords(rank_);
    stage_ = c.pp;
    lm_tp_.emplace(open(backend, lift::destination_index, lm, kind::tp));
    lm_dp_.emplace(open(backend, lift::destination_index, lm, kind::dp));
    lm_pp_.emplace(open(backend, lift::destination_index, lm, kind::pp));
    const language_shard shard = language_shard_of(lm, rank_);
    lf_ = shard.lf, lv_ = shard.lv, lb_ = shard.lb;
    l_first_sample_ = shard.first_sample, vocab0_ = shard.vocab0;
    for (int l = shard.first_block; l < shard.end_block; ++l) {
      blocks_.push_back(init_block(shard, l, lm_params_));
      block_in_.emplace_back(lb_ * hidden);
      block_act_.emplace_back(lb_ * lf_);
    }
    // The tied embedding: first and last stage each hold this tp rank's vocabulary rows.
    if (const auto embd = lm.embd_group(rank_)) {
      embd_.emplace(channel<ops>{backend.group(lift::destination_index, hetgrid::embd_slot), *embd});
      emb_ = init_embedding(shard, lm_params_);
    }
    lm_params_.upload();
    const int n = lb_ * hidden;
    lm_in_ = array<float>(n);
    u_ = array<float>(n);
    du_ = array<float>(n);
    dx_ = array<float>(n);
    out_ = array<float>(n);
    looked_ = array<float>(n);
    da_ = array<float>(lb_ * lf_);
    logits_ = array<float>(lb_ * vocab);
  }

  const int* tokens_in() const { return token_in_.get() + data_row(l_first_sample_); }
  const int* tokens_out() const { return token_out_.get() + data_row(l_first_sample_); }

  void language_step() {
    const int n = lb_ * hidden;
    if (stage_ == 0) {  // the encoder's output plus the token embedding (vocab-parallel lookup)
      math_.embedding_lookup(lm_params_.value(emb_), tokens_in(), vocab0_, lv_, looked_.get(), lb_,
                             hidden);
      lm_tp_->ops.all_reduce_sum(looked_.get(), n);
      math_.add(lm_in_.get(), looked_.get(), u_.get(), n);
    } else {
      lm_pp_->ops.recv(u_.get(), n, stage_ - 1);
      lm_pp_->ops.wait();
    }

    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const block_params& p = blocks_[b];
      math_.copy(block_in_[b].get(), u_.get(), n);
      math_.linear(lm_params_.value(p.w1), lm_params_.value(p.b1), u_.get(), hidden,
                   block_act_[b].get(), lf_, lb_, lf_, hidden, true);
      math_.linear(lm_params_.value(p.w2), nullptr, block_act_[b].get(), lf_, out_.get(), hidden,
                   lb_, hidden, lf_, false);
      lm_tp_->ops.all_reduce_sum(out_.get(), n);
      math_.add_residual(u_.get(), out_.get(), lm_params_.value(p.b2), lb_, hidden);
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
      math_.embedding_backward(lm_params_.grad(emb_), tokens_in(), vocab0_, lv_, du_.get(), lb_,
                               hidden);
    }
  }

  // logits = E u over the whole vocabulary (each tp rank fills its rows), the loss, and its
  // gradient into du.
  void output_layer() {
    math_.zero(logits_.get(), lb_ * vocab);
    math_.linear(lm_params_.value(emb_), nullptr, u_.get(), hidden, logits_.get() + vocab0_, vocab,
                 lb_, lv_, hidden, false);
    lm_tp_->ops.all_reduce_sum(logits_.get(), lb_ * vocab);
    math_.softmax_xent(logits_.get(), tokens_out(), loss_.get(), lb_, vocab, batch);
    math_.linear_backward(lm_params_.value(emb_), u_.get(), hidden, logits_.get() + vocab0_, vocab,
                          lm_params_.grad(emb_), nullptr, du_.get(), false, lb_, lv_, hidden);
    lm_tp_->ops.all_reduce_sum(du_.get(), lb_ * hidden);
    lm_dp_->ops.all_reduce_sum(loss_.get(), 1);
  }

  void block_backward(int b) {
    const block_params& p = blocks_[b];
    const int n = lb_ * hidden;
    math_.linear_backward(lm_params_.value(p.w2), block_act_[b].get(), lf_, du_.get(), hidden,
                          lm_params_.grad(p.w2), lm_params_.grad(p.b2), da_.get(), false, lb_,
                          hidden, lf_);
    math_.tanh_backward(block_act_[b].get(), da_.get(), da_.get(), lb_ * lf_);
    math_.linear_backward(lm_params_.value(p.w1), block_in_[b].get(), hidden, da_.get(), lf_,
                          lm_params_.grad(p.w1), lm_params_.grad(p.b1), dx_.get(), false, lb_, lf_,
                          hidden);
    lm_tp_->ops.all_reduce_sum(dx_.get(), n);  // the column-parallel input gradient
    math_.add(du_.get(), dx_.get(), du_.get(), n);
  }

  // Gradients summed over data-parallel replicas, the tied embedding's over its two stages; SGD
  // (which also zeroes the gradients).
  void reduce_and_update() {
    if (in_enc_) {
      enc_dp_->ops.all_reduce_sum(enc_params_.grad(0), enc_params_.size());
      math_.sgd(enc_params_.value(0), enc_params_.grad(0), learning_rate, enc_params_.size());
    }
    if (in_lm_) {
      lm_dp_->ops.all_reduce_sum(lm_params_.grad(0), lm_params_.size());
      if (embd_) embd_->ops.all_reduce_sum(lm_params_.grad(emb_), lv_ * hidden);
      math_.sgd(lm_params_.value(0), lm_params_.grad(0), learning_rate, lm_params_.size());
    }
  }

  int rank_;
  int step_ = 0;
  math math_;
  typename Backend::template bridge<images, language> bridge_;
  array<float> x_, loss_;
  array<int> token_in_, token_out_;

  bool in_enc_ = false;
  std::optional<channel<ops>> enc_tp_, enc_dp_;
  int ef_ = 0, eb_ = 0, e_first_sample_ = 0;
  param_store<array<float>> enc_params_;
  int ew1_ = 0, eb1_ = 0, ew2_ = 0, eb2_ = 0;
  array<float> enc_act_, enc_out_, enc_grad_, enc_da_;

  bool in_lm_ = false;
  int stage_ = 0;
  std::optional<channel<ops>> lm_tp_, lm_dp_, lm_pp_, embd_;
  int lf_ = 0, lv_ = 0, lb_ = 0, l_first_sample_ = 0, vocab0_ = 0;
  param_store<array<float>> lm_params_;
  std::vector<block_params> blocks_;
  std::vector<array<float>> block_in_, block_act_;
  int emb_ = 0;
  array<float> lm_in_, u_, du_, dx_, out_, looked_, da_, logits_;
};

}  // namespace mimo_step

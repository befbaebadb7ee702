// examples/mimo_step/trainer.hpp: one rank's part of the distributed model and its training step.
// The encoder runs on the images module (tp splits its inner width, dp its batch); the language
// model on the language module (tp splits inner width and vocabulary, pp its blocks, dp its
// batch), with the embedding tied between its first and last stage. Every message goes through
// a backend's communicators for hetgrid's groups; the bridge plan says who talks across modules.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>

#include "comm_ops.hpp"
#include "model.hpp"
#include "shards.hpp"

namespace mimo_step {

template <class Layout, backend Backend>
class trainer {
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
  static_assert(encoder_inner % images::tp == 0 && inner % language::tp == 0 &&
                    vocab % language::tp == 0,
                "mimo_step: tp must divide the widths it splits");
  static_assert(batch % images::dp == 0 && batch % language::dp == 0,
                "mimo_step: dp must divide the batch");

 public:
  // The rank that reports the loss: tp=0 of the language model's last stage, dp replica 0.
  static constexpr int reporter = lm.offset + (lm.pp - 1) * lm.tp * lm.cp * lm.dp;

  trainer(Backend& backend, int rank) : rank_(rank), world_{backend.world(), whole_world()} {
    if (enc.contains(rank)) init_encoder(backend);
    if (lm.contains(rank)) init_language(backend);
  }

  // Forward, backward and one SGD update on the step's batch. Returns the loss (before the
  // update) on the language model's last stage, nothing elsewhere.
  std::optional<float> step(int step_index) {
    step_ = step_index;
    if (in_enc_) encoder_forward();
    bridge_forward();
    std::optional<float> loss;
    if (in_lm_) loss = language_step();
    bridge_backward();
    if (in_enc_) encoder_backward();
    reduce_and_update();
    return loss;
  }

 private:
  static hetgrid::rank_group whole_world() {
    return hetgrid::rank_group(0, 1, {topology::world, 1, 1, 1, 1}, {1, 1, 1, 1, 1});
  }
  channel<ops> open(Backend& backend, int module, const hetgrid::grid& g, kind k) {
    return {backend.group(module, hetgrid::builtin_slot(k)), g.group_of(k, rank_)};
  }

  // --- Encoder: W1e column-parallel (rows split over tp), W2e row-parallel (columns split). ---
  void init_encoder(Backend& backend) {
    in_enc_ = true;
    enc_tp_.emplace(open(backend, lift::source_index, enc, kind::tp));
    enc_dp_.emplace(open(backend, lift::source_index, enc, kind::dp));
    enc_share_.emplace(open(backend, lift::source_index, enc, kind::tp_cp));
    const encoder_shard shard = init_encoder_shard(enc, rank_, enc_params_);
    ef_ = shard.ef, eb_ = shard.eb, e_first_sample_ = shard.first_sample;
    ew1_ = shard.w1, eb1_ = shard.b1, ew2_ = shard.w2, eb2_ = shard.b2;
  }

  void encoder_forward() {
    enc_act_.assign(eb_ * ef_, 0.0f);
    enc_out_.assign(eb_ * hidden, 0.0f);
    const float* w1 = enc_params_.value(ew1_);
    const float* b1 = enc_params_.value(eb1_);
    const float* w2 = enc_params_.value(ew2_);
    for (int i = 0; i < eb_; ++i) {
      const sample s = make_sample(step_, e_first_sample_ + i);
      for (int j = 0; j < ef_; ++j) {
        float z = b1[j];
        for (int x = 0; x < features; ++x) z += w1[j * features + x] * s.x[x];
        enc_act_[i * ef_ + j] = std::tanh(z);
      }
      for (int h = 0; h < hidden; ++h) {
        float p = 0;
        for (int j = 0; j < ef_; ++j) p += w2[h * ef_ + j] * enc_act_[i * ef_ + j];
        enc_out_[i * hidden + h] = p;
      }
    }
    enc_tp_->ops.all_reduce_sum(enc_out_.data(), eb_ * hidden);  // the row-parallel sum
    for (int i = 0; i < eb_; ++i)
      for (int h = 0; h < hidden; ++h) enc_out_[i * hidden + h] += enc_params_.value(eb2_)[h];
  }

  void encoder_backward() {
    enc_share_->ops.broadcast(enc_grad_.data(), eb_ * hidden, 0);  // the leader is group rank 0
    float* gw1 = enc_params_.grad(ew1_);
    float* gb1 = enc_params_.grad(eb1_);
    float* gw2 = enc_params_.grad(ew2_);
    float* gb2 = enc_params_.grad(eb2_);
    const float* w2 = enc_params_.value(ew2_);
    for (int i = 0; i < eb_; ++i) {
      const sample s = make_sample(step_, e_first_sample_ + i);
      const float* de = &enc_grad_[i * hidden];
      const float* a = &enc_act_[i * ef_];
      for (int h = 0; h < hidden; ++h) gb2[h] += de[h];
      for (int j = 0; j < ef_; ++j) {
        float dz = 0;
        for (int h = 0; h < hidden; ++h) {
          gw2[h * ef_ + j] += de[h] * a[j];
          dz += w2[h * ef_ + j] * de[h];
        }
        dz *= 1.0f - a[j] * a[j];
        gb1[j] += dz;
        for (int x = 0; x < features; ++x) gw1[j * features + x] += dz * s.x[x];
      }
    }
  }

  // --- The bridge: source leaders to destination leaders, then shared over tp-cp. ---
  void bridge_forward() {
    if (in_lm_ && stage_ == 0) lm_in_.assign(lb_ * hidden, 0.0f);
    bridge_exchange(world_, bridge, rank_, enc_out_.data(), eb_, lm_in_.data(), lb_, true);
    if (in_lm_ && stage_ == 0) lm_share_->ops.broadcast(lm_in_.data(), lb_ * hidden, 0);
  }

  // The same messages reversed: the gradient of the encoder's output goes home.
  void bridge_backward() {
    if (in_enc_) enc_grad_.assign(eb_ * hidden, 0.0f);
    bridge_exchange(world_, bridge, rank_, enc_grad_.data(), eb_, lm_in_grad_.data(), lb_, false);
  }

  // --- Language model: blocks split over pp; W1 column-, W2 row-parallel; E vocab-parallel. ---
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
    for (int l = shard.first_block; l < shard.end_block; ++l)
      blocks_.push_back(init_block(shard, l, lm_params_));
    // The tied embedding: first and last stage each hold this tp rank's vocabulary rows.
    if (const auto embd = lm.embd_group(rank_)) {
      embd_.emplace(channel<ops>{backend.group(lift::destination_index, hetgrid::embd_slot), *embd});
      emb_ = init_embedding(shard, lm_params_);
    }
  }

  float language_step() {
    const int n = lb_ * hidden;
    std::vector<float> u(n);
    if (stage_ == 0) {  // the encoder's output plus the token embedding (vocab-parallel lookup)
      std::vector<float> looked(n, 0.0f);
      for (int i = 0; i < lb_; ++i) {
        const int k = make_sample(step_, l_first_sample_ + i).token_in - vocab0_;
        if (k >= 0 && k < lv_)
          std::copy_n(lm_params_.value(emb_) + k * hidden, hidden, &looked[i * hidden]);
      }
      lm_tp_->ops.all_reduce_sum(looked.data(), n);
      for (int k = 0; k < n; ++k) u[k] = lm_in_[k] + looked[k];
    } else {
      lm_pp_->ops.recv(u.data(), n, stage_ - 1);
      lm_pp_->ops.wait();
    }

    std::vector<std::vector<float>> block_in, block_act;
    for (const block_params& p : blocks_) {
      block_in.push_back(u);
      std::vector<float> a(lb_ * lf_), out(n, 0.0f);
      for (int i = 0; i < lb_; ++i) {
        for (int j = 0; j < lf_; ++j) {
          float z = lm_params_.value(p.b1)[j];
          for (int h = 0; h < hidden; ++h) z += lm_params_.value(p.w1)[j * hidden + h] * u[i * hidden + h];
          a[i * lf_ + j] = std::tanh(z);
        }
        for (int h = 0; h < hidden; ++h)
          for (int j = 0; j < lf_; ++j)
            out[i * hidden + h] += lm_params_.value(p.w2)[h * lf_ + j] * a[i * lf_ + j];
      }
      lm_tp_->ops.all_reduce_sum(out.data(), n);
      for (int i = 0; i < lb_; ++i)
        for (int h = 0; h < hidden; ++h)
          u[i * hidden + h] += out[i * hidden + h] + lm_params_.value(p.b2)[h];
      block_act.push_back(std::move(a));
    }

    const bool last = stage_ == lm.pp - 1;
    std::vector<float> du(n, 0.0f);
    float loss = 0;
    if (!last) {
      lm_pp_->ops.send(u.data(), n, stage_ + 1);
      lm_pp_->ops.wait();
      lm_pp_->ops.recv(du.data(), n, stage_ + 1);
      lm_pp_->ops.wait();
    } else {
      loss = output_layer(u, du);
    }

    for (int b = static_cast<int>(blocks_.size()) - 1; b >= 0; --b)
      block_backward(blocks_[b], block_in[b], block_act[b], du);

    if (stage_ > 0) {
      lm_pp_->ops.send(du.data(), n, stage_ - 1);
      lm_pp_->ops.wait();
    } else {  // the lookup's gradient, and what goes back over the bridge
      for (int i = 0; i < lb_; ++i) {
        const int k = make_sample(step_, l_first_sample_ + i).token_in - vocab0_;
        if (k >= 0 && k < lv_)
          for (int h = 0; h < hidden; ++h) lm_params_.grad(emb_)[k * hidden + h] += du[i * hidden + h];
      }
      lm_in_grad_ = du;
    }
    return loss;
  }

  // logits = E u over the whole vocabulary (each tp rank fills its rows), the loss, and its
  // gradient back into du. Returns the loss of the whole batch.
  float output_layer(const std::vector<float>& u, std::vector<float>& du) {
    std::vector<float> logits(lb_ * vocab, 0.0f);
    const float* e = lm_params_.value(emb_);
    for (int i = 0; i < lb_; ++i)
      for (int k = 0; k < lv_; ++k) {
        float z = 0;
        for (int h = 0; h < hidden; ++h) z += e[k * hidden + h] * u[i * hidden + h];
        logits[i * vocab + vocab0_ + k] = z;
      }
    lm_tp_->ops.all_reduce_sum(logits.data(), lb_ * vocab);
    float loss = 0;
    for (int i = 0; i < lb_; ++i) {
      const int target = make_sample(step_, l_first_sample_ + i).token_out;
      float* z = &logits[i * vocab];
      const float top = *std::max_element(z, z + vocab);
      float sum = 0;
      for (int k = 0; k < vocab; ++k) sum += std::exp(z[k] - top);
      loss += (std::log(sum) + top - z[target]) / batch;
      for (int k = 0; k < vocab; ++k)  // z becomes dloss/dz
        z[k] = (std::exp(z[k] - top) / sum - (k == target ? 1.0f : 0.0f)) / batch;
    }
    float* ge = lm_params_.grad(emb_);
    for (int i = 0; i < lb_; ++i)
      for (int k = 0; k < lv_; ++k) {
        const float dz = logits[i * vocab + vocab0_ + k];
        for (int h = 0; h < hidden; ++h) {
          ge[k * hidden + h] += dz * u[i * hidden + h];
          du[i * hidden + h] += e[k * hidden + h] * dz;
        }
      }
    lm_tp_->ops.all_reduce_sum(du.data(), lb_ * hidden);
    lm_dp_->ops.all_reduce_sum(&loss, 1);
    return loss;
  }

  void block_backward(const block_params& p, const std::vector<float>& u,
                      const std::vector<float>& a, std::vector<float>& du) {
    std::vector<float> dx(lb_ * hidden, 0.0f);
    for (int i = 0; i < lb_; ++i) {
      const float* d = &du[i * hidden];
      for (int h = 0; h < hidden; ++h) lm_params_.grad(p.b2)[h] += d[h];
      for (int j = 0; j < lf_; ++j) {
        const float aj = a[i * lf_ + j];
        float dz = 0;
        for (int h = 0; h < hidden; ++h) {
          lm_params_.grad(p.w2)[h * lf_ + j] += d[h] * aj;
          dz += lm_params_.value(p.w2)[h * lf_ + j] * d[h];
        }
        dz *= 1.0f - aj * aj;
        lm_params_.grad(p.b1)[j] += dz;
        for (int h = 0; h < hidden; ++h) {
          lm_params_.grad(p.w1)[j * hidden + h] += dz * u[i * hidden + h];
          dx[i * hidden + h] += lm_params_.value(p.w1)[j * hidden + h] * dz;
        }
      }
    }
    lm_tp_->ops.all_reduce_sum(dx.data(), lb_ * hidden);  // the column-parallel input gradient
    for (std::size_t k = 0; k < du.size(); ++k) du[k] += dx[k];
  }

  // Gradients summed over data-parallel replicas, the tied embedding's over its two stages; SGD.
  void reduce_and_update() {
    if (in_enc_) {
      enc_dp_->ops.all_reduce_sum(enc_params_.grads(), enc_params_.size());
      enc_params_.sgd(learning_rate);
      enc_params_.zero_grad();
    }
    if (in_lm_) {
      lm_dp_->ops.all_reduce_sum(lm_params_.grads(), lm_params_.size());
      if (embd_) embd_->ops.all_reduce_sum(lm_params_.grad(emb_), lv_ * hidden);
      lm_params_.sgd(learning_rate);
      lm_params_.zero_grad();
    }
  }

  int rank_;
  int step_ = 0;
  channel<ops> world_;

  bool in_enc_ = false;
  std::optional<channel<ops>> enc_tp_, enc_dp_, enc_share_;
  int ef_ = 0, eb_ = 0, e_first_sample_ = 0;
  flat_params enc_params_;
  int ew1_ = 0, eb1_ = 0, ew2_ = 0, eb2_ = 0;
  std::vector<float> enc_act_, enc_out_, enc_grad_;

  bool in_lm_ = false;
  int stage_ = 0;
  std::optional<channel<ops>> lm_tp_, lm_dp_, lm_pp_, lm_share_, embd_;
  int lf_ = 0, lv_ = 0, lb_ = 0, l_first_sample_ = 0, vocab0_ = 0;
  flat_params lm_params_;
  std::vector<block_params> blocks_;
  int emb_ = 0;
  std::vector<float> lm_in_, lm_in_grad_;
};

}  // namespace mimo_step

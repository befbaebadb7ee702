// examples/mimo_step/reference.hpp: the same model trained in one process on whole tensors, with
// no communication and no shards: what the distributed loss must match.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "model.hpp"

namespace mimo_step {

class reference_model {
 public:
  reference_model() {
    enc_w1_ = make(enc_w1, encoder_inner * features);
    enc_b1_ = make(enc_b1, encoder_inner);
    enc_w2_ = make(enc_w2, hidden * encoder_inner);
    enc_b2_ = make(enc_b2, hidden);
    embedding_ = make(embedding, vocab * hidden);
    for (int l = 0; l < blocks; ++l) {
      block_[l][w1] = make(block_tensor(l, w1), inner * hidden);
      block_[l][b1] = make(block_tensor(l, b1), inner);
      block_[l][w2] = make(block_tensor(l, w2), hidden * inner);
      block_[l][b2] = make(block_tensor(l, b2), hidden);
    }
    params_.zero_grad();
  }

  // Forward, backward and one SGD update on the step's batch; returns the loss before it.
  float step(int step_index) {
    params_.zero_grad();
    float loss = 0;
    for (int b = 0; b < batch; ++b) loss += sample_step(make_sample(step_index, b));
    params_.sgd(learning_rate);
    return loss;
  }

 private:
  using vec = std::vector<float>;

  int make(int tensor, int n) {
    const int at = params_.add(n);
    for (int i = 0; i < n; ++i) params_.value(at)[i] = initial_value(tensor, i);
    return at;
  }
  float* v(int at) { return params_.value(at); }
  float* g(int at) { return params_.grad(at); }

  // y = W x + b, W rows x cols.
  static vec affine(const float* w, const float* b, const vec& x, int rows, int cols) {
    vec y(rows);
    for (int r = 0; r < rows; ++r) {
      float s = b ? b[r] : 0.0f;
      for (int c = 0; c < cols; ++c) s += w[r * cols + c] * x[c];
      y[r] = s;
    }
    return y;
  }

  // One sample's loss (already divided by the batch), its gradients added into params_.
  float sample_step(const sample& s) {
    const vec x(s.x.begin(), s.x.end());
    vec enc_a = affine(v(enc_w1_), v(enc_b1_), x, encoder_inner, features);
    for (float& a : enc_a) a = std::tanh(a);
    const vec e = affine(v(enc_w2_), v(enc_b2_), enc_a, hidden, encoder_inner);

    std::vector<vec> u(blocks + 1), act(blocks);
    u[0] = e;
    for (int h = 0; h < hidden; ++h) u[0][h] += v(embedding_)[s.token_in * hidden + h];
    for (int l = 0; l < blocks; ++l) {
      act[l] = affine(v(block_[l][w1]), v(block_[l][b1]), u[l], inner, hidden);
      for (float& a : act[l]) a = std::tanh(a);
      u[l + 1] = affine(v(block_[l][w2]), v(block_[l][b2]), act[l], hidden, inner);
      for (int h = 0; h < hidden; ++h) u[l + 1][h] += u[l][h];
    }
    const vec logits = affine(v(embedding_), nullptr, u[blocks], vocab, hidden);

    const float top = *std::max_element(logits.begin(), logits.end());
    float sum = 0;
    for (float z : logits) sum += std::exp(z - top);
    const float loss = (std::log(sum) + top - logits[s.token_out]) / batch;

    // Backward.
    vec dlogits(vocab);
    for (int k = 0; k < vocab; ++k)
      dlogits[k] = (std::exp(logits[k] - top) / sum - (k == s.token_out ? 1.0f : 0.0f)) / batch;
    vec du(hidden, 0.0f);
    for (int k = 0; k < vocab; ++k)
      for (int h = 0; h < hidden; ++h) {
        g(embedding_)[k * hidden + h] += dlogits[k] * u[blocks][h];
        du[h] += v(embedding_)[k * hidden + h] * dlogits[k];
      }
    for (int l = blocks - 1; l >= 0; --l) {
      vec dz(inner, 0.0f);
      for (int h = 0; h < hidden; ++h) {
        g(block_[l][b2])[h] += du[h];
        for (int j = 0; j < inner; ++j) {
          g(block_[l][w2])[h * inner + j] += du[h] * act[l][j];
          dz[j] += v(block_[l][w2])[h * inner + j] * du[h];
        }
      }
      vec dx(hidden, 0.0f);
      for (int j = 0; j < inner; ++j) {
        dz[j] *= 1.0f - act[l][j] * act[l][j];
        g(block_[l][b1])[j] += dz[j];
        for (int h = 0; h < hidden; ++h) {
          g(block_[l][w1])[j * hidden + h] += dz[j] * u[l][h];
          dx[h] += v(block_[l][w1])[j * hidden + h] * dz[j];
        }
      }
      for (int h = 0; h < hidden; ++h) du[h] += dx[h];  // the residual path adds its own
    }
    for (int h = 0; h < hidden; ++h) g(embedding_)[s.token_in * hidden + h] += du[h];

    vec dz(encoder_inner, 0.0f);
    for (int h = 0; h < hidden; ++h) {
      g(enc_b2_)[h] += du[h];
      for (int j = 0; j < encoder_inner; ++j) {
        g(enc_w2_)[h * encoder_inner + j] += du[h] * enc_a[j];
        dz[j] += v(enc_w2_)[h * encoder_inner + j] * du[h];
      }
    }
    for (int j = 0; j < encoder_inner; ++j) {
      dz[j] *= 1.0f - enc_a[j] * enc_a[j];
      g(enc_b1_)[j] += dz[j];
      for (int c = 0; c < features; ++c) g(enc_w1_)[j * features + c] += dz[j] * x[c];
    }
    return loss;
  }

  flat_params params_;
  int enc_w1_ = 0, enc_b1_ = 0, enc_w2_ = 0, enc_b2_ = 0, embedding_ = 0;
  int block_[blocks][4] = {};
};

}  // namespace mimo_step

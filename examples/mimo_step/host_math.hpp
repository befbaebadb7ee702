// examples/mimo_step/host_math.hpp: the step's arithmetic on the host, for the MPI backend. The
// same operations, arguments and summation order as the CUDA kernels (kernels.hpp), so that one
// trainer (trainer.hpp) runs on either; the loops stand where the kernels have one thread each.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

namespace mimo_step {

// Host memory of n values of T, zeroed, or copied from a vector: device_array's host twin.
template <class T>
class host_array {
 public:
  host_array() = default;
  explicit host_array(std::size_t n) : values_(std::make_unique<T[]>(n)), n_(n) {}
  explicit host_array(const std::vector<T>& values) : host_array(values.size()) {
    std::copy(values.begin(), values.end(), values_.get());
  }
  T* get() const { return values_.get(); }
  std::size_t size() const { return n_; }

 private:
  std::unique_ptr<T[]> values_;  // value-initialised: zeros
  std::size_t n_ = 0;
};

struct host_math {
  template <class T>
  using array = host_array<T>;

  // See kernels.hpp for what each computes.
  void linear(const float* W, const float* bias, const float* x, int ldx, float* y, int ldy, int B,
              int R, int C, bool tanh_out) const {
    for (int b = 0; b < B; ++b)
      for (int r = 0; r < R; ++r) {
        float z = bias != nullptr ? bias[r] : 0.0f;
        for (int c = 0; c < C; ++c) z += W[r * C + c] * x[b * ldx + c];
        y[b * ldy + r] = tanh_out ? std::tanh(z) : z;
      }
  }

  void linear_backward(const float* W, const float* x, int ldx, const float* dy, int lddy,
                       float* gW, float* gb, float* dx, bool dx_accumulate, int B, int R,
                       int C) const {
    for (int r = 0; r < R; ++r) {
      for (int c = 0; c < C; ++c) {
        float s = 0;
        for (int b = 0; b < B; ++b) s += dy[b * lddy + r] * x[b * ldx + c];
        gW[r * C + c] += s;
      }
      if (gb == nullptr) continue;
      float s = 0;
      for (int b = 0; b < B; ++b) s += dy[b * lddy + r];
      gb[r] += s;
    }
    if (dx == nullptr) return;
    for (int b = 0; b < B; ++b)
      for (int c = 0; c < C; ++c) {
        float s = 0;
        for (int r = 0; r < R; ++r) s += W[r * C + c] * dy[b * lddy + r];
        dx[b * C + c] = dx_accumulate ? dx[b * C + c] + s : s;
      }
  }

  void tanh_backward(const float* a, const float* da, float* d, int n) const {
    for (int k = 0; k < n; ++k) d[k] = da[k] * (1.0f - a[k] * a[k]);
  }
  void add_bias(float* y, const float* bias, int B, int C) const {
    for (int k = 0; k < B * C; ++k) y[k] += bias[k % C];
  }
  void add(const float* a, const float* b, float* y, int n) const {
    for (int k = 0; k < n; ++k) y[k] = a[k] + b[k];
  }
  void add_residual(float* u, const float* out, const float* bias, int B, int C) const {
    for (int k = 0; k < B * C; ++k) u[k] += out[k] + bias[k % C];
  }

  void embedding_lookup(const float* E, const int* token, int first, int rows, float* y, int B,
                        int H) const {
    for (int b = 0; b < B; ++b) {
      const int row = token[b] - first;
      for (int h = 0; h < H; ++h) y[b * H + h] = row >= 0 && row < rows ? E[row * H + h] : 0.0f;
    }
  }
  void embedding_backward(float* gE, const int* token, int first, int rows, const float* dy, int B,
                          int H) const {
    for (int b = 0; b < B; ++b) {
      const int row = token[b] - first;
      if (row < 0 || row >= rows) continue;
      for (int h = 0; h < H; ++h) gE[row * H + h] += dy[b * H + h];
    }
  }

  void softmax_xent(float* logits, const int* target, float* loss, int B, int V,
                    int global_batch) const {
    float sum_of_rows = 0;  // in batch order, as the reference adds them
    for (int b = 0; b < B; ++b) {
      float* z = logits + b * V;
      const float top = *std::max_element(z, z + V);
      float sum = 0;
      for (int k = 0; k < V; ++k) sum += std::exp(z[k] - top);
      const int t = target[b];
      sum_of_rows += (std::log(sum) + top - z[t]) / global_batch;
      for (int k = 0; k < V; ++k)  // z becomes dloss/dz
        z[k] = (std::exp(z[k] - top) / sum - (k == t ? 1.0f : 0.0f)) / global_batch;
    }
    *loss = sum_of_rows;
  }

  void sgd(float* value, float* grad, float lr, int n) const {
    for (int k = 0; k < n; ++k) {
      value[k] -= lr * grad[k];
      grad[k] = 0.0f;
    }
  }

  void copy(float* to, const float* from, int n) const { std::copy_n(from, n, to); }
  void zero(float* to, int n) const { std::fill_n(to, n, 0.0f); }
  float read(const float* value) const { return *value; }
  void synchronize() const {}
};

}  // namespace mimo_step

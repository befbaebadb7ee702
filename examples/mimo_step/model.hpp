// examples/mimo_step/model.hpp: the toy two-module model's sizes, its deterministic initial
// values and data, and the flat parameter store that SGD and the gradient all-reduces work on.
//
// Encoder (images):  e = W2e tanh(W1e x + b1e) + b2e                 (x: features)
// Language model:    u0 = e + E[token_in];  u_{l+1} = u_l + W2 tanh(W1 u_l + b1) + b2
//                    logits = E u_L (E tied: input embedding and output projection)
// Loss: mean cross-entropy of logits against token_out over the global batch.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mimo_step {

inline constexpr int batch = 8;          // global batch, split over each module's dp
inline constexpr int features = 8;       // encoder input
inline constexpr int hidden = 16;        // the width the bridge carries
inline constexpr int encoder_inner = 16; // split over the images module's tp
inline constexpr int inner = 32;         // split over the language module's tp
inline constexpr int vocab = 16;         // split over the language module's tp
inline constexpr int blocks = 2;         // split over the language module's pp
inline constexpr int dataset_batches = 4;  // the data repeats, so the loss visibly falls
inline constexpr float learning_rate = 0.2f;

// Each tensor's values are a function of its id and the global index of an element, so a rank
// makes exactly its shard and the reference the whole tensor, with the same numbers.
enum tensor_id : int { enc_w1, enc_b1, enc_w2, enc_b2, embedding, block_base };
constexpr int block_tensor(int block, int which) { return block_base + 4 * block + which; }
enum block_part : int { w1, b1, w2, b2 };

namespace detail {
constexpr std::uint64_t mix(std::uint64_t z) {  // splitmix64's finalizer
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
// Uniform in [-1, 1).
constexpr float uniform(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const std::uint64_t h = mix(mix(mix(a) ^ b) ^ c);
  return static_cast<float>(static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0);
}
}  // namespace detail

inline float initial_value(int tensor, int index) {
  const int kind = tensor < block_base ? tensor : (tensor - block_base) % 4 + 10;
  float scale = 0.1f;  // biases
  switch (kind) {
    case enc_w1: scale = 1.0f / std::sqrt(float(features)); break;
    case enc_w2: scale = 1.0f / std::sqrt(float(encoder_inner)); break;
    case embedding: scale = 0.5f; break;
    case 10 + w1: scale = 1.0f / std::sqrt(float(hidden)); break;
    case 10 + w2: scale = 1.0f / std::sqrt(float(inner)); break;
    default: break;
  }
  return scale * detail::uniform(1, static_cast<std::uint64_t>(tensor),
                                 static_cast<std::uint64_t>(index));
}

// One sample of the global batch of a step: the target depends on both modules' inputs.
struct sample {
  std::array<float, features> x{};
  int token_in = 0, token_out = 0;
};

inline sample make_sample(int step, int index) {
  const auto batch_id = static_cast<std::uint64_t>(step % dataset_batches);
  sample s;
  int strongest = 0;
  for (int j = 0; j < features; ++j) {
    s.x[j] = detail::uniform(2, batch_id * batch + index, j);
    if (j < 4 && s.x[j] > s.x[strongest]) strongest = j;
  }
  const float t = detail::uniform(3, batch_id * batch + index, 0) * 0.5f + 0.5f;  // [0, 1)
  s.token_in = static_cast<int>(t * vocab) % vocab;
  s.token_out = (s.token_in + 3 * strongest + 1) % vocab;
  return s;
}

// The reference's parameters (reference.hpp): whole tensors in one buffer, their gradients beside
// them.
class flat_params {
 public:
  // Reserves n values and returns their offset.
  int add(int n) {
    const int at = static_cast<int>(value_.size());
    value_.resize(value_.size() + n);
    grad_.resize(grad_.size() + n);
    return at;
  }
  float* value(int at) { return value_.data() + at; }
  float& initial(int at) { return value_[at]; }  // the value before training (shards.hpp)
  float* grad(int at) { return grad_.data() + at; }
  float* grads() { return grad_.data(); }
  int size() const { return static_cast<int>(value_.size()); }

  void zero_grad() { grad_.assign(grad_.size(), 0.0f); }
  void sgd(float lr) {
    for (std::size_t i = 0; i < value_.size(); ++i) value_[i] -= lr * grad_[i];
  }

 private:
  std::vector<float> value_, grad_;
};

}  // namespace mimo_step

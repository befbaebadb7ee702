// examples/mimo_step/kernels.cu: see kernels.hpp. One thread per output element; the sums run
// in the host reference's order where that is cheap, and in float, as the reference does.
#include "kernels.hpp"

namespace mimo_step::gpu {
namespace {

constexpr int threads = 128;
int blocks_for(int n) { return (n + threads - 1) / threads; }

__global__ void linear_kernel(const float* W, const float* bias, const float* x, int ldx, float* y,
                              int ldy, int B, int R, int C, bool tanh_out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= B * R) return;
  const int b = i / R, r = i % R;
  float z = bias != nullptr ? bias[r] : 0.0f;
  for (int c = 0; c < C; ++c) z += W[r * C + c] * x[b * ldx + c];
  y[b * ldy + r] = tanh_out ? tanhf(z) : z;
}

__global__ void weight_grad_kernel(const float* x, int ldx, const float* dy, int lddy, float* gW,
                                   float* gb, int B, int R, int C) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= R * (C + 1)) return;
  const int r = i / (C + 1), c = i % (C + 1);
  float s = 0;
  if (c == C) {  // the bias
    if (gb == nullptr) return;
    for (int b = 0; b < B; ++b) s += dy[b * lddy + r];
    gb[r] += s;
    return;
  }
  for (int b = 0; b < B; ++b) s += dy[b * lddy + r] * x[b * ldx + c];
  gW[r * C + c] += s;
}

__global__ void input_grad_kernel(const float* W, const float* dy, int lddy, float* dx,
                                  bool accumulate, int B, int R, int C) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= B * C) return;
  const int b = i / C, c = i % C;
  float s = 0;
  for (int r = 0; r < R; ++r) s += W[r * C + c] * dy[b * lddy + r];
  dx[b * C + c] = accumulate ? dx[b * C + c] + s : s;
}

__global__ void tanh_backward_kernel(const float* a, const float* da, float* d, int n) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < n) d[k] = da[k] * (1.0f - a[k] * a[k]);
}

__global__ void add_bias_kernel(float* y, const float* bias, int B, int C) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < B * C) y[k] += bias[k % C];
}

__global__ void add_kernel(const float* a, const float* b, float* y, int n) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < n) y[k] = a[k] + b[k];
}

__global__ void add_residual_kernel(float* u, const float* out, const float* bias, int B, int C) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < B * C) u[k] += out[k] + bias[k % C];
}

__global__ void lookup_kernel(const float* E, const int* token, int first, int rows, float* y, int B,
                              int H) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= B * H) return;
  const int b = k / H, h = k % H, row = token[b] - first;
  y[k] = row >= 0 && row < rows ? E[row * H + h] : 0.0f;
}

// One thread per (row, h): adds every sample's gradient whose token is that row, in batch order.
__global__ void lookup_backward_kernel(float* gE, const int* token, int first, int rows,
                                       const float* dy, int B, int H) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= rows * H) return;
  const int row = k / H, h = k % H;
  for (int b = 0; b < B; ++b)
    if (token[b] - first == row) gE[k] += dy[b * H + h];
}

// One thread per row; a single block (B is the batch of one rank: at most 8 here).
__global__ void softmax_xent_kernel(float* logits, const int* target, float* loss, int B, int V,
                                    int global_batch) {
  __shared__ float part[threads];
  const int b = threadIdx.x;
  float l = 0;
  if (b < B) {
    float* z = logits + b * V;
    float top = z[0];
    for (int k = 1; k < V; ++k) top = fmaxf(top, z[k]);
    float sum = 0;
    for (int k = 0; k < V; ++k) sum += expf(z[k] - top);
    const int t = target[b];
    l = (logf(sum) + top - z[t]) / global_batch;
    for (int k = 0; k < V; ++k) z[k] = (expf(z[k] - top) / sum - (k == t ? 1.0f : 0.0f)) / global_batch;
  }
  part[threadIdx.x] = l;
  __syncthreads();
  if (threadIdx.x == 0) {  // in batch order, as the reference adds them
    float s = 0;
    for (int i = 0; i < B; ++i) s += part[i];
    *loss = s;
  }
}

__global__ void sgd_kernel(float* value, float* grad, float lr, int n) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k < n) {
    value[k] -= lr * grad[k];
    grad[k] = 0.0f;
  }
}

}  // namespace

void linear(cudaStream_t stream, const float* W, const float* bias, const float* x, int ldx,
            float* y, int ldy, int B, int R, int C, bool tanh_out) {
  linear_kernel<<<blocks_for(B * R), threads, 0, stream>>>(W, bias, x, ldx, y, ldy, B, R, C, tanh_out);
}

void linear_backward(cudaStream_t stream, const float* W, const float* x, int ldx, const float* dy,
                     int lddy, float* gW, float* gb, float* dx, bool dx_accumulate, int B, int R,
                     int C) {
  weight_grad_kernel<<<blocks_for(R * (C + 1)), threads, 0, stream>>>(x, ldx, dy, lddy, gW, gb, B, R, C);
  if (dx != nullptr)
    input_grad_kernel<<<blocks_for(B * C), threads, 0, stream>>>(W, dy, lddy, dx, dx_accumulate, B, R, C);
}

void tanh_backward(cudaStream_t stream, const float* a, const float* da, float* d, int n) {
  tanh_backward_kernel<<<blocks_for(n), threads, 0, stream>>>(a, da, d, n);
}

void add_bias(cudaStream_t stream, float* y, const float* bias, int B, int C) {
  add_bias_kernel<<<blocks_for(B * C), threads, 0, stream>>>(y, bias, B, C);
}

void add(cudaStream_t stream, const float* a, const float* b, float* y, int n) {
  add_kernel<<<blocks_for(n), threads, 0, stream>>>(a, b, y, n);
}

void add_residual(cudaStream_t stream, float* u, const float* out, const float* bias, int B, int C) {
  add_residual_kernel<<<blocks_for(B * C), threads, 0, stream>>>(u, out, bias, B, C);
}

void embedding_lookup(cudaStream_t stream, const float* E, const int* token, int first, int rows,
                      float* y, int B, int H) {
  lookup_kernel<<<blocks_for(B * H), threads, 0, stream>>>(E, token, first, rows, y, B, H);
}

void embedding_backward(cudaStream_t stream, float* gE, const int* token, int first, int rows,
                        const float* dy, int B, int H) {
  lookup_backward_kernel<<<blocks_for(rows * H), threads, 0, stream>>>(gE, token, first, rows, dy, B, H);
}

void softmax_xent(cudaStream_t stream, float* logits, const int* target, float* loss, int B, int V,
                  int global_batch) {
  softmax_xent_kernel<<<1, threads, 0, stream>>>(logits, target, loss, B, V, global_batch);
}

void sgd(cudaStream_t stream, float* value, float* grad, float lr, int n) {
  sgd_kernel<<<blocks_for(n), threads, 0, stream>>>(value, grad, lr, n);
}

}  // namespace mimo_step::gpu

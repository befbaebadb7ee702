// examples/mimo_step/kernels.hpp: the device side of mimo_step's NCCL backend: small CUDA kernels
// for the toy model (its matrices are at most 32 x 32, so plain kernels, no cuBLAS). Plain
// pointers and ints only: kernels never see hetgrid types (docs/BUILDING.md). Every function
// enqueues on `stream` and returns at once. Row-major: W is R x C with row r at W + r * C; a
// batch of B vectors of length L sits at x + b * ldx.
#pragma once

#include <cuda_runtime.h>

namespace mimo_step::gpu {

// y[b, r] = bias[r] (0 where null) + sum_c W[r, c] x[b, c]; then tanh where asked.
void linear(cudaStream_t stream, const float* W, const float* bias, const float* x, int ldx,
            float* y, int ldy, int B, int R, int C, bool tanh_out);

// For y = W x (+ b), given dy: gW[r, c] += sum_b dy[b, r] x[b, c]; gb[r] += sum_b dy[b, r]
// (skipped where null); dx[b, c] = (dx_accumulate ? dx : 0) + sum_r W[r, c] dy[b, r] (skipped
// where dx is null).
void linear_backward(cudaStream_t stream, const float* W, const float* x, int ldx,
                     const float* dy, int lddy, float* gW, float* gb, float* dx, bool dx_accumulate,
                     int B, int R, int C);

// d[k] = da[k] (1 - a[k]^2), n elements (tanh's derivative).
void tanh_backward(cudaStream_t stream, const float* a, const float* da, float* d, int n);

// y[b, c] += bias[c] over B rows of C.
void add_bias(cudaStream_t stream, float* y, const float* bias, int B, int C);
// y[k] = a[k] + b[k] (y may be a or b).
void add(cudaStream_t stream, const float* a, const float* b, float* y, int n);
// u[b, c] += out[b, c] + bias[c] (a residual block's output).
void add_residual(cudaStream_t stream, float* u, const float* out, const float* bias, int B, int C);

// The vocab-parallel lookup: y[b] = E[token[b] - first] where that row is this rank's (first <=
// token < first + rows), else zeros. H: the embedding width.
void embedding_lookup(cudaStream_t stream, const float* E, const int* token, int first, int rows,
                      float* y, int B, int H);
// Its gradient: gE[token[b] - first] += dy[b] for the rows this rank holds.
void embedding_backward(cudaStream_t stream, float* gE, const int* token, int first, int rows,
                        const float* dy, int B, int H);

// Mean cross-entropy over `global_batch` of B rows of V logits against target: adds this rank's
// part of the loss to *loss (zeroed first) and turns logits into dloss/dlogits in place.
void softmax_xent(cudaStream_t stream, float* logits, const int* target, float* loss, int B, int V,
                  int global_batch);

// value[k] -= lr grad[k]; grad[k] = 0.
void sgd(cudaStream_t stream, float* value, float* grad, float lr, int n);

}  // namespace mimo_step::gpu

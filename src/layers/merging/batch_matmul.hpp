#pragma once
// Keras's batch_dot on the project's GEMM: per sample b, out[b] = X_b . Y_b, where X_b (M x K) is x[b] with its dot
// axis moved last and Y_b (K x N) is y[b] with its dot axis moved first (the other axes keep their order).
//
// A sample of x is a (P, K, Q) block: P the sizes between the batch and the dot axis, Q those after it. When P or
// Q is 1 the block already is X_b or its transpose, and the GEMM reads it in place (a transposed operand); only when
// both exceed 1 is it copied into the (P, Q, K) order. Likewise y's (P', K, Q') block and the (K, P', Q') order.
// So the attention-like (b, n, d) . (b, m, d) over the last axes runs as one n x d . (m x d)^T product per sample,
// with no copy, forward and backward.
#include <cstdint>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::layers::batch_matmul {

// One input as a batch of GEMM operands.
struct Operand {
  Tensor values;       // the input, or its reordered copy
  bool trans = false;  // the GEMM reads each block transposed
  int64_t ld = 0;      // row stride of each stored block
  bool reordered = false;
  int64_t P = 1, K = 1, Q = 1;  // the input's per-sample block
};

// x as the batch of X_b (M x K): dot axis `axis` (>= 1) of x.
Operand left(const Tensor& x, int axis);
// y as the batch of Y_b (K x N): dot axis `axis` (>= 1) of y.
Operand right(const Tensor& y, int axis);

// out (batch, M, N) = X_b . Y_b for every sample, M = x.P * x.Q, N = y.P * y.Q.
Tensor multiply(const Operand& x, const Operand& y, int64_t batch);
// dL/dx and dL/dy in the inputs' own layouts (the shapes x_dims, y_dims) from g = dL/d(out), (batch, M, N).
Tensor left_grad(const Operand& x, const Operand& y, const Tensor& g, int64_t batch,
                 const std::vector<int64_t>& x_dims);
Tensor right_grad(const Operand& x, const Operand& y, const Tensor& g, int64_t batch,
                  const std::vector<int64_t>& y_dims);

}  // namespace keras::layers::batch_matmul

#include "layers/merging/batch_matmul.hpp"

#include "backend/kernels.hpp"

namespace keras::layers::batch_matmul {

namespace {

// Below this many multiply-adds per sample the GEMM runs a plain single-threaded loop (kernels_cpu.cpp's cut-over),
// so the samples themselves are spread over the threads; above it oneDNN threads each product.
constexpr int64_t kSmallProduct = 4096;

// dst[o][c][r][i] = src[o][r][c][i]: swaps the (rows, cols) axes of `outer` blocks of `inner` contiguous values.
Tensor swap_axes(const Tensor& src, int64_t outer, int64_t rows, int64_t cols, int64_t inner) {
  Tensor dst = Tensor::empty({outer * rows * cols * inner});
  const float* s = src.data();
  float* d = dst.data();
#pragma omp parallel for if (outer > 1 && src.size() > (1 << 16))
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        backend::copy(s + ((o * rows + r) * cols + c) * inner, d + ((o * cols + c) * rows + r) * inner, inner);
  return dst;
}

// The block sizes of a sample of `t` around its dot axis.
Operand block_of(const Tensor& t, int axis) {
  Operand op;
  const std::vector<int64_t>& d = t.dims();
  for (int a = 1; a < static_cast<int>(d.size()); ++a) {
    if (a < axis) op.P *= d[static_cast<size_t>(a)];
    else if (a == axis) op.K = d[static_cast<size_t>(a)];
    else op.Q *= d[static_cast<size_t>(a)];
  }
  op.values = t;
  return op;
}

// C_b = alpha * op(A_b) . op(B_b) for every sample, each operand `stride` floats apart.
void batched_gemm(int64_t batch, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                  int64_t a_stride, const float* B, int64_t ldb, int64_t b_stride, float* C, int64_t ldc,
                  int64_t c_stride) {
  const int64_t work = M * N * K;
#pragma omp parallel for if (work < kSmallProduct && batch > 1 && batch * work > (1 << 15))
  for (int64_t b = 0; b < batch; ++b)
    backend::gemm(ta, tb, M, N, K, 1.0f, A + b * a_stride, lda, B + b * b_stride, ldb, 0.0f, C + b * c_stride, ldc);
}

}  // namespace

Operand left(const Tensor& x, int axis) {
  Operand op = block_of(x, axis);
  if (op.Q == 1) {  // (P, K): X_b itself
    op.ld = op.K;
  } else if (op.P == 1) {  // (K, Q): X_b transposed
    op.trans = true;
    op.ld = op.Q;
  } else {
    op.values = swap_axes(x, x.dims()[0] * op.P, op.K, op.Q, 1);  // (P, Q, K)
    op.reordered = true;
    op.ld = op.K;
  }
  return op;
}

Operand right(const Tensor& y, int axis) {
  Operand op = block_of(y, axis);
  if (op.P == 1) {  // (K, Q'): Y_b itself
    op.ld = op.Q;
  } else if (op.Q == 1) {  // (P', K): Y_b transposed
    op.trans = true;
    op.ld = op.K;
  } else {
    op.values = swap_axes(y, y.dims()[0], op.P, op.K, op.Q);  // (K, P', Q')
    op.reordered = true;
    op.ld = op.P * op.Q;
  }
  return op;
}

Tensor multiply(const Operand& x, const Operand& y, int64_t batch) {
  const int64_t M = x.P * x.Q, N = y.P * y.Q, K = x.K;
  Tensor out = Tensor::empty({batch, M, N});
  batched_gemm(batch, x.trans, y.trans, M, N, K, x.values.data(), x.ld, M * K, y.values.data(), y.ld, K * N,
               out.data(), N, M * N);
  return out;
}

// dX_b = G_b . op(Y_b)^T (M x K), stored the way X_b is: transposed (K x M) when x is read transposed.
Tensor left_grad(const Operand& x, const Operand& y, const Tensor& g, int64_t batch,
                 const std::vector<int64_t>& x_dims) {
  const int64_t M = x.P * x.Q, N = y.P * y.Q, K = x.K;
  Tensor d = Tensor::empty({batch * M * K});
  if (!x.trans)
    batched_gemm(batch, false, !y.trans, M, K, N, g.data(), N, M * N, y.values.data(), y.ld, K * N, d.data(), K,
                 M * K);
  else  // dX_b^T = op(Y_b) . G_b^T
    batched_gemm(batch, y.trans, true, K, M, N, y.values.data(), y.ld, K * N, g.data(), N, M * N, d.data(), M,
                 M * K);
  if (x.reordered) d = swap_axes(d, batch * x.P, x.Q, x.K, 1);  // (P, Q, K) back to (P, K, Q)
  return d.reshape(x_dims);
}

// dY_b = op(X_b)^T . G_b (K x N), stored the way Y_b is: transposed (N x K) when y is read transposed.
Tensor right_grad(const Operand& x, const Operand& y, const Tensor& g, int64_t batch,
                  const std::vector<int64_t>& y_dims) {
  const int64_t M = x.P * x.Q, N = y.P * y.Q, K = x.K;
  Tensor d = Tensor::empty({batch * K * N});
  if (!y.trans)
    batched_gemm(batch, !x.trans, false, K, N, M, x.values.data(), x.ld, M * K, g.data(), N, M * N, d.data(), N,
                 K * N);
  else  // dY_b^T = G_b^T . op(X_b)
    batched_gemm(batch, true, x.trans, N, K, M, g.data(), N, M * N, x.values.data(), x.ld, M * K, d.data(), K,
                 K * N);
  if (y.reordered) d = swap_axes(d, batch, y.K, y.P, y.Q);  // (K, P', Q') back to (P', K, Q')
  return d.reshape(y_dims);
}

}  // namespace keras::layers::batch_matmul

#pragma once
// The kernel interface: every hot loop of keraspp goes through these functions, so that the CPU implementation
// (oneDNN + OpenMP today) or a CUDA backend can be swapped in one folder. Row-major throughout.
#include <cstdint>

namespace keras::backend {

// C[M,N] = alpha * op(A) * op(B) + beta * C; op(A) is M x K, op(B) is K x N. lda/ldb/ldc are row strides.
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// What Dense's forward applies after its product, fused into it.
enum class DenseEpilogue { none, relu };
// y[M,N] = epilogue(x[M,K] * w[K,N] + bias[N]); bias may be null. One pass: bias and relu are fused into the product.
void dense_forward(const float* x, const float* w, const float* bias, float* y, int64_t M, int64_t K, int64_t N,
                   DenseEpilogue epilogue);

// y[r, c] += b[c] for every row.
void add_row_vector(float* y, const float* b, int64_t rows, int64_t cols);
// out[c] (+)= sum_r g[r, c].
void column_sums(const float* g, float* out, int64_t rows, int64_t cols, bool accumulate);
// y = x (n floats), parallel for large n.
void copy(const float* x, float* y, int64_t n);
// y += x.
void add_into(float* y, const float* x, int64_t n);

}  // namespace keras::backend

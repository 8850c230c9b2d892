#include <oneapi/dnnl/dnnl.h>

#include <cstring>

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"

namespace keras::backend {

namespace {
// Below this many multiply-adds a plain loop beats oneDNN's call overhead (cpu-backend.md: ~16^3).
constexpr int64_t kSmallGemm = 4096;

void small_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) std::memset(c, 0, static_cast<size_t>(N) * sizeof(float));
    else if (beta != 1.0f)
      for (int64_t j = 0; j < N; ++j) c[j] *= beta;
    for (int64_t k = 0; k < K; ++k) {
      float a = alpha * (ta ? A[k * lda + i] : A[i * lda + k]);
      if (!tb) {
        const float* b = B + k * ldb;
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      } else {
        for (int64_t j = 0; j < N; ++j) c[j] += a * B[j * ldb + k];
      }
    }
  }
}
}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0 || M * N * K < kSmallGemm) {
    small_gemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (st != dnnl_success) throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(st));
}

void add_row_vector(float* y, const float* b, int64_t rows, int64_t cols) {
#pragma omp parallel for if (rows * cols > (1 << 16))
  for (int64_t r = 0; r < rows; ++r) {
    float* yr = y + r * cols;
    for (int64_t c = 0; c < cols; ++c) yr[c] += b[c];
  }
}

void column_sums(const float* g, float* out, int64_t rows, int64_t cols, bool accumulate) {
  if (!accumulate) std::memset(out, 0, static_cast<size_t>(cols) * sizeof(float));
  for (int64_t r = 0; r < rows; ++r) {
    const float* gr = g + r * cols;
    for (int64_t c = 0; c < cols; ++c) out[c] += gr[c];
  }
}

void copy(const float* x, float* y, int64_t n) {
  if (x != y) std::memcpy(y, x, static_cast<size_t>(n) * sizeof(float));
}

void add_into(float* y, const float* x, int64_t n) {
#pragma omp parallel for simd if (parallel : n > (1 << 16))
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

}  // namespace keras::backend

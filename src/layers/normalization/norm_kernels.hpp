#pragma once
// Loops shared by the normalization layers (BatchNormalization, LayerNormalization, GroupNormalization) and the
// Normalization preprocessing layer. A tensor is seen around one axis as (outer, channels, inner), row-major, so a
// channel's values are `inner`-long contiguous runs (inner == 1 for the usual channels-last axis -1, where each row
// of `channels` values is contiguous and the loops over channels vectorise). Statistics accumulate in double
// (channels-last: in float over L1-sized blocks of rows, then in double).
// Large tensors are split over OpenMP threads; reductions give each thread its own accumulator and add them up in
// thread order, so results do not depend on scheduling.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace keras::layers::norm {

// Work (in elements) below which the loops stay on one thread.
inline constexpr int64_t kParallelThreshold = 1 << 15;

// Channels-last (inner == 1) reductions walk rows in blocks small enough to stay in L1 (about 16 KB): each block is
// summed in float, which vectorises at full width and is short enough to stay accurate, and then added into double.
// Calling a per-row function with double accumulators (parallel_accumulate) was 3-5x slower there, and
// BatchNormalization after a convolution (tens of thousands of rows of 32-64 channels) spent most of its time in it.
inline int64_t block_rows(int64_t channels) {
  return std::clamp<int64_t>(4096 / std::max<int64_t>(channels, 1), 1, 256);
}

// Threads for `rows` rows of work.
inline int row_threads(int64_t rows) { return static_cast<int>(std::clamp<int64_t>(omp_get_max_threads(), 1, rows)); }

// Runs f(thread, first_row, end_row) on `threads` contiguous row ranges, one per thread (thread t gets the t-th), so
// per-thread partial sums can be merged in thread order.
template <class F>
void for_thread_rows(int64_t rows, int threads, F&& f) {
  if (threads <= 1) {
    f(0, int64_t{0}, rows);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const int n = omp_get_num_threads();
    f(t, rows * t / n, rows * (t + 1) / n);
  }
}

// A tensor seen as (outer, channels, inner) around `axis` (already in [0, ndim)).
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
  int64_t size() const { return outer * channels * inner; }
  // Elements per channel.
  int64_t count() const { return outer * inner; }
};
AxisSplit split_at(const std::vector<int64_t>& dims, int axis);

// Runs f(acc, first_row, end_row) on `threads` contiguous row ranges, each with its own zeroed `len` doubles, and
// overwrites out with their sum, added in thread order.
template <class F>
void accumulate_thread_rows(int64_t rows, int threads, int64_t len, double* out, F&& f) {
  std::fill(out, out + len, 0.0);
  if (threads <= 1) {
    f(out, int64_t{0}, rows);
    return;
  }
  std::vector<double> partial(static_cast<size_t>(threads * len), 0.0);
  for_thread_rows(rows, threads, [&](int t, int64_t r0, int64_t r1) { f(partial.data() + t * len, r0, r1); });
  for (int t = 0; t < threads; ++t)
    for (int64_t i = 0; i < len; ++i) out[i] += partial[static_cast<size_t>(t * len + i)];
}

// Runs f(acc, k) for k in [0, n), where acc is `len` doubles: one zeroed buffer per thread, added into out (which is
// overwritten) in thread order.
template <class F>
void parallel_accumulate(int64_t n, int64_t len, bool parallel, double* out, F&& f) {
  accumulate_thread_rows(n, parallel ? row_threads(n) : 1, len, out, [&](double* acc, int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k) f(acc, k);
  });
}

// Per-channel mean and (biased) variance over outer and inner: two passes.
void channel_moments(const float* x, const AxisSplit& s, double* mean, double* var);
// sum_g[c] = sum of g, sum_gd[c] = sum of g * (x - center[c]), over outer and inner.
void channel_grad_sums(const float* g, const float* x, const AxisSplit& s, const float* center, double* sum_g,
                       double* sum_gd);
// y = a[c] * (x - m[c]) + b[c], then max(y, 0) when relu. m or b may be null (zero).
void channel_affine(const float* x, const AxisSplit& s, const float* a, const float* m, const float* b, float* y,
                    bool relu = false);
// dx = a[c] * g + b[c] * (x - m[c]) + c[c].
void channel_affine_grad(const float* g, const float* x, const AxisSplit& s, const float* a, const float* b,
                         const float* m, const float* c, float* dx);

}  // namespace keras::layers::norm

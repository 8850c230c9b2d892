#include "layers/normalization/norm_kernels.hpp"

#include <limits>

namespace keras::layers::norm {

AxisSplit split_at(const std::vector<int64_t>& dims, int axis) {
  AxisSplit s;
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    int64_t d = dims[static_cast<size_t>(i)];
    if (i < axis) s.outer *= d;
    else if (i == axis) s.channels = d;
    else s.inner *= d;
  }
  return s;
}

namespace {

bool big(const AxisSplit& s) { return s.size() > kParallelThreshold && s.outer > 1; }

// Count, mean and sum of squared deviations per channel; two of these merge exactly (Chan et al.), so blocks and
// threads can be combined in any fixed order without a second pass over the data.
struct RunningMoments {
  double n = 0;
  std::vector<double> mean, m2;
  explicit RunningMoments(int64_t channels)
      : mean(static_cast<size_t>(channels), 0.0), m2(static_cast<size_t>(channels), 0.0) {}
  template <class M, class Q>
  void merge(double nb, const M* mean_b, const Q* m2_b) {
    if (nb == 0) return;
    const double total = n + nb, w = n * nb / total;
    for (size_t c = 0; c < mean.size(); ++c) {
      const double d = static_cast<double>(mean_b[c]) - mean[c];
      mean[c] += d * nb / total;
      m2[c] += static_cast<double>(m2_b[c]) + d * d * w;
    }
    n = total;
  }
};

// Values are summed as deviations from `shift` (the tensor's first row), so a block's float sum stays small and exact
// enough even when the mean is far from zero relative to the spread (1000 + noise: summing raw values in float would
// lose the noise).
void rows_moments(const float* x, const float* shift, int64_t C, int64_t r0, int64_t r1, RunningMoments& out) {
  std::vector<float> sum(static_cast<size_t>(C)), sq(static_cast<size_t>(C));
  std::vector<double> block_mean(static_cast<size_t>(C));
  float* s = sum.data();
  float* q = sq.data();
  const int64_t step = block_rows(C);
  for (int64_t b0 = r0; b0 < r1; b0 += step) {
    const int64_t b1 = std::min(r1, b0 + step);
    std::fill(sum.begin(), sum.end(), 0.0f);
    std::fill(sq.begin(), sq.end(), 0.0f);
    for (int64_t r = b0; r < b1; ++r) {
      const float* p = x + r * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) s[c] += p[c] - shift[c];
    }
    const float inv_n = 1.0f / static_cast<float>(b1 - b0);
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) s[c] *= inv_n;  // now the block's mean deviation from the shift
    for (int64_t r = b0; r < b1; ++r) {
      const float* p = x + r * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        const float d = (p[c] - shift[c]) - s[c];
        q[c] += d * d;
      }
    }
    for (int64_t c = 0; c < C; ++c) block_mean[static_cast<size_t>(c)] = static_cast<double>(shift[c]) + s[c];
    out.merge(static_cast<double>(b1 - b0), block_mean.data(), q);
  }
}

void channels_last_moments(const float* x, const AxisSplit& s, double* mean, double* var) {
  const int64_t C = s.channels;
  const int threads = big(s) ? row_threads(s.outer) : 1;
  std::vector<RunningMoments> parts(static_cast<size_t>(threads), RunningMoments(C));
  for_thread_rows(s.outer, threads, [&](int t, int64_t r0, int64_t r1) {
    rows_moments(x, x, C, r0, r1, parts[static_cast<size_t>(t)]);
  });
  RunningMoments all(C);
  for (const auto& p : parts) all.merge(p.n, p.mean.data(), p.m2.data());
  for (int64_t c = 0; c < C; ++c) {
    mean[c] = all.n > 0 ? all.mean[static_cast<size_t>(c)] : 0.0;
    var[c] = all.n > 0 ? all.m2[static_cast<size_t>(c)] / all.n : 0.0;
  }
}

void channels_last_grad_sums(const float* g, const float* x, const AxisSplit& s, const float* center, double* sum_g,
                             double* sum_gd) {
  const int64_t C = s.channels;
  std::vector<double> both(static_cast<size_t>(2 * C));
  accumulate_thread_rows(s.outer, big(s) ? row_threads(s.outer) : 1, 2 * C, both.data(),
                         [&](double* acc, int64_t r0, int64_t r1) {
    std::vector<float> block(static_cast<size_t>(2 * C));
    float* sg = block.data();
    float* sgd = sg + C;
    const int64_t step = block_rows(C);
    for (int64_t b0 = r0; b0 < r1; b0 += step) {
      const int64_t b1 = std::min(r1, b0 + step);
      std::fill(block.begin(), block.end(), 0.0f);
      for (int64_t r = b0; r < b1; ++r) {
        const float* gp = g + r * C;
        const float* xp = x + r * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c) {
          sg[c] += gp[c];
          sgd[c] += gp[c] * (xp[c] - center[c]);
        }
      }
      for (int64_t i = 0; i < 2 * C; ++i) acc[i] += block[static_cast<size_t>(i)];
    }
  });
  std::copy(both.begin(), both.begin() + C, sum_g);
  std::copy(both.begin() + C, both.end(), sum_gd);
}

}  // namespace

void channel_moments(const float* x, const AxisSplit& s, double* mean, double* var) {
  if (s.inner == 1) return channels_last_moments(x, s, mean, var);
  const int64_t C = s.channels, I = s.inner;
  const double n = static_cast<double>(s.count());
  parallel_accumulate(s.outer, C, big(s), mean, [&](double* acc, int64_t o) {
    const float* p = x + o * C * I;
    for (int64_t c = 0; c < C; ++c) {
      double t = 0;
#pragma omp simd reduction(+ : t)
      for (int64_t i = 0; i < I; ++i) t += p[c * I + i];
      acc[c] += t;
    }
  });
  for (int64_t c = 0; c < C; ++c) mean[c] = n > 0 ? mean[c] / n : 0.0;
  parallel_accumulate(s.outer, C, big(s), var, [&](double* acc, int64_t o) {
    const float* p = x + o * C * I;
    for (int64_t c = 0; c < C; ++c) {
      double t = 0, m = mean[c];
#pragma omp simd reduction(+ : t)
      for (int64_t i = 0; i < I; ++i) {
        double d = p[c * I + i] - m;
        t += d * d;
      }
      acc[c] += t;
    }
  });
  for (int64_t c = 0; c < C; ++c) var[c] = n > 0 ? var[c] / n : 0.0;
}

void channel_grad_sums(const float* g, const float* x, const AxisSplit& s, const float* center, double* sum_g,
                       double* sum_gd) {
  if (s.inner == 1) return channels_last_grad_sums(g, x, s, center, sum_g, sum_gd);
  const int64_t C = s.channels, I = s.inner;
  std::vector<double> both(static_cast<size_t>(2 * C));
  parallel_accumulate(s.outer, 2 * C, big(s), both.data(), [&](double* acc, int64_t o) {
    const float* gp = g + o * C * I;
    const float* xp = x + o * C * I;
    for (int64_t c = 0; c < C; ++c) {
      double tg = 0, tgd = 0;
      const float m = center[c];
#pragma omp simd reduction(+ : tg, tgd)
      for (int64_t i = 0; i < I; ++i) {
        tg += gp[c * I + i];
        tgd += static_cast<double>(gp[c * I + i]) * (xp[c * I + i] - m);
      }
      acc[c] += tg;
      acc[C + c] += tgd;
    }
  });
  std::copy(both.begin(), both.begin() + C, sum_g);
  std::copy(both.begin() + C, both.end(), sum_gd);
}

void channel_affine(const float* x, const AxisSplit& s, const float* a, const float* m, const float* b, float* y,
                    bool relu) {
  const int64_t C = s.channels, I = s.inner;
  std::vector<float> zeros;
  if (!m || !b) zeros.assign(static_cast<size_t>(C), 0.0f);
  if (!m) m = zeros.data();
  if (!b) b = zeros.data();
  // (v < floor ? floor : v): with floor 0 exactly the relu activation's kernel (NaN stays NaN, -0 stays -0), with
  // -inf the identity. Written as a select, it vectorises; std::max compiled to a branch per element here.
  const float floor = relu ? 0.0f : -std::numeric_limits<float>::infinity();
#pragma omp parallel for schedule(static) if (big(s))
  for (int64_t o = 0; o < s.outer; ++o) {
    const float* p = x + o * C * I;
    float* q = y + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        const float v = a[c] * (p[c] - m[c]) + b[c];
        q[c] = v < floor ? floor : v;
      }
    } else {
      for (int64_t c = 0; c < C; ++c) {
        const float ac = a[c], mc = m[c], bc = b[c];
#pragma omp simd
        for (int64_t i = 0; i < I; ++i) {
          const float v = ac * (p[c * I + i] - mc) + bc;
          q[c * I + i] = v < floor ? floor : v;
        }
      }
    }
  }
}

void channel_affine_grad(const float* g, const float* x, const AxisSplit& s, const float* a, const float* b,
                         const float* m, const float* c, float* dx) {
  const int64_t C = s.channels, I = s.inner;
#pragma omp parallel for schedule(static) if (big(s))
  for (int64_t o = 0; o < s.outer; ++o) {
    const float* gp = g + o * C * I;
    const float* xp = x + o * C * I;
    float* q = dx + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t k = 0; k < C; ++k) q[k] = a[k] * gp[k] + b[k] * (xp[k] - m[k]) + c[k];
    } else {
      for (int64_t k = 0; k < C; ++k) {
        const float ak = a[k], bk = b[k], mk = m[k], ck = c[k];
#pragma omp simd
        for (int64_t i = 0; i < I; ++i) q[k * I + i] = ak * gp[k * I + i] + bk * (xp[k * I + i] - mk) + ck;
      }
    }
  }
}

}  // namespace keras::layers::norm

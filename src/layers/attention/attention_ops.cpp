#include "layers/attention/attention_ops.hpp"

#include <algorithm>
#include <cmath>

#include "backend/kernels.hpp"
#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"

namespace keras::layers::attention_ops {

void batched_matmul(bool trans_a, bool trans_b, int64_t batches, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, const float* B, float beta, float* C) {
  // Attention's matrices are small (sequence x head size): one product per thread, rather than threads per product.
#pragma omp parallel for if (batches > 1 && batches * M * N * K > (1 << 16))
  for (int64_t b = 0; b < batches; ++b)
    backend::gemm(trans_a, trans_b, M, N, K, alpha, A + b * M * K, trans_a ? M : K, B + b * K * N, trans_b ? K : N,
                  beta, C + b * M * N, N);
}

void masked_softmax(float* x, const float* mask, int64_t rows, int64_t n) {
  // Keras's _large_negative_number for float32.
  constexpr float kMasked = -1e9f;
#pragma omp parallel for if (rows * n > (1 << 15))
  for (int64_t r = 0; r < rows; ++r) {
    float* row = x + r * n;
    if (mask) {
      const float* m = mask + r * n;
      for (int64_t j = 0; j < n; ++j) row[j] += (1.0f - m[j]) * kMasked;
    }
    float top = row[0];
    for (int64_t j = 1; j < n; ++j) top = std::max(top, row[j]);
    float sum = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - top);
      sum += row[j];
    }
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < n; ++j) row[j] *= inv;
  }
}

void softmax_backward(const float* y, float* dy, int64_t rows, int64_t n) {
#pragma omp parallel for if (rows * n > (1 << 15))
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * n;
    float* g = dy + r * n;
    float dot = 0.0f;
    for (int64_t j = 0; j < n; ++j) dot += g[j] * yr[j];
    for (int64_t j = 0; j < n; ++j) g[j] = yr[j] * (g[j] - dot);
  }
}

Tensor tanh_scores(const Tensor& q, const Tensor& k, const TanhScoreWeights& w) {
  const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
  Tensor s = Tensor::empty({batch, tq, tv});
#pragma omp parallel for if (batch * tq * tv * d > (1 << 15))
  for (int64_t r = 0; r < batch * tq; ++r) {
    const float* qr = q.data() + r * d;
    const float* kb = k.data() + (r / tq) * tv * d;
    for (int64_t j = 0; j < tv; ++j) {
      float sum = 0.0f;
      for (int64_t e = 0; e < d; ++e) sum += w.weight(e) * std::tanh(w.c * (qr[e] + kb[j * d + e]));
      s.data()[r * tv + j] = sum;
    }
  }
  return s;
}

TanhScoreGrads tanh_scores_backward(const Tensor& q, const Tensor& k, const Tensor& ds, const TanhScoreWeights& w) {
  const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
  TanhScoreGrads g{Tensor::zeros(q.dims()), Tensor::zeros(k.dims()),
                   std::vector<double>(static_cast<size_t>(w.per_feature ? d : 1), 0.0), 0.0};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < tq; ++i) {
      const float* qr = q.data() + (b * tq + i) * d;
      float* dqr = g.query.data() + (b * tq + i) * d;
      for (int64_t j = 0; j < tv; ++j) {
        const float* kr = k.data() + (b * tv + j) * d;
        float* dkr = g.key.data() + (b * tv + j) * d;
        const float gs = ds.data()[(b * tq + i) * tv + j];
        for (int64_t e = 0; e < d; ++e) {
          const float sum = qr[e] + kr[e];
          const float u = std::tanh(w.c * sum);
          g.a[w.per_feature ? static_cast<size_t>(e) : 0] += static_cast<double>(gs) * u;
          const float du = gs * w.weight(e) * (1.0f - u * u);  // d loss / d (c * sum)
          dqr[e] += du * w.c;
          dkr[e] += du * w.c;
          g.c += static_cast<double>(du) * sum;
        }
      }
    }
  return g;
}

double read_dropout(const kw::Kwargs& k, const std::string& layer) {
  const double rate = k.get_or("dropout", 0.0);
  if (!(rate >= 0.0 && rate <= 1.0))
    throw ValueError("Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                     "Received: rate=" + py_float(rate),
                     {.layer = layer, .expected = "0 <= dropout <= 1", .received = py_float(rate),
                      .hint = "dropout is the fraction of attention weights dropped in training, e.g. 0.1."});
  return rate;
}

Tensor causal_mask(int64_t t, int64_t s) {
  Tensor c = Tensor::empty({1, t, s});
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < s; ++j) c.data()[i * s + j] = i >= j ? 1.0f : 0.0f;
  return c;
}

namespace {
template <class D>
bool expand(std::vector<D>& dims, int axis, D one) {
  const int rank = static_cast<int>(dims.size()) + 1;
  if (axis < -rank || axis >= rank) return false;
  const int at = axis < 0 ? axis + rank : axis;
  dims.insert(dims.begin() + at, one);
  return true;
}
}  // namespace

bool expand_dims(std::vector<int64_t>& dims, int axis) { return expand<int64_t>(dims, axis, 1); }
bool expand_dims(std::vector<Dim>& dims, int axis) { return expand<Dim>(dims, axis, Dim(1)); }

Tensor as_bool(const Tensor& m) {
  Tensor out = Tensor::empty(m.dims());
  const float* s = m.data();
  float* d = out.data();
  for (int64_t i = 0; i < m.size(); ++i) d[i] = s[i] != 0.0f ? 1.0f : 0.0f;
  return out;
}

Tensor broadcast_to(const Tensor& m, const std::vector<int64_t>& target) {
  if (m.dims() == target) return m;
  return m * Tensor::ones(target);
}

bool broadcasts_to(const std::vector<Dim>& mask, const std::vector<Dim>& target) {
  if (mask.size() > target.size()) return false;
  const size_t off = target.size() - mask.size();
  for (size_t i = 0; i < mask.size(); ++i) {
    const Dim m = mask[i], t = target[off + i];
    if (m.known() && m.value() != 1 && t.known() && m.value() != t.value()) return false;  // None: the data decides
  }
  return true;
}

std::string dims_text(const std::vector<Dim>& dims) { return to_string(Shape(dims)); }

}  // namespace keras::layers::attention_ops

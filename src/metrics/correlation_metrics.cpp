// PearsonCorrelation and ConcordanceCorrelation: keras/src/metrics/correlation_metrics.py (the newest version, whose
// Pearson adds epsilon to each standard deviation, so that a constant sample gives 0 rather than NaN).
#include <cmath>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"
#include "metrics/define_clone.hpp"

namespace keras::metric_types {

namespace {
namespace correlation {

constexpr double kEpsilon = 1e-7;  // backend.epsilon()

enum class Kind { kPearson, kConcordance };

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out = "(";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + (dims.size() == 1 ? ",)" : ")");
}

// Keras's squeeze_or_expand_to_same_rank: a trailing axis of 1 on the higher-rank side goes (or, against a rank-1
// tensor, the rank-1 side gains one), so (B,) meets (B, 1).
void same_rank(std::vector<int64_t>& t, std::vector<int64_t>& p) {
  if (t.size() == p.size() + 1 && t.back() == 1) {
    if (p.size() == 1) p = {p[0], 1};  // (assigned whole: GCC 12 misreads push_back here as out of bounds)
    else t.pop_back();
  } else if (p.size() == t.size() + 1 && p.back() == 1) {
    if (t.size() == 1) t = {t[0], 1};
    else p.pop_back();
  }
}

// One correlation per index of the dims without `axis`.
Tensor along_axis(const Tensor& y_true, const Tensor& y_pred, int axis, Kind kind, const std::string& name) {
  std::vector<int64_t> td = y_true.dims(), pd = y_pred.dims();
  same_rank(td, pd);
  if (td != pd || td.empty())
    throw ValueError("`" + name + "` needs y_true and y_pred of the same shape, of rank 1 or more. Received: "
                         "y_true.shape=" + dims_text(y_true.dims()) + ", y_pred.shape=" + dims_text(y_pred.dims()),
                     {.layer = name, .expected = dims_text(y_pred.dims()), .received = dims_text(y_true.dims()),
                      .hint = "give one target per prediction; the correlation is taken along axis (default -1)."});
  const int rank = static_cast<int>(td.size());
  if (axis < -rank || axis >= rank)
    throw ValueError("Invalid axis " + std::to_string(axis) + " for `" + name + "` on inputs of rank " +
                         std::to_string(rank) + ".",
                     {.layer = name, .expected = "axis in [" + std::to_string(-rank) + ", " + std::to_string(rank) + ")",
                      .received = std::to_string(axis), .hint = "use axis=-1 (each row) or axis=0 (across the batch)."});
  const size_t a = static_cast<size_t>(axis < 0 ? axis + rank : axis);
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < a; ++i) outer *= td[i];
  for (size_t i = a + 1; i < td.size(); ++i) inner *= td[i];
  const int64_t n = td[a];
  std::vector<int64_t> out_dims = td;
  out_dims.erase(out_dims.begin() + static_cast<std::ptrdiff_t>(a));
  Tensor out = Tensor::zeros(out_dims);
  const float* t = y_true.data();
  const float* p = y_pred.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return (o * n + k) * inner + i; };
      double mt = 0, mp = 0;
      for (int64_t k = 0; k < n; ++k) mt += t[at(k)], mp += p[at(k)];
      mt /= static_cast<double>(n), mp /= static_cast<double>(n);
      double vt = 0, vp = 0, cov = 0;
      for (int64_t k = 0; k < n; ++k) {
        const double dt = t[at(k)] - mt, dp = p[at(k)] - mp;
        vt += dt * dt, vp += dp * dp, cov += dt * dp;
      }
      vt /= static_cast<double>(n), vp /= static_cast<double>(n), cov /= static_cast<double>(n);
      const double value = kind == Kind::kPearson
                               ? cov / ((std::sqrt(vt) + kEpsilon) * (std::sqrt(vp) + kEpsilon))
                               : 2 * cov / (vt + vp + (mt - mp) * (mt - mp) + kEpsilon);
      out.data()[o * inner + i] = static_cast<float>(value);
    }
  return out;
}

MeanMetricWrapper::Fn correlation_fn(const kw::Kwargs& k, Kind kind, const std::string& name) {
  const int axis = k.get_or("axis", -1);
  return [axis, kind, name](const Tensor& y_true, const Tensor& y_pred) {
    return along_axis(y_true, y_pred, axis, kind, name);
  };
}

}  // namespace correlation
}  // namespace

PearsonCorrelation::PearsonCorrelation(const kw::Kwargs& k)
    : MeanMetricWrapper(correlation::correlation_fn(k, correlation::Kind::kPearson, "pearson_correlation"), k,
                        "pearson_correlation") {
  config_.set("axis", k.get_or("axis", -1));
  direction_ = "up";
}
KERAS_DEFINE_CLONE(PearsonCorrelation)

ConcordanceCorrelation::ConcordanceCorrelation(const kw::Kwargs& k)
    : MeanMetricWrapper(correlation::correlation_fn(k, correlation::Kind::kConcordance, "concordance_correlation"), k,
                        "concordance_correlation") {
  config_.set("axis", k.get_or("axis", -1));
  direction_ = "up";
}
KERAS_DEFINE_CLONE(ConcordanceCorrelation)

}  // namespace keras::metric_types

// Reduction, accuracy, regression, probabilistic and hinge metrics: keras/src/metrics/{reduction,accuracy,
// regression,probabilistic,hinge}_metrics.py.
#include "keras/metrics/metrics.hpp"
#include "metrics/define_clone.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "core/float32_only.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/layer.hpp"  // unique_name, to_snake_case: Keras's auto_name
#include "losses/loss_core.hpp"

namespace keras::metric_types {

namespace ld = keras::losses::detail;

// ---- naming -------------------------------------------------------------------------------------------------------

void detail::NamedMetric::init_name(const kw::Kwargs& k, const std::string& default_name,
                                    const std::string& class_name) {
  if (auto n = k.get<std::string>("name")) name_ = *n;
  else if (!default_name.empty()) name_ = default_name;
  else name_ = unique_name(to_snake_case(class_name));
  keras::detail::refuse_other_dtypes(k, "metric \"" + name_ + "\"", name_);
  config_ = k;
  config_.set("name", name_);
}


// ---- Mean / Sum ---------------------------------------------------------------------------------------------------

namespace {

int64_t prod(const std::vector<int64_t>& d, size_t from = 0, size_t to = SIZE_MAX) {
  auto last = d.begin() + static_cast<std::ptrdiff_t>(std::min(to, d.size()));
  auto first = d.begin() + static_cast<std::ptrdiff_t>(std::min(from, d.size()));
  return std::accumulate(first, last, int64_t{1}, std::multiplies<int64_t>());
}

// keras reduction_metrics.reduce_to_samplewise_values: per-sample values (and weights) of a batch of values.
struct Samplewise {
  std::vector<double> values;   // one per sample (or one for a scalar)
  std::vector<double> weights;  // same length, when a sample_weight was given
  bool scalar = false;
};

Samplewise reduce_to_samplewise(const Tensor& values, const Tensor* sample_weight, bool mean) {
  Samplewise out;
  std::vector<int64_t> vd = values.dims();
  std::vector<double> v(values.data(), values.data() + values.size());
  auto reduce_trailing = [&](std::vector<double>& x, std::vector<int64_t>& d, size_t keep) {
    if (d.size() <= keep) return;
    int64_t outer = prod(d, 0, keep), inner = prod(d, keep);
    std::vector<double> r(static_cast<size_t>(outer), 0.0);
    for (int64_t o = 0; o < outer; ++o) {
      double s = 0;
      for (int64_t i = 0; i < inner; ++i) s += x[static_cast<size_t>(o * inner + i)];
      r[static_cast<size_t>(o)] = mean && inner ? s / static_cast<double>(inner) : s;
    }
    x = std::move(r);
    d.resize(keep);
  };
  if (sample_weight && sample_weight->defined()) {
    Shape vs = Shape::of(vd), ws = sample_weight->shape();
    ld::squeeze_or_expand(vs, ws);
    vd = ld::concrete(vs);
    std::vector<int64_t> wd = ld::concrete(ws);
    reduce_trailing(v, vd, wd.size());
    // broadcast_to(sample_weight, values.shape)
    bool ok = wd.size() <= vd.size();
    std::vector<int64_t> pw = ld::pad_left(wd, vd.size());
    for (size_t i = 0; ok && i < vd.size(); ++i) ok = pw[i] == vd[i] || pw[i] == 1;
    if (!ok)
      throw ValueError(ld::broadcast_error(ws, Shape::of(vd)),
                       {.expected = "sample_weight broadcastable to " + to_string(Shape::of(vd)),
                        .received = "sample_weight.shape=" + to_string(sample_weight->shape()),
                        .hint = "give one weight per sample: a vector as long as the batch."});
    std::vector<float> wb = ld::broadcast_to(sample_weight->data(), wd, vd);
    std::vector<double> w(wb.begin(), wb.end());
    for (size_t i = 0; i < v.size(); ++i) v[i] *= w[i];
    if (wd.size() > 1) {
      std::vector<int64_t> d2 = vd;
      reduce_trailing(w, d2, 1);
    }
    out.weights = std::move(w);
  }
  if (vd.size() > 1) reduce_trailing(v, vd, 1);
  out.scalar = vd.empty();
  out.values = std::move(v);
  return out;
}

}  // namespace

Mean::Mean(const kw::Kwargs& k) : Mean(k, "mean") {}
Mean::Mean(const kw::Kwargs& k, const std::string& default_name) {
  std::string class_name = default_name.empty() ? "MeanMetricWrapper" : "Mean";
  init_name(k, default_name, class_name);
}
KERAS_DEFINE_CLONE(Mean)

void Mean::accumulate(const Tensor& values, const Tensor* sample_weight) {
  Samplewise s = reduce_to_samplewise(values, sample_weight, true);
  total_ += std::accumulate(s.values.begin(), s.values.end(), 0.0);
  if (!s.weights.empty() || (sample_weight && sample_weight->defined()))
    count_ += std::accumulate(s.weights.begin(), s.weights.end(), 0.0);
  else
    count_ += s.scalar ? 1.0 : static_cast<double>(s.values.size());
}

void Mean::update_state(const Tensor&, const Tensor&, const Tensor*) {
  throw TypeError("Mean.update_state() takes `values` and an optional `sample_weight`, not (y_true, y_pred).",
                  {.layer = name_,
                   .hint = "call update_state(values) or update_state(values, sample_weight); to average a function "
                           "of (y_true, y_pred) use metrics::MeanMetricWrapper(fn)."});
}

double Mean::result() const { return count_ != 0 ? total_ / count_ : 0.0; }  // divide_no_nan
void Mean::reset_state() { total_ = count_ = 0; }

Sum::Sum(const kw::Kwargs& k) { init_name(k, "sum", "Sum"); }
KERAS_DEFINE_CLONE(Sum)
void Sum::accumulate(const Tensor& values, const Tensor* sample_weight) {
  Samplewise s = reduce_to_samplewise(values, sample_weight, false);
  total_ += std::accumulate(s.values.begin(), s.values.end(), 0.0);
}
void Sum::update_state(const Tensor&, const Tensor&, const Tensor*) {
  throw TypeError("Sum.update_state() takes `values` and an optional `sample_weight`, not (y_true, y_pred).",
                  {.layer = name_, .hint = "call update_state(values) or update_state(values, sample_weight)."});
}

MeanMetricWrapper::MeanMetricWrapper(Fn fn, const kw::Kwargs& k, const std::string& default_name)
    : Mean(k, default_name), fn_(std::move(fn)) {}

void MeanMetricWrapper::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  accumulate(fn_(y_true, y_pred), sample_weight);
}
KERAS_DEFINE_CLONE(MeanMetricWrapper)

// ---- per-sample functions -----------------------------------------------------------------------------------------

namespace {

MeanMetricWrapper::Fn from_core(std::shared_ptr<ld::LossCore> core, const std::string& name) {
  core->name = name;
  return [core](const Tensor& t, const Tensor& p) { return ld::unreduced(*core, t, p); };
}

// argmax over the last axis (first maximum wins, as numpy's); dims without the last axis.
std::vector<float> argmax_last(const Tensor& x, std::vector<int64_t>& dims) {
  dims = x.dims();
  if (dims.empty()) return {0.0f};
  int64_t c = dims.back();
  dims.pop_back();
  int64_t rows = c ? x.size() / c : 0;
  std::vector<float> out(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x.data() + r * c;
    out[static_cast<size_t>(r)] = static_cast<float>(std::max_element(row, row + c) - row);
  }
  return out;
}

// numpy's equal with broadcasting, as 1.0 / 0.0.
Tensor equal(const float* a, const std::vector<int64_t>& ad, const float* b, const std::vector<int64_t>& bd) {
  std::vector<int64_t> s = ad == bd ? ad : ld::broadcast_dims(ad, bd);
  std::vector<float> ab = ld::broadcast_to(a, ad, s), bb = ld::broadcast_to(b, bd, s);
  Tensor out = Tensor::empty(s);
  for (int64_t i = 0; i < out.size(); ++i)
    out.data()[i] = ab[static_cast<size_t>(i)] == bb[static_cast<size_t>(i)] ? 1.0f : 0.0f;
  return out;
}

Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  std::vector<int64_t> td, pd;
  std::vector<float> ti = argmax_last(y_true, td);
  std::vector<int64_t> t_org = td;
  bool reshape = false;
  if (td.size() == static_cast<size_t>(y_pred.ndim()) && !td.empty() && td.back() == 1) {
    td.pop_back();
    reshape = true;
  }
  std::vector<float> pi = argmax_last(y_pred, pd);
  Tensor m = equal(ti.data(), td, pi.data(), pd);
  if (reshape && prod(t_org) == m.size()) m = m.reshape(t_org);
  return m;
}

Tensor sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  std::vector<int64_t> td = y_true.dims(), pd;
  std::vector<int64_t> t_org = td;
  bool reshape = false;
  if (y_true.ndim() == y_pred.ndim() && !td.empty() && td.back() == 1) {
    td.pop_back();
    reshape = true;
  }
  std::vector<float> pi = argmax_last(y_pred, pd);
  Tensor m = equal(y_true.data(), td, pi.data(), pd);
  if (reshape && prod(t_org) == m.size()) m = m.reshape(t_org);
  if (m.ndim() > 1 && m.dims().back() == 1) {
    std::vector<int64_t> d = m.dims();
    d.pop_back();
    m = m.reshape(d);
  }
  return m;
}

// ops.in_top_k: the target's score is at least the k-th highest of its row (ties at the boundary count).
Tensor in_top_k(const std::vector<float>& targets, const std::vector<int64_t>& target_dims, const Tensor& y_pred,
                int k) {
  int64_t c = y_pred.ndim() ? y_pred.dims().back() : 1;
  int64_t rows = c ? y_pred.size() / c : 0;
  if (static_cast<int64_t>(targets.size()) != rows)
    throw ValueError("Incompatible shapes for top-k accuracy: " + std::to_string(targets.size()) + " targets for " +
                         std::to_string(rows) + " rows of predictions (y_pred.shape=" + to_string(y_pred.shape()) +
                         ")",
                     {.expected = std::to_string(rows) + " targets", .received = std::to_string(targets.size()),
                      .hint = "give one target per row of predictions."});
  Tensor out = Tensor::empty(target_dims);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = y_pred.data() + r * c;
    int64_t y = static_cast<int64_t>(targets[static_cast<size_t>(r)]);
    bool hit = false;
    if (y >= 0 && y < c && std::isfinite(row[y])) {
      int64_t greater = 0;
      for (int64_t j = 0; j < c; ++j) greater += row[j] > row[y];
      hit = greater < k;
    }
    out.data()[r] = hit ? 1.0f : 0.0f;
  }
  return out;
}

Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k) {
  std::vector<int64_t> td;
  std::vector<float> ti = argmax_last(y_true, td);
  if (td.empty()) td = {1};
  return in_top_k(ti, td, y_pred, k);
}

Tensor sparse_top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k) {
  std::vector<float> t(y_true.data(), y_true.data() + y_true.size());
  std::vector<int64_t> td = y_true.dims();
  if (td.empty()) td = {1};
  return in_top_k(t, td, y_pred, k);
}

}  // namespace

Accuracy::Accuracy(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_elementwise(ld::Elementwise::kAccuracy), "accuracy"), k, "accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(Accuracy)

namespace {
double checked_threshold(const kw::Kwargs& k) {
  double t = k.get_or("threshold", 0.5);
  if (t <= 0 || t >= 1)
    throw ValueError("Invalid value for argument `threshold`. Expected a value in interval (0, 1). Received: "
                     "threshold=" + std::to_string(t),
                     {.expected = "0 < threshold < 1", .received = std::to_string(t),
                      .hint = "predictions above the threshold count as 1; 0.5 suits sigmoid outputs."});
  return t;
}
}  // namespace

BinaryAccuracy::BinaryAccuracy(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_elementwise(ld::Elementwise::kBinaryAccuracy,
                                                       {.threshold = checked_threshold(k)}),
                                  "binary_accuracy"),
                        k, "binary_accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(BinaryAccuracy)

CategoricalAccuracy::CategoricalAccuracy(const kw::Kwargs& k)
    : MeanMetricWrapper(categorical_accuracy, k, "categorical_accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(CategoricalAccuracy)

SparseCategoricalAccuracy::SparseCategoricalAccuracy(const kw::Kwargs& k)
    : MeanMetricWrapper(sparse_categorical_accuracy, k, "sparse_categorical_accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(SparseCategoricalAccuracy)

TopKCategoricalAccuracy::TopKCategoricalAccuracy(const kw::Kwargs& k)
    : MeanMetricWrapper(
          [n = k.get_or("k", 5)](const Tensor& t, const Tensor& p) { return top_k_categorical_accuracy(t, p, n); }, k,
          "top_k_categorical_accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(TopKCategoricalAccuracy)

SparseTopKCategoricalAccuracy::SparseTopKCategoricalAccuracy(const kw::Kwargs& k)
    : MeanMetricWrapper([n = k.get_or("k", 5)](const Tensor& t,
                                               const Tensor& p) { return sparse_top_k_categorical_accuracy(t, p, n); },
                        k, "sparse_top_k_categorical_accuracy") { direction_ = "up"; }
KERAS_DEFINE_CLONE(SparseTopKCategoricalAccuracy)

// ---- regression ---------------------------------------------------------------------------------------------------

#define KERAS_ELEMENTWISE_METRIC(Class, kind, default_name)                                                  \
  Class::Class(const kw::Kwargs& k)                                                                          \
      : MeanMetricWrapper(from_core(ld::make_elementwise(ld::Elementwise::kind), default_name), k,           \
                          default_name) {                                                                    \
    direction_ = "down";                                                                                     \
  }                                                                                                          \
  KERAS_DEFINE_CLONE(Class)

KERAS_ELEMENTWISE_METRIC(MeanSquaredError, kMeanSquaredError, "mean_squared_error")
KERAS_ELEMENTWISE_METRIC(MeanAbsoluteError, kMeanAbsoluteError, "mean_absolute_error")
KERAS_ELEMENTWISE_METRIC(MeanAbsolutePercentageError, kMeanAbsolutePercentageError, "mean_absolute_percentage_error")
KERAS_ELEMENTWISE_METRIC(MeanSquaredLogarithmicError, kMeanSquaredLogarithmicError, "mean_squared_logarithmic_error")
KERAS_ELEMENTWISE_METRIC(LogCoshError, kLogCosh, "logcosh")
KERAS_ELEMENTWISE_METRIC(KLDivergence, kKLDivergence, "kl_divergence")
KERAS_ELEMENTWISE_METRIC(Poisson, kPoisson, "poisson")
KERAS_ELEMENTWISE_METRIC(Hinge, kHinge, "hinge")
KERAS_ELEMENTWISE_METRIC(SquaredHinge, kSquaredHinge, "squared_hinge")
#undef KERAS_ELEMENTWISE_METRIC

CosineSimilarity::CosineSimilarity(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_cosine_similarity(k.get_or("axis", -1), 1.0), "cosine_similarity"), k,
                        "cosine_similarity") { direction_ = "up"; }
KERAS_DEFINE_CLONE(CosineSimilarity)

CategoricalHinge::CategoricalHinge(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_categorical_hinge(), "categorical_hinge"), k, "categorical_hinge") { direction_ = "down"; }
KERAS_DEFINE_CLONE(CategoricalHinge)

BinaryCrossentropy::BinaryCrossentropy(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_binary_crossentropy(k.get_or("from_logits", false),
                                                               k.get_or("label_smoothing", 0.0), -1),
                                  "binary_crossentropy"),
                        k, "binary_crossentropy") { direction_ = "down"; }
KERAS_DEFINE_CLONE(BinaryCrossentropy)

CategoricalCrossentropy::CategoricalCrossentropy(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(ld::make_categorical_crossentropy(k.get_or("from_logits", false),
                                                                    k.get_or("label_smoothing", 0.0),
                                                                    k.get_or("axis", -1)),
                                  "categorical_crossentropy"),
                        k, "categorical_crossentropy") { direction_ = "down"; }
KERAS_DEFINE_CLONE(CategoricalCrossentropy)

namespace {
std::shared_ptr<ld::LossCore> sparse_metric_core(const kw::Kwargs& k) {
  if (k.get_or("axis", -1) != -1)
    throw NotImplementedError("SparseCategoricalCrossentropy metric: only axis=-1 is implemented.");
  return ld::make_sparse_categorical_crossentropy(k.get_or("from_logits", false), std::nullopt);
}
}  // namespace

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(const kw::Kwargs& k)
    : MeanMetricWrapper(from_core(sparse_metric_core(k), "sparse_categorical_crossentropy"), k,
                        "sparse_categorical_crossentropy") { direction_ = "down"; }
KERAS_DEFINE_CLONE(SparseCategoricalCrossentropy)

// ---- RootMeanSquaredError -----------------------------------------------------------------------------------------

RootMeanSquaredError::RootMeanSquaredError(const kw::Kwargs& k) : Mean(k, "root_mean_squared_error") { direction_ = "down"; }
KERAS_DEFINE_CLONE(RootMeanSquaredError)

void RootMeanSquaredError::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  Shape ts = y_true.shape(), ps = y_pred.shape();
  ld::squeeze_or_expand(ts, ps);
  std::vector<int64_t> td = ld::concrete(ts), pd = ld::concrete(ps);
  std::vector<int64_t> s = td == pd ? pd : ld::broadcast_dims(td, pd);
  std::vector<float> tb = ld::broadcast_to(y_true.data(), td, s), pb = ld::broadcast_to(y_pred.data(), pd, s);
  Tensor sq = Tensor::empty(s);
  for (int64_t i = 0; i < sq.size(); ++i) {
    float d = pb[static_cast<size_t>(i)] - tb[static_cast<size_t>(i)];
    sq.data()[i] = d * d;
  }
  accumulate(sq, sample_weight);
}

double RootMeanSquaredError::result() const { return std::sqrt(Mean::result()); }

// ---- R2Score ------------------------------------------------------------------------------------------------------

R2Score::R2Score(const kw::Kwargs& k) {
  init_name(k, "r2_score", "R2Score");
  direction_ = "up";
  aggregation_ = k.is_none("class_aggregation") ? "" : k.get_or<std::string>("class_aggregation", "uniform_average");
  if (aggregation_ != "" && aggregation_ != "uniform_average" && aggregation_ != "variance_weighted_average")
    throw ValueError("Invalid value for argument `class_aggregation`. Expected one of (None, 'uniform_average', "
                     "'variance_weighted_average'). Received: class_aggregation=" + aggregation_,
                     {.received = aggregation_,
                      .hint = "use \"uniform_average\" (the default), \"variance_weighted_average\" or None."});
  num_regressors_ = k.get_or("num_regressors", 0);
  if (num_regressors_ < 0)
    throw ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. Received: num_regressors=" +
                         std::to_string(num_regressors_),
                     {.received = std::to_string(num_regressors_), .hint = "num_regressors is 0 for the plain R2."});
}
KERAS_DEFINE_CLONE(R2Score)

void R2Score::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  Shape ts = y_true.shape(), ps = y_pred.shape();
  ld::squeeze_or_expand(ts, ps);
  if (ts.ndim() != 2 || ps.ndim() != 2)
    throw ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                     "y_pred.shape=" + to_string(ps) + " and y_true.shape=" + to_string(ts) + ".",
                     {.layer = name_, .expected = "(batch_size, output_dim)",
                      .received = "y_true.shape=" + to_string(ts) + ", y_pred.shape=" + to_string(ps),
                      .hint = "reshape targets and predictions to (samples, outputs), e.g. y.reshape({-1, 1})."});
  std::vector<int64_t> td = ld::concrete(ts), pd = ld::concrete(ps);
  std::vector<float> pb = td == pd ? std::vector<float>(y_pred.data(), y_pred.data() + y_pred.size())
                                   : ld::broadcast_to(y_pred.data(), pd, td);
  const int64_t n = td[0], c = td[1];
  if (sum_.empty()) {
    squared_sum_.assign(static_cast<size_t>(c), 0);
    sum_ = residual_ = count_ = squared_sum_;
  }
  std::vector<float> w;
  if (sample_weight && sample_weight->defined()) {
    std::vector<int64_t> wd = sample_weight->dims();
    if (wd.size() == 1) wd.push_back(1);
    w = ld::broadcast_to(sample_weight->data(), wd, td);
  } else {
    w.assign(static_cast<size_t>(n * c), 1.0f);
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < c; ++j) {
      size_t e = static_cast<size_t>(i * c + j), col = static_cast<size_t>(j);
      double t = y_true.data()[e], p = pb[e], wt = w[e];
      sum_[col] += t * wt;
      squared_sum_[col] += t * t * wt;
      residual_[col] += (t - p) * (t - p) * wt;
      count_[col] += wt;
    }
  num_samples_ += static_cast<double>(n * c);
}

std::vector<double> R2Score::result_values() const {
  std::vector<double> raw(sum_.size()), total(sum_.size());
  for (size_t j = 0; j < sum_.size(); ++j) {
    double mean = sum_[j] / count_[j];
    total[j] = squared_sum_[j] - sum_[j] * mean;
    raw[j] = 1.0 - residual_[j] / total[j];
    if (std::isinf(raw[j])) raw[j] = 0.0;
  }
  std::vector<double> r2;
  if (aggregation_ == "uniform_average") {
    r2 = {raw.empty() ? 0.0 : std::accumulate(raw.begin(), raw.end(), 0.0) / static_cast<double>(raw.size())};
  } else if (aggregation_ == "variance_weighted_average") {
    double ws = 0, s = 0;
    for (size_t j = 0; j < raw.size(); ++j) {
      s += total[j] * raw[j];
      ws += total[j];
    }
    r2 = {s / ws};
  } else {
    r2 = raw;
  }
  if (num_regressors_ != 0 && num_regressors_ < num_samples_ - 1) {
    double nn = num_samples_, p = num_regressors_;
    for (auto& v : r2) v = 1.0 - (1.0 - v) * (nn - 1.0) / (nn - p - 1.0);
  }
  return r2;
}

double R2Score::result() const {
  std::vector<double> v = result_values();
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

void R2Score::reset_state() {
  num_samples_ = 0;
  for (auto* v : {&squared_sum_, &sum_, &residual_, &count_}) std::fill(v->begin(), v->end(), 0.0);
}

}  // namespace keras::metric_types

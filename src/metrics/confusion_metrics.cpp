// Confusion-matrix metrics and F-scores: keras/src/metrics/confusion_metrics.py, metrics_utils.py,
// f_score_metrics.py.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"
#include "losses/loss_core.hpp"
#include "metrics/define_clone.hpp"

namespace keras::metric_types {

namespace ld = keras::losses::detail;

namespace {

constexpr double kNegInf = -1e10;  // metrics_utils.NEG_INF

std::string py_list(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + py_float(v[i]);
  return s + "]";
}

// The thresholds= keyword, whatever its value type (a list of floats, or something holding them).
template <class T>
std::vector<double> to_doubles(const T& v) {
  if constexpr (std::is_arithmetic_v<T>) return {static_cast<double>(v)};
  else if constexpr (requires { v.values; }) return std::vector<double>(v.values.begin(), v.values.end());
  else return std::vector<double>(v.begin(), v.end());
}

std::optional<std::vector<double>> read_thresholds(const kw::Kwargs& k) {
  auto v = k.get<kw::thresholds_t::type>("thresholds");
  if (!v) return std::nullopt;
  return to_doubles(*v);
}

// metrics_utils.parse_init_thresholds
std::vector<double> parse_thresholds(const std::optional<std::vector<double>>& given, double default_threshold) {
  if (!given) return {default_threshold};
  std::vector<double> bad;
  for (double t : *given)
    if (!(t >= 0 && t <= 1)) bad.push_back(t);
  if (!bad.empty())
    throw ValueError("Threshold values must be in [0, 1]. Received: " + py_list(bad),
                     {.expected = "thresholds in [0, 1]", .received = py_list(bad),
                      .hint = "thresholds are compared with predicted probabilities; for logits (from_logits=true "
                              "losses) use thresholds={0.0}."});
  if (given->empty())
    throw ValueError("Threshold values must be in [0, 1]. Received: []",
                     {.hint = "give at least one threshold, e.g. thresholds={0.5}."});
  return *given;
}

// metrics_utils.is_evenly_distributed_thresholds
bool evenly_distributed(const std::vector<double>& t) {
  size_t n = t.size();
  if (n < 3) return false;
  for (size_t i = 0; i < n; ++i) {
    double even = static_cast<double>(static_cast<float>(i) / static_cast<float>(n - 1));
    if (std::abs(t[i] - even) > 1e-7 + 1e-5 * std::abs(even)) return false;
  }
  return true;
}

double divide_no_nan(double a, double b) { return b != 0 ? a / b : 0.0; }

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

// ---- update_confusion_matrix_variables ----------------------------------------------------------------------------

void detail::update_confusion(Confusion& c, const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight,
                              const std::vector<double>& thresholds, bool evenly_distributed,
                              std::optional<int> top_k, std::optional<int> class_id, bool multi_label,
                              int64_t num_labels) {
  Shape ps = y_pred.shape(), ts = y_true.shape();
  ld::squeeze_or_expand(ps, ts);
  std::vector<int64_t> pd = ld::concrete(ps), td = ld::concrete(ts);
  std::vector<float> p(y_pred.data(), y_pred.data() + y_pred.size());
  std::vector<float> t = td == pd ? std::vector<float>(y_true.data(), y_true.data() + y_true.size()) : [&] {
    bool ok = td.size() <= pd.size();
    std::vector<int64_t> pt = ld::pad_left(td, pd.size());
    for (size_t i = 0; ok && i < pd.size(); ++i) ok = pt[i] == pd[i] || pt[i] == 1;
    if (!ok)
      throw ValueError(ld::broadcast_error(ts, ps),
                       {.expected = "y_true.shape=" + to_string(ps),
                        .received = "y_true.shape=" + to_string(ts) + ", y_pred.shape=" + to_string(ps),
                        .hint = "confusion-matrix metrics compare each prediction with its label: give y_true the "
                                "shape of y_pred."});
    return ld::broadcast_to(y_true.data(), td, pd);
  }();
  std::vector<float> w;
  if (sample_weight && sample_weight->defined()) {
    Shape ws = sample_weight->shape(), ts2 = ps;
    ws.push_back(1);  // expand_dims(sample_weight, -1), then squeeze_or_expand against y_true
    ld::squeeze_or_expand(ts2, ws, false);
    std::vector<int64_t> wd = ld::concrete(ws);
    bool ok = wd.size() <= pd.size();
    std::vector<int64_t> pw = ld::pad_left(wd, pd.size());
    for (size_t i = 0; ok && i < pd.size(); ++i) ok = pw[i] == pd[i] || pw[i] == 1;
    if (!ok)
      throw ValueError(ld::broadcast_error(sample_weight->shape(), ps),
                       {.received = "sample_weight.shape=" + to_string(sample_weight->shape()),
                        .hint = "give one weight per sample: a vector as long as the batch."});
    w = ld::broadcast_to(sample_weight->data(), wd, pd);
  } else {
    w.assign(p.size(), 1.0f);
  }

  if (top_k) {  // _filter_top_k: keep each row's k highest values, the rest become NEG_INF
    int64_t cols = pd.empty() ? 1 : pd.back();
    int64_t rows = cols ? static_cast<int64_t>(p.size()) / cols : 0;
    std::vector<int64_t> idx(static_cast<size_t>(cols));
    for (int64_t r = 0; r < rows; ++r) {
      float* row = p.data() + r * cols;
      std::iota(idx.begin(), idx.end(), 0);
      std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) { return row[a] > row[b]; });
      for (size_t j = static_cast<size_t>(std::min<int64_t>(*top_k, cols)); j < idx.size(); ++j)
        row[idx[j]] = static_cast<float>(kNegInf);
    }
  }
  if (class_id) {
    if (pd.size() <= 1)
      throw ValueError("When class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes), "
                       "found shape: " + to_string(ps),
                       {.received = to_string(ps),
                        .hint = "class_id picks one column of per-class predictions; without a class axis leave it "
                                "out."});
    int64_t cols = pd.back();
    if (*class_id < 0 || *class_id >= cols)
      throw ValueError("class_id=" + std::to_string(*class_id) + " is out of range for y_pred with " +
                           std::to_string(cols) + " classes",
                       {.expected = "0 <= class_id < " + std::to_string(cols),
                        .received = std::to_string(*class_id), .hint = "class ids start at 0."});
    int64_t rows = static_cast<int64_t>(p.size()) / cols;
    std::vector<float> p2(static_cast<size_t>(rows)), t2(p2.size()), w2(p2.size());
    for (int64_t r = 0; r < rows; ++r) {
      size_t e = static_cast<size_t>(r * cols + *class_id);
      p2[static_cast<size_t>(r)] = p[e];
      t2[static_cast<size_t>(r)] = t[e];
      w2[static_cast<size_t>(r)] = w[e];
    }
    p = std::move(p2), t = std::move(t2), w = std::move(w2);
    pd.back() = 1;
  }

  const size_t nt = thresholds.size();
  const int64_t labels = multi_label ? num_labels : 1;
  const int64_t n = static_cast<int64_t>(p.size());
  std::vector<float> thr(nt);
  for (size_t i = 0; i < nt; ++i) thr[i] = static_cast<float>(thresholds[i]);
  for (int64_t l = 0; l < labels; ++l) {
    // Element e belongs to label e % labels when multi_label.
    auto at = [&](size_t ti) { return ti * static_cast<size_t>(labels) + static_cast<size_t>(l); };
    if (evenly_distributed) {
      // _update_confusion_matrix_variables_optimized: bucket = ceil(p * (T - 1)) - 1, reversed cumulative sums.
      const bool with_eps = thresholds.front() < 0.0 || thresholds.back() > 1.0;
      std::vector<double> tpb(nt, 0.0), fpb(nt, 0.0);
      double pos = 0, neg = 0;
      for (int64_t e = l; e < n; e += labels) {
        size_t k = static_cast<size_t>(e);
        float pc = std::clamp(p[k], 0.0f, 1.0f);
        float b = std::ceil(pc * static_cast<float>(nt - 1)) - 1.0f;
        if (with_eps) b = std::max(b, 0.0f);
        double wt = w[k], is_pos = t[k] != 0.0f ? 1.0 : 0.0;
        pos += wt * is_pos;
        neg += wt * (1.0 - is_pos);
        if (b < 0 || b >= static_cast<float>(nt)) continue;
        size_t bi = static_cast<size_t>(b);
        tpb[bi] += wt * is_pos;
        fpb[bi] += wt * (1.0 - is_pos);
      }
      double ctp = 0, cfp = 0;
      for (size_t ti = nt; ti-- > 0;) {
        ctp += tpb[ti];
        cfp += fpb[ti];
        c.tp[at(ti)] += ctp;
        c.fp[at(ti)] += cfp;
        c.fn[at(ti)] += pos - ctp;
        c.tn[at(ti)] += neg - cfp;
      }
    } else {
      for (size_t ti = 0; ti < nt; ++ti) {
        double tp = 0, fp = 0, tn = 0, fn = 0;
        for (int64_t e = l; e < n; e += labels) {
          size_t k = static_cast<size_t>(e);
          bool pred_pos = p[k] > thr[ti], label_pos = t[k] != 0.0f;
          double wt = w[k];
          if (label_pos && pred_pos) tp += wt;
          else if (label_pos) fn += wt;
          else if (pred_pos) fp += wt;
          else tn += wt;
        }
        c.tp[at(ti)] += tp;
        c.fp[at(ti)] += fp;
        c.tn[at(ti)] += tn;
        c.fn[at(ti)] += fn;
      }
    }
  }
}

// ---- TruePositives & co -------------------------------------------------------------------------------------------

detail::ConfusionCount::ConfusionCount(const kw::Kwargs& k, Which which, const std::string& class_name)
    : which_(which) {
  init_name(k, "", class_name);
  thresholds_ = parse_thresholds(read_thresholds(k), 0.5);
  evenly_ = evenly_distributed(thresholds_);
  c_.reset(thresholds_.size());
}

void detail::ConfusionCount::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  update_confusion(c_, y_true, y_pred, sample_weight, thresholds_, evenly_);
}

std::vector<double> detail::ConfusionCount::result_values() const {
  switch (which_) {
    case Which::kTP: return c_.tp;
    case Which::kFP: return c_.fp;
    case Which::kTN: return c_.tn;
    case Which::kFN: return c_.fn;
  }
  return {};
}
double detail::ConfusionCount::result() const { return mean_of(result_values()); }
void detail::ConfusionCount::reset_state() { c_.reset(thresholds_.size()); }


TruePositives::TruePositives(const kw::Kwargs& k) : ConfusionCount(k, Which::kTP, "TruePositives") {}
FalsePositives::FalsePositives(const kw::Kwargs& k) : ConfusionCount(k, Which::kFP, "FalsePositives") {}
TrueNegatives::TrueNegatives(const kw::Kwargs& k) : ConfusionCount(k, Which::kTN, "TrueNegatives") {}
FalseNegatives::FalseNegatives(const kw::Kwargs& k) : ConfusionCount(k, Which::kFN, "FalseNegatives") {}
KERAS_DEFINE_CLONE(TruePositives)
KERAS_DEFINE_CLONE(FalsePositives)
KERAS_DEFINE_CLONE(TrueNegatives)
KERAS_DEFINE_CLONE(FalseNegatives)

// ---- Precision / Recall -------------------------------------------------------------------------------------------

Precision::Precision(const kw::Kwargs& k) : Precision(k, "Precision") {}
Precision::Precision(const kw::Kwargs& k, const std::string& class_name) {
  init_name(k, "", class_name);
  direction_ = "up";
  top_k_ = k.get<int>("top_k");
  class_id_ = k.get<int>("class_id");
  thresholds_ = parse_thresholds(read_thresholds(k), top_k_ ? kNegInf : 0.5);
  evenly_ = evenly_distributed(thresholds_);
  c_.reset(thresholds_.size());
}
KERAS_DEFINE_CLONE(Precision)

void Precision::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  detail::update_confusion(c_, y_true, y_pred, sample_weight, thresholds_, evenly_, top_k_, class_id_);
}
std::vector<double> Precision::result_values() const {
  std::vector<double> r(c_.tp.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = divide_no_nan(c_.tp[i], c_.tp[i] + c_.fp[i]);
  return r;
}
double Precision::result() const { return mean_of(result_values()); }
void Precision::reset_state() { c_.reset(thresholds_.size()); }

Recall::Recall(const kw::Kwargs& k) : Precision(k, "Recall") {}
KERAS_DEFINE_CLONE(Recall)
std::vector<double> Recall::result_values() const {
  std::vector<double> r(c_.tp.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = divide_no_nan(c_.tp[i], c_.tp[i] + c_.fn[i]);
  return r;
}
double Recall::result() const { return mean_of(result_values()); }

// ---- AUC ----------------------------------------------------------------------------------------------------------

AUC::AUC(const kw::Kwargs& k) {
  std::string curve = k.get_or<std::string>("curve", "ROC");
  if (curve == "roc" || curve == "ROC") curve_ = "ROC";
  else if (curve == "pr" || curve == "PR") curve_ = "PR";
  else
    throw ValueError("Invalid AUC curve value: \"" + curve + "\". Expected values are [\"PR\", \"ROC\"]",
                     {.received = curve, .hint = "use curve=\"ROC\" (the default) or curve=\"PR\"."});
  std::string sm = k.get_or<std::string>("summation_method", "interpolation");
  if (sm == "interpolation" || sm == "Interpolation") summation_ = "interpolation";
  else if (sm == "majoring" || sm == "Majoring") summation_ = "majoring";
  else if (sm == "minoring" || sm == "Minoring") summation_ = "minoring";
  else
    throw ValueError("Invalid AUC summation method value: \"" + sm +
                         "\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"]",
                     {.received = sm, .hint = "leave summation_method at \"interpolation\" unless you need bounds."});
  std::optional<std::vector<double>> given = read_thresholds(k);
  std::vector<double> inner;
  if (given) {
    inner = *given;
    std::sort(inner.begin(), inner.end());
    num_thresholds_ = static_cast<int>(inner.size()) + 2;
    std::vector<double> ends = {0.0};
    ends.insert(ends.end(), inner.begin(), inner.end());
    ends.push_back(1.0);
    evenly_ = evenly_distributed(ends);
  } else {
    num_thresholds_ = k.get_or("num_thresholds", 200);
    if (num_thresholds_ <= 1)
      throw ValueError("Argument `num_thresholds` must be an integer > 1. Received: num_thresholds=" +
                           std::to_string(num_thresholds_),
                       {.received = std::to_string(num_thresholds_),
                        .hint = "num_thresholds is the number of points of the curve; the default is 200."});
    for (int i = 0; i < num_thresholds_ - 2; ++i)
      inner.push_back((i + 1) * 1.0 / (num_thresholds_ - 1));
    evenly_ = true;
  }
  thresholds_ = {0.0 - ld::kEpsilon};
  thresholds_.insert(thresholds_.end(), inner.begin(), inner.end());
  thresholds_.push_back(1.0 + ld::kEpsilon);
  multi_label_ = k.get_or("multi_label", false);
  from_logits_ = k.get_or("from_logits", false);
  if (auto nl = k.get<int>("num_labels")) {
    if (!multi_label_)
      throw ValueError("`num_labels` is needed only when `multi_label` is True.",
                       {.hint = "pass multi_label=true with num_labels=, or leave num_labels out."});
    num_labels_ = *nl;
  }
  if (!multi_label_) num_labels_ = 1;
  init_name(k, "", "AUC");
  direction_ = "up";
  if (num_labels_ > 0) c_.reset(thresholds_.size() * static_cast<size_t>(num_labels_));
}
KERAS_DEFINE_CLONE(AUC)

void AUC::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  if (multi_label_ && num_labels_ == 0) {
    if (y_pred.ndim() != 2)
      throw ValueError("`y_pred` must have rank 2 when `multi_label=True`. Found rank " +
                           std::to_string(y_pred.ndim()) + ". Full shape received for `y_pred`: " +
                           to_string(y_pred.shape()),
                       {.layer = name_, .hint = "multi-label AUC takes predictions of shape (samples, labels)."});
    num_labels_ = y_pred.dim(1);
    c_.reset(thresholds_.size() * static_cast<size_t>(num_labels_));
  }
  Tensor p = y_pred;
  if (from_logits_) {
    p = y_pred.copy();
    for (int64_t i = 0; i < p.size(); ++i) p.data()[i] = 1.0f / (1.0f + std::exp(-p.data()[i]));
  }
  detail::update_confusion(c_, y_true, p, sample_weight, thresholds_, evenly_, std::nullopt, std::nullopt,
                           multi_label_, num_labels_);
}

double AUC::interpolate_pr_auc() const {
  const size_t nt = thresholds_.size(), nl = static_cast<size_t>(std::max<int64_t>(num_labels_, 1));
  std::vector<double> by_label(nl, 0.0);
  for (size_t l = 0; l < nl; ++l) {
    auto tp = [&](size_t i) { return c_.tp[i * nl + l]; };
    auto pp = [&](size_t i) { return c_.tp[i * nl + l] + c_.fp[i * nl + l]; };
    auto fn = [&](size_t i) { return c_.fn[i * nl + l]; };
    for (size_t i = 0; i + 1 < nt; ++i) {
      double dtp = tp(i) - tp(i + 1);
      double dp = pp(i) - pp(i + 1);
      double slope = divide_no_nan(dtp, std::max(dp, 0.0));
      double intercept = tp(i + 1) - slope * pp(i + 1);
      double ratio = pp(i) > 0 && pp(i + 1) > 0 ? divide_no_nan(pp(i), std::max(pp(i + 1), 0.0)) : 1.0;
      by_label[l] += divide_no_nan(slope * (dtp + intercept * std::log(ratio)), std::max(tp(i + 1) + fn(i + 1), 0.0));
    }
  }
  return multi_label_ ? mean_of(by_label) : by_label[0];
}

double AUC::result() const {
  const size_t nt = thresholds_.size(), nl = static_cast<size_t>(std::max<int64_t>(num_labels_, 1));
  if (c_.tp.size() < nt * nl) return 0.0;  // multi_label, not built yet
  if (curve_ == "PR" && summation_ == "interpolation") return interpolate_pr_auc();
  std::vector<double> by_label(nl, 0.0);
  for (size_t l = 0; l < nl; ++l) {
    std::vector<double> x(nt), y(nt);
    for (size_t i = 0; i < nt; ++i) {
      size_t e = i * nl + l;
      double recall = divide_no_nan(c_.tp[e], c_.tp[e] + c_.fn[e]);
      if (curve_ == "ROC") {
        x[i] = divide_no_nan(c_.fp[e], c_.fp[e] + c_.tn[e]);
        y[i] = recall;
      } else {
        x[i] = recall;
        y[i] = divide_no_nan(c_.tp[e], c_.tp[e] + c_.fp[e]);
      }
    }
    for (size_t i = 0; i + 1 < nt; ++i) {
      double h = summation_ == "interpolation" ? (y[i] + y[i + 1]) / 2.0
                 : summation_ == "minoring"    ? std::min(y[i], y[i + 1])
                                               : std::max(y[i], y[i + 1]);
      by_label[l] += (x[i] - x[i + 1]) * h;
    }
  }
  return multi_label_ ? mean_of(by_label) : by_label[0];
}

void AUC::reset_state() {
  if (num_labels_ > 0) c_.reset(thresholds_.size() * static_cast<size_t>(num_labels_));
}

// ---- FBetaScore / F1Score -----------------------------------------------------------------------------------------

FBetaScore::FBetaScore(const kw::Kwargs& k) : FBetaScore(k, "fbeta_score", true) {}
FBetaScore::FBetaScore(const kw::Kwargs& k, const std::string& default_name, bool beta_allowed) {
  init_name(k, default_name, "FBetaScore");
  direction_ = "up";
  average_ = k.is_none("average") ? "" : k.get_or<std::string>("average", "");
  if (average_ != "" && average_ != "micro" && average_ != "macro" && average_ != "weighted")
    throw ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                     "Received: average=" + average_,
                     {.received = average_, .hint = "use average=None (per class), \"micro\", \"macro\" or "
                                                    "\"weighted\"."});
  if (beta_allowed) beta_ = k.get_or("beta", 1.0);
  if (beta_ <= 0)
    throw ValueError("Invalid `beta` argument value. It should be > 0. Received: beta=" + py_float(beta_),
                     {.received = py_float(beta_), .hint = "beta weighs recall against precision; 1.0 gives F1."});
  threshold_ = k.get<double>("threshold");
  if (threshold_ && (*threshold_ > 1.0 || *threshold_ <= 0.0))
    throw ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: threshold=" +
                         py_float(*threshold_),
                     {.received = py_float(*threshold_),
                      .hint = "predictions above the threshold count as positive; None uses each row's argmax."});
}
KERAS_DEFINE_CLONE(FBetaScore)

void FBetaScore::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  if (y_pred.ndim() != 2 || y_true.ndim() != 2)
    throw ValueError("FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                     "y_pred.shape=" + to_string(y_pred.shape()) + " and y_true.shape=" + to_string(y_true.shape()) +
                         ".",
                     {.layer = name_, .expected = "(batch_size, output_dim)",
                      .received = "y_true.shape=" + to_string(y_true.shape()) +
                                  ", y_pred.shape=" + to_string(y_pred.shape()),
                      .hint = "F-scores take one-hot (or multi-label) targets of the output's shape; one-hot integer "
                              "labels with utils::to_categorical."});
  const int64_t n = y_pred.dim(0), c = y_pred.dim(1);
  if (y_true.dims() != y_pred.dims())
    throw ValueError(ld::broadcast_error(y_true.shape(), y_pred.shape()),
                     {.layer = name_, .received = "y_true.shape=" + to_string(y_true.shape()) +
                                                  ", y_pred.shape=" + to_string(y_pred.shape()),
                      .hint = "give y_true the shape of y_pred (one column per class)."});
  const size_t width = average_ == "micro" ? 1 : static_cast<size_t>(c);
  if (!built_) {
    tp_.assign(width, 0), fp_ = fn_ = weights_ = tp_;
    built_ = true;
  }
  for (int64_t i = 0; i < n; ++i) {
    const float* p = y_pred.data() + i * c;
    const float* t = y_true.data() + i * c;
    double w = sample_weight && sample_weight->defined() ? sample_weight->data()[i] : 1.0;
    float mx = *std::max_element(p, p + c);
    for (int64_t j = 0; j < c; ++j) {
      double pred = threshold_ ? (p[j] > static_cast<float>(*threshold_) ? 1.0 : 0.0)
                               : (p[j] >= mx && std::abs(p[j]) > 1e-9f ? 1.0 : 0.0);
      double tt = t[j];
      size_t k = width == 1 ? 0 : static_cast<size_t>(j);
      tp_[k] += w * pred * tt;
      fp_[k] += w * pred * (1.0 - tt);
      fn_[k] += w * (1.0 - pred) * tt;
      weights_[k] += w * tt;
    }
  }
}

std::vector<double> FBetaScore::result_values() const {
  const double eps = ld::kEpsilon, b2 = beta_ * beta_;
  std::vector<double> f(tp_.size());
  for (size_t k = 0; k < f.size(); ++k) {
    double precision = tp_[k] / (tp_[k] + fp_[k] + eps);
    double recall = tp_[k] / (tp_[k] + fn_[k] + eps);
    f[k] = precision * recall / (b2 * precision + recall + eps) * (1.0 + b2);
  }
  if (average_ == "weighted") {
    double ws = std::accumulate(weights_.begin(), weights_.end(), 0.0);
    double s = 0;
    for (size_t k = 0; k < f.size(); ++k) s += f[k] * weights_[k] / (ws + eps);
    return {s};
  }
  if (!average_.empty()) return {mean_of(f)};
  return f;
}

double FBetaScore::result() const { return mean_of(result_values()); }

void FBetaScore::reset_state() {
  for (auto* v : {&tp_, &fp_, &fn_, &weights_}) std::fill(v->begin(), v->end(), 0.0);
}

F1Score::F1Score(const kw::Kwargs& k) : FBetaScore(k, "f1_score", false) {}
KERAS_DEFINE_CLONE(F1Score)

}  // namespace keras::metric_types

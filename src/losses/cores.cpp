// The loss functions of keras/src/losses/losses.py with their exact derivatives (the derivative of what is computed,
// clipping included: zero where a clip is active, as TF's clip_by_value gradient is; a boundary value passes).
#include <algorithm>
#include <cmath>
#include <limits>

#include "losses/loss_core.hpp"
#include "losses/operands.hpp"

namespace keras::losses::detail {

namespace {

double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  double e = std::exp(x);
  return e / (1.0 + e);
}
double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }
double sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }

std::vector<int64_t> without_axis(std::vector<int64_t> d, int axis) {
  if (d.empty()) return d;
  d.erase(d.begin() + normalize_axis(axis, static_cast<int>(d.size())));
  return d;
}

// ---- elementwise losses: f(t, p) per element, then the mean (or sum) over an axis ---------------------------------

enum class Reduce { kMean, kSum };
struct Spec {
  Reduce reduce = Reduce::kMean;
  int axis = -1;
  bool exact = false;       // ops.binary_crossentropy: same rank and shape (TF backend's messages)
  bool pred_first = false;  // the first operand of the op that broadcasts (for the message)
};

template <class F>
class ElementwiseCore : public LossCore {
 public:
  ElementwiseCore(F f, Spec spec) : f_(std::move(f)), spec_(spec) {}

  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    if (spec_.exact) {
      if (t.ndim() != p.ndim()) throw_rank_mismatch(t, p, name);
      if (!shapes_agree(t, p)) throw_shape_mismatch(t, p, name);
      return;
    }
    std::string msg = spec_.pred_first ? broadcast_error(p, t) : broadcast_error(t, p);
    if (!msg.empty()) throw_broadcast_mismatch(msg, t, p, name);
  }

  std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const override {
    return without_axis(t == p ? p : broadcast_dims(t, p), spec_.axis);
  }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool logits) const override {
    Operands op(t, p, grad);
    if (f_.transforms_targets()) f_.transform(op.own_targets(), op.total);
    Rows r = rows_along(op.S, spec_.axis);
    const double scale = spec_.reduce == Reduce::kMean && r.n > 0 ? 1.0 / static_cast<double>(r.n) : 1.0;
    double total = 0;
    for (int64_t o = 0; o < r.outer; ++o)
      for (int64_t i = 0; i < r.inner; ++i) {
        const int64_t v = o * r.inner + i;
        const double m = mult ? mult[v] : 1.0;
        double acc = 0;
        for (int64_t j = 0; j < r.n; ++j) {
          const int64_t e = (o * r.n + j) * r.inner + i;
          double d = 0;
          acc += f_(op.tp[e], op.pp[e], &d, logits);
          if (op.g) op.g[e] += static_cast<float>(m * scale * d);
        }
        const double val = acc * scale;
        if (values) values[v] = val;
        total += m * val;
      }
    op.finish();
    return total;
  }

 private:
  F f_;
  Spec spec_;
};

// Per-element functions: value, and its derivative with respect to p in *d.
struct NoTargetTransform {
  bool transforms_targets() const { return false; }
  void transform(float*, int64_t) const {}
};

struct MseF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    *d = 2 * (p - t);
    return (t - p) * (t - p);
  }
};
struct MaeF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    *d = sign(p - t);
    return std::abs(t - p);
  }
};
struct MapeF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    double den = std::max(std::abs(t), kClipLo);
    *d = 100.0 * sign(p - t) / den;
    return 100.0 * std::abs((t - p) / den);
  }
};
struct MsleF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    double pe = std::max(p, kClipLo), te = std::max(t, kClipLo);
    double a = std::log(pe + 1.0), b = std::log(te + 1.0);
    *d = p >= kClipLo ? 2 * (a - b) / (pe + 1.0) : 0.0;
    return (a - b) * (a - b);
  }
};
struct HuberF : NoTargetTransform {
  double delta = 1.0;
  double operator()(double t, double p, double* d, bool) const {
    double e = p - t, ae = std::abs(e);
    if (ae <= delta) {
      *d = e;
      return 0.5 * e * e;
    }
    *d = delta * sign(e);
    return delta * ae - 0.5 * delta * delta;
  }
};
struct LogCoshF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    double x = p - t;
    *d = std::tanh(x);
    return x + softplus(-2.0 * x) - std::log(2.0);
  }
};
// Hinge losses take -1/1 targets; 0/1 targets (all of them) are converted first (convert_binary_labels_to_hinge).
struct HingeTargets {
  bool transforms_targets() const { return true; }
  void transform(float* t, int64_t n) const {
    for (int64_t i = 0; i < n; ++i)
      if (t[i] != 0.0f && t[i] != 1.0f) return;
    for (int64_t i = 0; i < n; ++i) t[i] = 2.0f * t[i] - 1.0f;
  }
};
struct HingeF : HingeTargets {
  double operator()(double t, double p, double* d, bool) const {
    double m = 1.0 - t * p;
    *d = m > 0 ? -t : 0.0;
    return std::max(m, 0.0);
  }
};
struct SquaredHingeF : HingeTargets {
  double operator()(double t, double p, double* d, bool) const {
    double m = std::max(1.0 - t * p, 0.0);
    *d = -2.0 * m * t;
    return m * m;
  }
};
struct PoissonF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    *d = 1.0 - t / (p + kClipLo);
    return p - t * std::log(p + kClipLo);
  }
};
struct KldF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    double tc = std::clamp(t, kClipLo, 1.0), pc = std::clamp(p, kClipLo, 1.0);
    *d = (p >= kClipLo && p <= 1.0) ? -tc / pc : 0.0;
    return tc * std::log(tc / pc);
  }
};
struct AccuracyF : NoTargetTransform {
  double operator()(double t, double p, double* d, bool) const {
    *d = 0;
    return static_cast<float>(t) == static_cast<float>(p) ? 1.0 : 0.0;
  }
};
struct BinaryAccuracyF : NoTargetTransform {
  double threshold = 0.5;
  double operator()(double t, double p, double* d, bool) const {
    *d = 0;
    float pred = static_cast<float>(p) > static_cast<float>(threshold) ? 1.0f : 0.0f;
    return static_cast<float>(t) == pred ? 1.0 : 0.0;
  }
};

// Label smoothing of the binary losses: squeezes targets towards 0.5.
struct BinarySmoothing {
  double label_smoothing = 0;
  bool transforms_targets() const { return label_smoothing != 0; }
  void transform(float* t, int64_t n) const {
    for (int64_t i = 0; i < n; ++i)
      t[i] = static_cast<float>(t[i] * (1.0 - label_smoothing) + 0.5 * label_smoothing);
  }
};

struct BceF : BinarySmoothing {
  double operator()(double t, double p, double* d, bool logits) const {
    if (logits) {  // max(x, 0) - x*t + log(1 + exp(-|x|)), gradient sigmoid(x) - t
      *d = sigmoid(p) - t;
      return std::max(p, 0.0) - p * t + std::log1p(std::exp(-std::abs(p)));
    }
    double pc = std::clamp(p, kClipLo, kClipHi);
    *d = (p >= kClipLo && p <= kClipHi) ? -t / pc + (1.0 - t) / (1.0 - pc) : 0.0;
    return -(t * std::log(pc) + (1.0 - t) * std::log(1.0 - pc));
  }
};

struct FocalF : BinarySmoothing {
  bool balancing = false;
  double alpha = 0.25, gamma = 2.0;
  double operator()(double t, double x, double* d, bool logits) const {
    double p = logits ? sigmoid(x) : x;
    double pc = std::clamp(p, kClipLo, kClipHi);
    double bce = -(t * std::log(pc) + (1.0 - t) * std::log(1.0 - pc));
    double dbce = (p >= kClipLo && p <= kClipHi) ? -t / pc + (1.0 - t) / (1.0 - pc) : 0.0;
    double base = 1.0 - (t * p + (1.0 - t) * (1.0 - p));
    double ff = std::pow(base, gamma);
    double dff = gamma == 0 ? 0.0 : -gamma * std::pow(base, gamma - 1.0) * (2.0 * t - 1.0);
    double w = balancing ? t * alpha + (1.0 - t) * (1.0 - alpha) : 1.0;
    double dp = w * (dff * bce + ff * dbce);
    *d = logits ? dp * p * (1.0 - p) : dp;
    return w * ff * bce;
  }
};

// ---- categorical cross-entropy (softmax axis) ---------------------------------------------------------------------

// Categorical cross-entropy, and its focal form: sum(alpha * (1 - q)^gamma * -t * log(q)) over the class axis, q the
// clipped probabilities (keras.losses.categorical_focal_crossentropy).
struct FocalTerms {
  double alpha = 0.25, gamma = 2.0;
};

class CategoricalCore : public LossCore {
 public:
  CategoricalCore(double label_smoothing, int axis, std::optional<FocalTerms> focal = std::nullopt)
      : ls_(label_smoothing), axis_(axis), focal_(focal) {}

  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    if (t.ndim() != p.ndim()) throw_rank_mismatch(t, p, name);
    if (!shapes_agree(t, p)) throw_shape_mismatch(t, p, name);
    if (p.ndim() < 1)
      throw ValueError("Arguments `target` and `output` must be at least rank 1. Received: target.shape=" +
                           to_string(t) + ", output.shape=" + to_string(p),
                       {.hint = "give the model's output a class axis, e.g. Dense(10, activation=\"softmax\")."});
  }
  std::vector<int64_t> value_dims(const std::vector<int64_t>&, const std::vector<int64_t>& p) const override {
    return without_axis(p, axis_);
  }
  std::string fusable() const override { return from_logits || axis_ != -1 || focal_ ? "" : "softmax"; }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool logits) const override {
    Operands op(t, p, grad);
    if (ls_ != 0) {
      float* tt = op.own_targets();
      double c = static_cast<double>(t.dims().back());
      for (int64_t i = 0; i < op.total; ++i) tt[i] = static_cast<float>(tt[i] * (1.0 - ls_) + ls_ / c);
    }
    Rows r = rows_along(op.S, axis_);
    std::vector<double> q(static_cast<size_t>(r.n)), gq(static_cast<size_t>(r.n));
    double total = 0;
    for (int64_t o = 0; o < r.outer; ++o)
      for (int64_t i = 0; i < r.inner; ++i) {
        const int64_t v = o * r.inner + i;
        const double m = mult ? mult[v] : 1.0;
        auto at = [&](int64_t j) { return (o * r.n + j) * r.inner + i; };
        double val = 0;
        if (focal_) {
          val = focal_row(op, r.n, at, logits, m, q, gq);
        } else if (logits) {  // log_softmax; gradient sum(t) * softmax - t
          double mx = -std::numeric_limits<double>::infinity();
          for (int64_t j = 0; j < r.n; ++j) mx = std::max(mx, static_cast<double>(op.pp[at(j)]));
          double se = 0, st = 0;
          for (int64_t j = 0; j < r.n; ++j) se += std::exp(op.pp[at(j)] - mx);
          double lse = mx + std::log(se);
          for (int64_t j = 0; j < r.n; ++j) {
            val += op.tp[at(j)] * (lse - op.pp[at(j)]);
            st += op.tp[at(j)];
          }
          if (op.g)
            for (int64_t j = 0; j < r.n; ++j)
              op.g[at(j)] += static_cast<float>(m * (st * std::exp(op.pp[at(j)] - lse) - op.tp[at(j)]));
        } else {  // p / sum(p), clipped to [eps, 1 - eps], -sum(t * log(.))
          double s = 0;
          for (int64_t j = 0; j < r.n; ++j) s += op.pp[at(j)];
          double gsum = 0;
          for (int64_t j = 0; j < r.n; ++j) {
            size_t k = static_cast<size_t>(j);
            q[k] = op.pp[at(j)] / s;
            double qc = std::clamp(q[k], kClipLo, kClipHi);
            double tj = op.tp[at(j)];
            val -= tj * std::log(qc);
            gq[k] = (q[k] >= kClipLo && q[k] <= kClipHi) ? -tj / qc : 0.0;
            gsum += gq[k] * q[k];
          }
          if (op.g)
            for (int64_t j = 0; j < r.n; ++j)
              op.g[at(j)] += static_cast<float>(m * (gq[static_cast<size_t>(j)] - gsum) / s);
        }
        if (values) values[v] = val;
        total += m * val;
      }
    op.finish();
    return total;
  }

 private:
  // One row of the focal loss: q = softmax(x) (from logits) or p / sum(p), clipped; the gradient goes back through
  // the clip (zero where it is active) and the normalisation.
  template <class At>
  double focal_row(Operands& op, int64_t n, At at, bool logits, double m, std::vector<double>& q,
                   std::vector<double>& gq) const {
    const double alpha = focal_->alpha, gamma = focal_->gamma;
    double s = 0;
    if (logits) {
      double mx = -std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < n; ++j) mx = std::max(mx, static_cast<double>(op.pp[at(j)]));
      for (int64_t j = 0; j < n; ++j) s += q[static_cast<size_t>(j)] = std::exp(op.pp[at(j)] - mx);
      for (int64_t j = 0; j < n; ++j) q[static_cast<size_t>(j)] /= s;
    } else {
      for (int64_t j = 0; j < n; ++j) s += op.pp[at(j)];
      for (int64_t j = 0; j < n; ++j) q[static_cast<size_t>(j)] = op.pp[at(j)] / s;
    }
    double val = 0, gsum = 0;
    for (int64_t j = 0; j < n; ++j) {
      const size_t k = static_cast<size_t>(j);
      const double qc = std::clamp(q[k], kClipLo, kClipHi), tj = op.tp[at(j)];
      const double ce = -tj * std::log(qc), mod = std::pow(1.0 - qc, gamma);
      val += alpha * mod * ce;
      const double dmod = gamma == 0 ? 0.0 : -gamma * std::pow(1.0 - qc, gamma - 1.0);
      gq[k] = (q[k] >= kClipLo && q[k] <= kClipHi) ? alpha * (dmod * ce - mod * tj / qc) : 0.0;
      gsum += gq[k] * q[k];
    }
    if (op.g)
      for (int64_t j = 0; j < n; ++j) {
        const size_t k = static_cast<size_t>(j);
        // softmax: q_k (gq_k - sum gq q); p / s: (gq_k - sum gq q) / s
        const double d = logits ? q[k] * (gq[k] - gsum) : (gq[k] - gsum) / s;
        op.g[at(j)] += static_cast<float>(m * d);
      }
    return val;
  }

  double ls_;
  int axis_;
  std::optional<FocalTerms> focal_;
};

// ---- sparse categorical cross-entropy -----------------------------------------------------------------------------

class SparseCore : public LossCore {
 public:
  explicit SparseCore(std::optional<int> ignore_class) : ignore_(ignore_class) {}

  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    if (t.ndim() == p.ndim() && t.ndim() > 0 && t[-1].known() && t[-1].value() == 1) t = t.slice(0, t.ndim() - 1);
    if (p.ndim() < 1)
      throw ValueError("Argument `output` must be at least rank 1. Received: output.shape=" + to_string(p),
                       {.hint = "give the model's output a class axis, e.g. Dense(10, activation=\"softmax\")."});
    if (!shapes_agree(t, p.slice(0, p.ndim() - 1))) throw_sparse_mismatch(t, p);
  }
  std::vector<int64_t> value_dims(const std::vector<int64_t>&, const std::vector<int64_t>& p) const override {
    return without_axis(p, -1);
  }
  std::string fusable() const override { return from_logits ? "" : "softmax"; }

  std::vector<uint8_t> valid_mask(const Tensor& t, const Tensor&) const override {
    if (!ignore_) return {};
    std::vector<uint8_t> valid(static_cast<size_t>(t.size()));
    for (int64_t i = 0; i < t.size(); ++i) valid[static_cast<size_t>(i)] = label(t.data()[i]) != *ignore_;
    return valid;
  }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool logits) const override {
    const int64_t c = p.dims().back();
    const int64_t rows = c ? p.size() / c : 0;
    const float* tp = t.data();
    const float* pp = p.data();
    double total = 0;
    for (int64_t v = 0; v < rows; ++v) {
      const float* x = pp + v * c;
      float* g = grad ? grad + v * c : nullptr;
      int64_t y = label(tp[v]);
      if (ignore_ && y == *ignore_) {
        if (values) values[v] = 0;
        continue;
      }
      if (y < 0 || y >= c)
        throw ValueError("Received a label value of " + std::to_string(y) +
                             " which is outside the valid range of [0, " + std::to_string(c) + ").",
                         {.expected = "class ids in [0, " + std::to_string(c) + ")",
                          .received = "label " + std::to_string(y),
                          .hint = "the last layer has " + std::to_string(c) +
                                  " units, one per class: give it as many units as there are classes (labels run "
                                  "from 0 to num_classes - 1)."});
      const double m = mult ? mult[v] : 1.0;
      double val;
      if (logits) {
        double mx = *std::max_element(x, x + c);
        double se = 0;
        for (int64_t j = 0; j < c; ++j) se += std::exp(x[j] - mx);
        double lse = mx + std::log(se);
        val = lse - x[y];
        if (g) {
          for (int64_t j = 0; j < c; ++j) g[j] += static_cast<float>(m * std::exp(x[j] - lse));
          g[y] -= static_cast<float>(m);
        }
      } else {
        double s = 0;
        for (int64_t j = 0; j < c; ++j) s += x[j];
        double q = x[y] / s;
        double qc = std::clamp(q, kClipLo, kClipHi);
        val = -std::log(qc);
        if (g && q >= kClipLo && q <= kClipHi) {
          double gy = -1.0 / qc;  // d/dp_k of -log(p_y / s) = gy * ([k == y] - q) / s
          for (int64_t j = 0; j < c; ++j) g[j] += static_cast<float>(m * gy * ((j == y ? 1.0 : 0.0) - q) / s);
        }
      }
      if (values) values[v] = val;
      total += m * val;
    }
    return total;
  }

 private:
  static int64_t label(float v) { return static_cast<int64_t>(v); }  // cast to int32 as Keras does: truncation
  std::optional<int> ignore_;
};

// ---- categorical hinge --------------------------------------------------------------------------------------------

class CategoricalHingeCore : public LossCore {
 public:
  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    std::string msg = broadcast_error(t, p);
    if (!msg.empty()) throw_broadcast_mismatch(msg, t, p, name);
  }
  std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const override {
    return without_axis(t == p ? p : broadcast_dims(t, p), -1);
  }
  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool) const override {
    Operands op(t, p, grad);
    Rows r = rows_along(op.S, -1);
    double total = 0;
    for (int64_t v = 0; v < r.outer; ++v) {
      const float* tt = op.tp + v * r.n;
      const float* pp = op.pp + v * r.n;
      double pos = 0, neg = -std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < r.n; ++j) {
        pos += static_cast<double>(tt[j]) * pp[j];
        neg = std::max(neg, (1.0 - tt[j]) * pp[j]);
      }
      double arg = neg - pos + 1.0;
      double val = std::max(arg, 0.0);
      const double m = mult ? mult[v] : 1.0;
      if (op.g && arg > 0) {
        int64_t ties = 0;
        for (int64_t j = 0; j < r.n; ++j) ties += (1.0 - tt[j]) * pp[j] == neg;
        for (int64_t j = 0; j < r.n; ++j) {
          double d = -tt[j];
          if ((1.0 - tt[j]) * pp[j] == neg) d += (1.0 - tt[j]) / static_cast<double>(ties);
          op.g[v * r.n + j] += static_cast<float>(m * d);
        }
      }
      if (values) values[v] = val;
      total += m * val;
    }
    op.finish();
    return total;
  }
};

// ---- cosine similarity --------------------------------------------------------------------------------------------

class CosineCore : public LossCore {
 public:
  CosineCore(int axis, double sign) : axis_(axis), sign_(sign) {}
  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    std::string msg = broadcast_error(t, p);
    if (!msg.empty()) throw_broadcast_mismatch(msg, t, p, name);
  }
  std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const override {
    return without_axis(t == p ? p : broadcast_dims(t, p), axis_);
  }
  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool) const override {
    Operands op(t, p, grad);
    Rows r = rows_along(op.S, axis_);
    const double cap = 1.0 / kEpsilon;  // normalize: x * min(rsqrt(sum(x^2)), 1/epsilon)
    double total = 0;
    for (int64_t o = 0; o < r.outer; ++o)
      for (int64_t i = 0; i < r.inner; ++i) {
        const int64_t v = o * r.inner + i;
        auto at = [&](int64_t j) { return (o * r.n + j) * r.inner + i; };
        double st = 0, sp = 0, dot = 0;
        for (int64_t j = 0; j < r.n; ++j) {
          double a = op.tp[at(j)], b = op.pp[at(j)];
          st += a * a;
          sp += b * b;
          dot += a * b;
        }
        double rt = 1.0 / std::sqrt(st), rp = 1.0 / std::sqrt(sp);
        double it = std::min(rt, cap), ip = std::min(rp, cap);
        double val = sign_ * dot * it * ip;
        const double m = mult ? mult[v] : 1.0;
        if (op.g) {
          bool p_free = rp <= cap;
          for (int64_t j = 0; j < r.n; ++j) {
            double d = op.tp[at(j)] * ip - (p_free ? dot * op.pp[at(j)] * ip * ip * ip : 0.0);
            op.g[at(j)] += static_cast<float>(m * sign_ * it * d);
          }
        }
        if (values) values[v] = val;
        total += m * val;
      }
    op.finish();
    return total;
  }

 private:
  int axis_;
  double sign_;
};

template <class F>
std::shared_ptr<LossCore> elementwise(F f, Spec spec = {}) {
  return std::make_shared<ElementwiseCore<F>>(std::move(f), spec);
}

}  // namespace

std::shared_ptr<LossCore> make_elementwise(Elementwise kind, ElementwiseOptions opt) {
  switch (kind) {
    case Elementwise::kMeanSquaredError: return elementwise(MseF{});
    case Elementwise::kMeanAbsoluteError: return elementwise(MaeF{});
    case Elementwise::kMeanAbsolutePercentageError: return elementwise(MapeF{});
    case Elementwise::kMeanSquaredLogarithmicError: return elementwise(MsleF{}, {.pred_first = true});
    case Elementwise::kHuber: {
      HuberF f;
      f.delta = opt.delta;
      return elementwise(f, {.pred_first = true});
    }
    case Elementwise::kLogCosh: return elementwise(LogCoshF{}, {.pred_first = true});
    case Elementwise::kHinge: return elementwise(HingeF{});
    case Elementwise::kSquaredHinge: return elementwise(SquaredHingeF{});
    case Elementwise::kPoisson: return elementwise(PoissonF{});
    case Elementwise::kKLDivergence: return elementwise(KldF{}, {.reduce = Reduce::kSum});
    case Elementwise::kAccuracy: return elementwise(AccuracyF{});
    case Elementwise::kBinaryAccuracy: {
      BinaryAccuracyF f;
      f.threshold = opt.threshold;
      return elementwise(f);
    }
  }
  return nullptr;
}

namespace {
// BinaryCrossentropy: absorbs a final sigmoid when it takes probabilities.
template <class F>
class BinaryCore : public ElementwiseCore<F> {
 public:
  using ElementwiseCore<F>::ElementwiseCore;
  std::string fusable() const override { return this->from_logits || !fusable_ ? "" : "sigmoid"; }
  bool fusable_ = false;
};
}  // namespace

std::shared_ptr<LossCore> make_binary_crossentropy(bool from_logits, double label_smoothing, int axis) {
  BceF f;
  f.label_smoothing = label_smoothing;
  auto core = std::make_shared<BinaryCore<BceF>>(f, Spec{.axis = axis, .exact = true});
  core->from_logits = from_logits;
  core->fusable_ = true;
  return core;
}

std::shared_ptr<LossCore> make_binary_focal_crossentropy(bool apply_class_balancing, double alpha, double gamma,
                                                         bool from_logits, double label_smoothing, int axis) {
  FocalF f;
  f.label_smoothing = label_smoothing;
  f.balancing = apply_class_balancing;
  f.alpha = alpha;
  f.gamma = gamma;
  auto core = std::make_shared<BinaryCore<FocalF>>(f, Spec{.axis = axis, .exact = true});
  core->from_logits = from_logits;
  return core;
}

std::shared_ptr<LossCore> make_categorical_crossentropy(bool from_logits, double label_smoothing, int axis) {
  auto core = std::make_shared<CategoricalCore>(label_smoothing, axis);
  core->from_logits = from_logits;
  return core;
}

std::shared_ptr<LossCore> make_categorical_focal_crossentropy(double alpha, double gamma, bool from_logits,
                                                              double label_smoothing, int axis) {
  auto core = std::make_shared<CategoricalCore>(label_smoothing, axis, FocalTerms{alpha, gamma});
  core->from_logits = from_logits;
  return core;
}

std::shared_ptr<LossCore> make_sparse_categorical_crossentropy(bool from_logits, std::optional<int> ignore_class) {
  auto core = std::make_shared<SparseCore>(ignore_class);
  core->from_logits = from_logits;
  return core;
}

std::shared_ptr<LossCore> make_categorical_hinge() { return std::make_shared<CategoricalHingeCore>(); }

std::shared_ptr<LossCore> make_cosine_similarity(int axis, double sign) {
  return std::make_shared<CosineCore>(axis, sign);
}

}  // namespace keras::losses::detail

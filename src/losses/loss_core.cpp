#include "losses/loss_core.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace keras::losses::detail {

// ---- shapes -------------------------------------------------------------------------------------------------------

std::vector<int64_t> concrete(const Shape& s) {
  std::vector<int64_t> d;
  for (const auto& x : s) d.push_back(x.known() ? x.value() : -1);
  return d;
}

void squeeze_or_expand(Shape& x1, Shape& x2, bool expand_rank_1) {
  int r1 = x1.ndim(), r2 = x2.ndim();
  if (r1 == r2) return;
  auto last_is_one = [](const Shape& s) { return s.ndim() > 0 && s[-1].known() && s[-1].value() == 1; };
  auto squeezed = [](const Shape& s) { return s.slice(0, s.ndim() - 1); };
  auto expanded = [](Shape s) {
    s.push_back(1);
    return s;
  };
  if (r1 == r2 + 1 && last_is_one(x1)) {
    if (r2 == 1 && expand_rank_1) x2 = expanded(x2);
    else x1 = squeezed(x1);
  }
  if (r2 == r1 + 1 && last_is_one(x2)) {
    if (r1 == 1 && expand_rank_1) x1 = expanded(x1);
    else x2 = squeezed(x2);
  }
}

std::string shape_list(const Shape& s) {
  std::string out = "[";
  for (int i = 0; i < s.ndim(); ++i) out += (i ? ", " : "") + to_string(s[i]);
  return out + "]";
}

std::string batchless(const Shape& s) {
  if (s.ndim() == 0) return to_string(s);
  Shape b = s;
  b[0] = None;
  return to_string(b);
}

bool dims_agree(const Dim& a, const Dim& b) { return a.is_none() || b.is_none() || a == b; }

bool shapes_agree(const Shape& a, const Shape& b) {
  if (a.ndim() != b.ndim()) return false;
  for (int i = 0; i < a.ndim(); ++i)
    if (!dims_agree(a[i], b[i])) return false;
  return true;
}

int normalize_axis(int axis, int ndim) {
  int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim)
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                         std::to_string(ndim),
                     {.expected = "-" + std::to_string(ndim) + " <= axis < " + std::to_string(ndim),
                      .received = "axis=" + std::to_string(axis),
                      .hint = "axis names the class (features) axis; -1, the last axis, is the usual choice."});
  return a;
}

std::string broadcast_error(const Shape& shape1, const Shape& shape2) {
  size_t n = std::max(shape1.size(), shape2.size());
  std::vector<Dim> s1(n - shape1.size(), Dim(1)), s2(n - shape2.size(), Dim(1));
  s1.insert(s1.end(), shape1.begin(), shape1.end());
  s2.insert(s2.end(), shape2.begin(), shape2.end());
  for (size_t i = 0; i < n; ++i) {
    const Dim& a = s1[i];
    const Dim& b = s2[i];
    if (a.is_none() || a == Dim(1)) continue;
    if (b.is_none() || b == Dim(1) || a == b) continue;
    return "Cannot broadcast shape, the failure dim has value " + to_string(a) + ", which cannot be broadcasted to " +
           to_string(b) + ". Input shapes are: " + shape_list(shape1) + " and " + shape_list(shape2) + ".";
  }
  return "";
}

Shape broadcast_shape(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<Dim> out;
  for (size_t i = 0; i < n; ++i) {
    Dim x = i + a.size() >= n ? a.dims()[i + a.size() - n] : Dim(1);
    Dim y = i + b.size() >= n ? b.dims()[i + b.size() - n] : Dim(1);
    if (x == Dim(1)) out.push_back(y);
    else if (y == Dim(1)) out.push_back(x);
    else if (x.is_none()) out.push_back(y);
    else out.push_back(x);
  }
  return Shape(out);
}

std::vector<int64_t> pad_left(const std::vector<int64_t>& d, size_t n) {
  std::vector<int64_t> out(n - std::min(n, d.size()), 1);
  out.insert(out.end(), d.begin(), d.end());
  return out;
}

std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> pa = pad_left(a, n), pb = pad_left(b, n), out(n);
  for (size_t i = 0; i < n; ++i) {
    if (pa[i] == pb[i] || pb[i] == 1) out[i] = pa[i];
    else if (pa[i] == 1) out[i] = pb[i];
    else
      throw ValueError(broadcast_error(Shape::of(a), Shape::of(b)),
                       {.received = to_string(Shape::of(a)) + " and " + to_string(Shape::of(b))});
  }
  return out;
}

namespace {
// Strides of `from` (padded to to's rank) over `to`, 0 on broadcast axes.
std::vector<int64_t> bstrides(const std::vector<int64_t>& from, const std::vector<int64_t>& to) {
  std::vector<int64_t> f = pad_left(from, to.size()), st(to.size(), 0);
  int64_t s = 1;
  for (size_t i = to.size(); i-- > 0;) {
    st[i] = f[i] == 1 && to[i] != 1 ? 0 : s;
    s *= f[i];
  }
  return st;
}

template <class F>
void for_each_index(const std::vector<int64_t>& to, const std::vector<int64_t>& st, F&& f) {
  int64_t total = 1;
  for (auto d : to) total *= d;
  if (total == 0) return;
  size_t nd = to.size();
  std::vector<int64_t> idx(nd, 0);
  int64_t src = 0;
  for (int64_t e = 0; e < total; ++e) {
    f(e, src);
    for (size_t k = nd; k-- > 0;) {
      if (++idx[k] < to[k]) {
        src += st[k];
        break;
      }
      src -= st[k] * (to[k] - 1);
      idx[k] = 0;
    }
  }
}
}  // namespace

std::vector<float> broadcast_to(const float* src, const std::vector<int64_t>& from, const std::vector<int64_t>& to) {
  int64_t total = 1;
  for (auto d : to) total *= d;
  std::vector<float> out(static_cast<size_t>(total));
  for_each_index(to, bstrides(from, to), [&](int64_t e, int64_t s) { out[static_cast<size_t>(e)] = src[s]; });
  return out;
}

void sum_to(const float* g, const std::vector<int64_t>& to, const std::vector<int64_t>& from, float* out) {
  for_each_index(to, bstrides(from, to), [&](int64_t e, int64_t s) { out[s] += g[e]; });
}

Rows rows_along(const std::vector<int64_t>& d, int axis) {
  Rows r;
  if (d.empty()) return r;
  int a = normalize_axis(axis, static_cast<int>(d.size()));
  for (int i = 0; i < a; ++i) r.outer *= d[static_cast<size_t>(i)];
  r.n = d[static_cast<size_t>(a)];
  for (size_t i = static_cast<size_t>(a) + 1; i < d.size(); ++i) r.inner *= d[i];
  return r;
}

// ---- reductions ---------------------------------------------------------------------------------------------------

std::string standardize_reduction(const kw::Kwargs& k) {
  if (k.is_none("reduction")) return "none";
  std::string r = k.get_or<std::string>("reduction", "sum_over_batch_size");
  static const char* allowed[] = {"sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight"};
  for (const char* a : allowed)
    if (r == a) return r;
  throw ValueError("Invalid value for argument `reduction`. Expected one of {'sum_over_batch_size', 'sum', None, "
                   "'none', 'mean', 'mean_with_sample_weight'}. Received: reduction=" + r,
                   {.expected = "sum_over_batch_size, sum, mean, mean_with_sample_weight or none", .received = r,
                    .hint = "leave reduction at its default \"sum_over_batch_size\" (the mean over every loss value) "
                            "unless you need the plain sum (\"sum\")."});
}

std::vector<double> reduction_weights(const std::vector<int64_t>& value_dims, const Tensor* sample_weight,
                                      const std::vector<uint8_t>& valid, const std::string& reduction) {
  int64_t nv = 1;
  for (auto d : value_dims) nv *= d;
  const bool have_sw = sample_weight && sample_weight->defined();
  const bool sum_like = reduction == "sum" || reduction == "none";
  const bool mean_sw = reduction == "mean_with_sample_weight";

  // A scalar loss (e.g. MSE of two rank-1 arrays): Keras returns it as is, or multiplies it by each weight first.
  if (value_dims.empty()) {
    if (!have_sw) return {1.0};
    double s = 0;
    const float* w = sample_weight->data();
    for (int64_t i = 0; i < sample_weight->size(); ++i) s += w[i];
    if (sum_like) return {s};
    if (mean_sw) return {s != 0 ? 1.0 : 0.0};
    return {sample_weight->size() ? s / static_cast<double>(sample_weight->size()) : 0.0};
  }

  std::vector<double> w(static_cast<size_t>(nv), 1.0);
  if (have_sw) {
    Shape v = Shape::of(value_dims), s = sample_weight->shape();
    squeeze_or_expand(v, s);
    std::vector<int64_t> vd = concrete(v), sd = concrete(s);
    // (batch,) weights apply to every loss value of their sample; otherwise numpy broadcasting.
    bool leading = sd.size() <= vd.size();
    for (size_t i = 0; leading && i < sd.size(); ++i) leading = sd[i] == vd[i] || sd[i] == 1;
    std::vector<float> wb;
    if (leading) {
      std::vector<int64_t> padded = sd;
      padded.resize(vd.size(), 1);
      wb = broadcast_to(sample_weight->data(), padded, vd);
    } else {
      bool ok = sd.size() <= vd.size();
      std::vector<int64_t> ps = pad_left(sd, vd.size());
      for (size_t i = 0; ok && i < vd.size(); ++i) ok = ps[i] == vd[i] || ps[i] == 1;
      if (!ok)
        throw ValueError(
            broadcast_error(Shape::of(value_dims), sample_weight->shape()),
            {.expected = "sample_weight of shape " + to_string(Shape{Dim(value_dims.at(0))}) + " (one per sample)",
             .received = "sample_weight.shape=" + to_string(sample_weight->shape()),
             .hint = "give one weight per sample: a vector as long as the batch (the loss values have shape " +
                     to_string(Shape::of(value_dims)) + ")."});
      wb = broadcast_to(sample_weight->data(), sd, vd);
    }
    for (size_t i = 0; i < w.size(); ++i) w[i] = wb[i];
  }
  const bool masked = !valid.empty();
  if (masked)
    for (size_t i = 0; i < w.size(); ++i)
      if (!valid[i]) w[i] = 0;

  double divisor = 1;
  if (reduction == "sum_over_batch_size" || reduction == "mean") {
    if (masked) divisor = static_cast<double>(std::count(valid.begin(), valid.end(), uint8_t{1}));
    else divisor = static_cast<double>(nv);
  } else if (mean_sw) {
    if (have_sw || masked) divisor = std::accumulate(w.begin(), w.end(), 0.0);
    else divisor = static_cast<double>(nv);
  }
  for (auto& x : w) x = divisor != 0 ? x / divisor : 0.0;  // divide_no_nan
  return w;
}

// ---- the pipeline -------------------------------------------------------------------------------------------------

namespace {
struct Aligned {
  Tensor t, p;
};

Aligned align_tensors(const LossCore& core, const Tensor& y_true, const Tensor& y_pred) {
  if (!y_true.defined() || !y_pred.defined())
    throw ValueError("Loss `" + core.name + "` received an undefined tensor.",
                     {.hint = "pass both y_true and y_pred as defined tensors."});
  Shape ts = y_true.shape(), ps = y_pred.shape();
  core.align(ts, ps);
  return {y_true.reshape(concrete(ts)), y_pred.reshape(concrete(ps))};
}
}  // namespace

double evaluate(const LossCore& core, const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight,
                Tensor* grad, bool logits) {
  Aligned a = align_tensors(core, y_true, y_pred);
  std::vector<int64_t> vd = core.value_dims(a.t.dims(), a.p.dims());
  std::vector<uint8_t> valid = core.valid_mask(a.t, a.p);
  std::vector<double> mult = reduction_weights(vd, sample_weight, valid, core.reduction);
  float* g = nullptr;
  if (grad) {
    *grad = Tensor::zeros(y_pred.dims());
    g = grad->data();
  }
  return core.run(a.t, a.p, mult.data(), nullptr, g, logits || core.from_logits);
}

Tensor unreduced(const LossCore& core, const Tensor& y_true, const Tensor& y_pred) {
  Aligned a = align_tensors(core, y_true, y_pred);
  std::vector<int64_t> vd = core.value_dims(a.t.dims(), a.p.dims());
  Tensor out = Tensor::zeros(vd);
  std::vector<double> v(static_cast<size_t>(out.size()));
  core.run(a.t, a.p, nullptr, v.data(), nullptr, core.from_logits);
  for (size_t i = 0; i < v.size(); ++i) out.data()[i] = static_cast<float>(v[i]);
  return out;
}

void check(const LossCore& core, const Shape& y_true, const Shape& y_pred) {
  Shape t = y_true, p = y_pred;
  core.align(t, p);
}

}  // namespace keras::losses::detail

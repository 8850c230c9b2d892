#include "keras/regularizers/regularizers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/core/shape.hpp"

namespace keras::regularizers {
namespace {


// A keyword as a number, accepting the integer and floating types a config may carry; nullopt if absent or None.
std::optional<double> get_number(const kw::Kwargs& k, std::string_view key) {
  if (!k.has(key) || k.is_none(key)) return std::nullopt;
  try {
    return k.get<double>(key);
  } catch (const TypeError&) {
  }
  try {
    return static_cast<double>(*k.get<float>(key));
  } catch (const TypeError&) {
  }
  try {
    return static_cast<double>(*k.get<int>(key));
  } catch (const TypeError&) {
  }
  try {
    return static_cast<double>(*k.get<int64_t>(key));
  } catch (const TypeError&) {
  }
  throw TypeError("Invalid value for argument " + std::string(key) + ": expected a non-negative float.",
                  {.hint = "give a number such as " + std::string(key) + "=0.01."});
}

// Keras's validate_float_arg: a finite number >= 0 (its message has no space after "float.").
double validated(const kw::Kwargs& k, std::string_view key, double fallback) {
  const double v = get_number(k, key).value_or(fallback);
  if (!std::isfinite(v) || v < 0) {
    const std::string name(key), r = py_float(v);
    throw ValueError("Invalid value for argument " + name + ": expected a non-negative float.Received: " + name +
                         "=" + r,
                     {.expected = name + " >= 0", .received = r,
                      .hint = name + " scales the penalty: give a finite number >= 0, typically small such as " + name +
                              "=0.01 (0 turns the penalty off)."});
  }
  return v;
}

void put(kw::Kwargs& k, const char* key, double v) { k.set(key, v); }

double sum_abs(const Tensor& w) {
  double s = 0;
  const float* p = w.data();
  for (int64_t i = 0; i < w.size(); ++i) s += std::fabs(static_cast<double>(p[i]));
  return s;
}

double sum_squares(const Tensor& w) {
  double s = 0;
  const float* p = w.data();
  for (int64_t i = 0; i < w.size(); ++i) s += static_cast<double>(p[i]) * p[i];
  return s;
}

void check_grad(const Tensor& w, const Tensor& grad) {
  if (!grad.defined() || grad.dims() != w.dims())
    throw ValueError("Regularizer gradient buffer must have the weight's shape. Received: grad.shape=" +
                         (grad.defined() ? to_string(grad.shape()) : std::string("None")) +
                         ", weight.shape=" + to_string(w.shape()),
                     {.expected = to_string(w.shape()),
                      .hint = "pass a gradient tensor of the weight's shape, e.g. Tensor::zeros(w.dims())."});
}

// grad += l1 * sign(w) + 2 * l2 * w (the gradient of |w| at 0 is taken as 0, as the backends do).
void add_l1_l2_gradient(const Tensor& w, Tensor& grad, double l1, double l2) {
  check_grad(w, grad);
  const float* p = w.data();
  float* g = grad.data();
  const float a = static_cast<float>(l1), b = static_cast<float>(2.0 * l2);
  for (int64_t i = 0; i < w.size(); ++i) {
    const float sign = p[i] > 0.0f ? 1.0f : (p[i] < 0.0f ? -1.0f : 0.0f);
    g[i] += a * sign + b * p[i];
  }
}

}  // namespace

// ---- L1, L2, L1L2 --------------------------------------------------------------------------------------------

L1::L1(const kw::Kwargs& k) : l1_(validated(k, "l1", 0.01)) {}
double L1::penalty(const Tensor& w) const { return l1_ * sum_abs(w); }
void L1::add_gradient(const Tensor& w, Tensor& grad) const { add_l1_l2_gradient(w, grad, l1_, 0.0); }
kw::Kwargs L1::get_config() const {
  kw::Kwargs k;
  put(k, "l1", l1_);
  return k;
}

L2::L2(const kw::Kwargs& k) : l2_(validated(k, "l2", 0.01)) {}
double L2::penalty(const Tensor& w) const { return l2_ * sum_squares(w); }
void L2::add_gradient(const Tensor& w, Tensor& grad) const { add_l1_l2_gradient(w, grad, 0.0, l2_); }
kw::Kwargs L2::get_config() const {
  kw::Kwargs k;
  put(k, "l2", l2_);
  return k;
}

L1L2::L1L2(const kw::Kwargs& k) : l1_(validated(k, "l1", 0.0)), l2_(validated(k, "l2", 0.0)) {}
double L1L2::penalty(const Tensor& w) const {
  double p = 0;
  if (l1_ != 0.0) p += l1_ * sum_abs(w);
  if (l2_ != 0.0) p += l2_ * sum_squares(w);
  return p;
}
void L1L2::add_gradient(const Tensor& w, Tensor& grad) const { add_l1_l2_gradient(w, grad, l1_, l2_); }
kw::Kwargs L1L2::get_config() const {
  kw::Kwargs k;
  put(k, "l1", l1_);
  put(k, "l2", l2_);
  return k;
}

// ---- OrthogonalRegularizer -----------------------------------------------------------------------------------

namespace {

// The rank-2 weight as n vectors of length d (rows, or columns in "columns" mode), L2-normalised as Keras's
// normalize does: v * min(1 / ||v||, 1 / epsilon), epsilon = 1e-7. Also returns each vector's scale.
struct Normalized {
  int64_t n = 0, d = 0;
  std::vector<double> u;      // n x d
  std::vector<double> scale;  // min(1 / ||v||, 1e7) per vector
  std::vector<bool> clipped;  // whether the scale hit 1 / epsilon (then it does not depend on v)
};

Normalized normalize_vectors(const Tensor& w, bool rows) {
  if (w.ndim() != 2)
    throw ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=" +
                         to_string(w.shape()),
                     {.expected = "rank 2", .received = to_string(w.shape()),
                      .hint = "use OrthogonalRegularizer on 2D weights such as a Dense kernel (in, units)."});
  Normalized out;
  const int64_t r = w.dims()[0], c = w.dims()[1];
  out.n = rows ? r : c;
  out.d = rows ? c : r;
  out.u.assign(static_cast<size_t>(out.n * out.d), 0.0);
  out.scale.assign(static_cast<size_t>(out.n), 0.0);
  out.clipped.assign(static_cast<size_t>(out.n), false);
  const float* p = w.data();
  auto at = [&](int64_t i, int64_t k) { return static_cast<double>(rows ? p[i * c + k] : p[k * c + i]); };
  for (int64_t i = 0; i < out.n; ++i) {
    double ss = 0;
    for (int64_t k = 0; k < out.d; ++k) ss += at(i, k) * at(i, k);
    constexpr double kMaxScale = 1e7;  // 1 / backend.epsilon()
    double s = ss > 0 ? 1.0 / std::sqrt(ss) : kMaxScale;
    if (s >= kMaxScale) {
      s = kMaxScale;
      out.clipped[static_cast<size_t>(i)] = true;
    }
    out.scale[static_cast<size_t>(i)] = s;
    for (int64_t k = 0; k < out.d; ++k) out.u[static_cast<size_t>(i * out.d + k)] = at(i, k) * s;
  }
  return out;
}

double dot(const Normalized& v, int64_t i, int64_t j) {
  double s = 0;
  for (int64_t k = 0; k < v.d; ++k) s += v.u[static_cast<size_t>(i * v.d + k)] * v.u[static_cast<size_t>(j * v.d + k)];
  return s;
}

}  // namespace

OrthogonalRegularizer::OrthogonalRegularizer(const kw::Kwargs& k)
    : factor_(validated(k, "factor", 0.01)), mode_(k.get_or<std::string>("mode", "rows")) {
  if (mode_ != "rows" && mode_ != "columns")
    throw ValueError("Invalid value for argument `mode`. Expected one of {\"rows\", \"columns\"}. Received: mode=" +
                         mode_,
                     {.expected = "\"rows\" or \"columns\"", .received = mode_,
                      .hint = "mode=\"rows\" makes the rows of the weight orthogonal (for a Dense kernel (in, units), "
                              "the input features' weight vectors); mode=\"columns\" the columns."});
}

double OrthogonalRegularizer::penalty(const Tensor& w) const {
  const Normalized v = normalize_vectors(w, mode_ == "rows");
  double s = 0;
  for (int64_t i = 0; i < v.n; ++i)
    for (int64_t j = i + 1; j < v.n; ++j) s += 2.0 * std::fabs(dot(v, i, j));
  const double num_pairs = static_cast<double>(v.n) * (static_cast<double>(v.n) - 1.0) / 2.0;
  return factor_ * 0.5 * s / num_pairs;  // one vector: 0 / 0, NaN as in Keras
}

void OrthogonalRegularizer::add_gradient(const Tensor& w, Tensor& grad) const {
  check_grad(w, grad);
  const bool rows = mode_ == "rows";
  const Normalized v = normalize_vectors(w, rows);
  if (v.n < 2) return;
  // P = c * sum_{i != j} |u_i . u_j| with c = factor / (n (n - 1)); dP/du_i = 2c * sum_{j != i} sign(u_i . u_j) u_j.
  const double c = factor_ / (static_cast<double>(v.n) * (static_cast<double>(v.n) - 1.0));
  std::vector<double> gu(static_cast<size_t>(v.n * v.d), 0.0);
  for (int64_t i = 0; i < v.n; ++i)
    for (int64_t j = i + 1; j < v.n; ++j) {
      const double g = dot(v, i, j);
      const double sgn = g > 0 ? 1.0 : (g < 0 ? -1.0 : 0.0);
      if (sgn == 0.0) continue;
      for (int64_t k = 0; k < v.d; ++k) {
        gu[static_cast<size_t>(i * v.d + k)] += 2.0 * c * sgn * v.u[static_cast<size_t>(j * v.d + k)];
        gu[static_cast<size_t>(j * v.d + k)] += 2.0 * c * sgn * v.u[static_cast<size_t>(i * v.d + k)];
      }
    }
  // Through u = x * s, s = 1 / ||x||: dP/dx = s * (g - u (u . g)); where s is clipped, dP/dx = s * g.
  const int64_t cols = w.dims()[1];
  float* out = grad.data();
  for (int64_t i = 0; i < v.n; ++i) {
    const double s = v.scale[static_cast<size_t>(i)];
    double ug = 0;
    if (!v.clipped[static_cast<size_t>(i)])
      for (int64_t k = 0; k < v.d; ++k) ug += v.u[static_cast<size_t>(i * v.d + k)] * gu[static_cast<size_t>(i * v.d + k)];
    for (int64_t k = 0; k < v.d; ++k) {
      const double dx = s * (gu[static_cast<size_t>(i * v.d + k)] - v.u[static_cast<size_t>(i * v.d + k)] * ug);
      out[rows ? i * cols + k : k * cols + i] += static_cast<float>(dx);
    }
  }
}

kw::Kwargs OrthogonalRegularizer::get_config() const {
  kw::Kwargs k;
  put(k, "factor", factor_);
  k.set("mode", mode_);
  return k;
}

// ---- get, names, deserialize ---------------------------------------------------------------------------------

namespace {

using Factory = std::function<std::shared_ptr<const Regularizer>(const kw::Kwargs&)>;

template <class T>
Factory factory() {
  return [](const kw::Kwargs& k) { return std::make_shared<const T>(k); };
}

// Every identifier accepted: Keras's ALL_OBJECTS_DICT (class names and their snake case) and "l1_l2".
const std::map<std::string, Factory, std::less<>>& lookup() {
  static const std::map<std::string, Factory, std::less<>> m = {
      {"L1", factory<L1>()},
      {"l1", factory<L1>()},
      {"L2", factory<L2>()},
      {"l2", factory<L2>()},
      {"L1L2", factory<L1L2>()},
      {"l1l2", factory<L1L2>()},
      {"OrthogonalRegularizer", factory<OrthogonalRegularizer>()},
      {"orthogonal_regularizer", factory<OrthogonalRegularizer>()},
  };
  return m;
}

std::string joined_names() {
  std::string out;
  for (const auto& n : names()) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

}  // namespace

std::vector<std::string> names() {
  return {"l1", "l1_l2", "l2", "orthogonal_regularizer"};
}

std::shared_ptr<const Regularizer> deserialize(const std::string& class_name, const kw::Kwargs& config) {
  if (class_name == "l1_l2") {
    // The string documented by Keras's L1L2: both factors 0.01 unless the config says otherwise.
    kw::Kwargs k = config;
    if (!k.has("l1")) k.set("l1", 0.01);
    if (!k.has("l2")) k.set("l2", 0.01);
    return std::make_shared<const L1L2>(k);
  }
  const auto& m = lookup();
  auto it = m.find(class_name);
  if (it == m.end())
    throw ValueError("Could not interpret regularizer identifier: " + class_name,
                     {.expected = "a regularizer name", .received = class_name,
                      .hint = "use one of the Keras regularizer names (" + joined_names() +
                              "), a class name such as \"L2\", or an object such as regularizers::L2(0.01)."});
  return it->second(config);
}

std::shared_ptr<const Regularizer> get(const RegularizerArg& arg) {
  if (arg.object) return arg.object;
  if (arg.name.empty()) return nullptr;
  return deserialize(arg.name);
}

}  // namespace keras::regularizers

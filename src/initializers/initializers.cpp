#include "keras/initializers/initializers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string_view>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/core/shape.hpp"
#include "keras/random/random.hpp"

namespace keras::initializers {
namespace {

std::string shape_str(const std::vector<int64_t>& shape) { return to_string(Shape::of(shape)); }

// A keyword as a number, accepting the integer and floating types a config may carry.
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
  throw TypeError("Keyword argument `" + std::string(key) + "` must be a number.");
}

double number_or(const kw::Kwargs& k, std::string_view key, double fallback) {
  return get_number(k, key).value_or(fallback);
}

std::optional<int64_t> get_seed(const kw::Kwargs& k) {
  if (!k.has("seed") || k.is_none("seed")) return std::nullopt;
  try {
    return static_cast<int64_t>(*k.get<int>("seed"));
  } catch (const TypeError&) {
  }
  try {
    return *k.get<int64_t>("seed");
  } catch (const TypeError&) {
  }
  try {
    return static_cast<int64_t>(*k.get<uint64_t>("seed"));
  } catch (const TypeError&) {
  }
  const double d = *get_number(k, "seed");
  if (d != std::floor(d))
    throw ValueError("`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. "
                     "Received: seed=" + py_float(d));
  return static_cast<int64_t>(d);
}

std::string string_or(const kw::Kwargs& k, std::string_view key, std::string fallback) {
  if (!k.has(key) || k.is_none(key)) return fallback;
  try {
    return *k.get<std::string>(key);
  } catch (const TypeError&) {
  }
  return std::string(*k.get<const char*>(key));
}

// Keyword bags whose values have the keywords' own types (double, int, std::string).
void put(kw::Kwargs& k, std::string_view key, double v) { k.set(key, std::any(v)); }
void put(kw::Kwargs& k, std::string_view key, const std::string& v) { k.set(key, std::any(v)); }

// Calls f(generator): a fresh one from the seed, or the global one.
template <class F>
void with_generator(const std::optional<int64_t>& seed, const F& f) {
  if (seed) {
    std::mt19937_64 g = random::seeded_generator(static_cast<uint64_t>(*seed));
    f(g);
  } else {
    f(random::generator());
  }
}

Tensor normal(const std::vector<int64_t>& shape, double mean, double stddev, const std::optional<int64_t>& seed) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  const int64_t n = t.size();
  const float m = static_cast<float>(mean), s = static_cast<float>(stddev);
  with_generator(seed, [&](std::mt19937_64& g) {
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (int64_t i = 0; i < n; ++i) p[i] = m + s * dist(g);
  });
  return t;
}

// Normal values redrawn until within two standard deviations of the mean.
Tensor truncated_normal(const std::vector<int64_t>& shape, double mean, double stddev,
                        const std::optional<int64_t>& seed) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  const int64_t n = t.size();
  const float m = static_cast<float>(mean), s = static_cast<float>(stddev);
  with_generator(seed, [&](std::mt19937_64& g) {
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (int64_t i = 0; i < n; ++i) {
      float z;
      do z = dist(g);
      while (z < -2.0f || z > 2.0f);
      p[i] = m + s * z;
    }
  });
  return t;
}

// Uniform values in [minval, maxval).
Tensor uniform(const std::vector<int64_t>& shape, double minval, double maxval, const std::optional<int64_t>& seed) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  const int64_t n = t.size();
  with_generator(seed, [&](std::mt19937_64& g) {
    std::uniform_real_distribution<double> dist(0.0, 1.0);
    for (int64_t i = 0; i < n; ++i) {
      float v = static_cast<float>(minval + (maxval - minval) * dist(g));
      // Rounding to float may reach maxval; keep the interval half-open.
      if (maxval > minval && v >= static_cast<float>(maxval)) v = std::nextafter(static_cast<float>(maxval), -HUGE_VALF);
      p[i] = v;
    }
  });
  return t;
}

// Q (m x n, m >= n, column-major, orthonormal columns) of the QR decomposition of a (column-major, overwritten),
// with the signs making R's diagonal non-negative, as Keras's q * sign(diag(r)).
std::vector<double> orthonormal_q(std::vector<double>& a, int64_t m, int64_t n) {
  std::vector<double> beta(static_cast<size_t>(n), 0.0), rdiag(static_cast<size_t>(n), 0.0);
  for (int64_t k = 0; k < n; ++k) {
    double* v = a.data() + k * m;  // column k; its rows k.. become the Householder vector
    double norm2 = 0.0;
    for (int64_t i = k; i < m; ++i) norm2 += v[i] * v[i];
    const double norm = std::sqrt(norm2);
    if (norm == 0.0) continue;
    const double alpha = v[k] >= 0.0 ? -norm : norm;
    rdiag[static_cast<size_t>(k)] = alpha;
    v[k] -= alpha;
    const double vnorm2 = norm2 - 2.0 * alpha * (v[k] + alpha) + alpha * alpha;  // |x - alpha e1|^2
    const double b = 2.0 / vnorm2;
    beta[static_cast<size_t>(k)] = b;
    for (int64_t j = k + 1; j < n; ++j) {
      double* c = a.data() + j * m;
      double s = 0.0;
      for (int64_t i = k; i < m; ++i) s += v[i] * c[i];
      s *= b;
      for (int64_t i = k; i < m; ++i) c[i] -= s * v[i];
    }
  }
  std::vector<double> q(static_cast<size_t>(m * n), 0.0);
  for (int64_t j = 0; j < n; ++j) q[static_cast<size_t>(j * m + j)] = 1.0;
  for (int64_t k = n - 1; k >= 0; --k) {
    const double b = beta[static_cast<size_t>(k)];
    if (b == 0.0) continue;
    const double* v = a.data() + k * m;
    for (int64_t j = 0; j < n; ++j) {
      double* c = q.data() + j * m;
      double s = 0.0;
      for (int64_t i = k; i < m; ++i) s += v[i] * c[i];
      s *= b;
      for (int64_t i = k; i < m; ++i) c[i] -= s * v[i];
    }
  }
  for (int64_t j = 0; j < n; ++j)
    if (rdiag[static_cast<size_t>(j)] < 0.0)
      for (int64_t i = 0; i < m; ++i) q[static_cast<size_t>(j * m + i)] = -q[static_cast<size_t>(j * m + i)];
  return q;
}

// ---- Name registry -------------------------------------------------------------------------------------------

using Factory = std::function<std::shared_ptr<const Initializer>(const kw::Kwargs&)>;

template <class T>
Factory factory() {
  return [](const kw::Kwargs& k) { return std::make_shared<const T>(k); };
}

struct Entry {
  std::string snake;  // Keras's snake_case name
  std::string cls;    // Keras's class name
  Factory make;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> e = {
      {"zeros", "Zeros", factory<Zeros>()},
      {"ones", "Ones", factory<Ones>()},
      {"constant", "Constant", factory<Constant>()},
      {"identity", "Identity", factory<Identity>()},
      {"random_normal", "RandomNormal", factory<RandomNormal>()},
      {"truncated_normal", "TruncatedNormal", factory<TruncatedNormal>()},
      {"random_uniform", "RandomUniform", factory<RandomUniform>()},
      {"variance_scaling", "VarianceScaling", factory<VarianceScaling>()},
      {"glorot_uniform", "GlorotUniform", factory<GlorotUniform>()},
      {"glorot_normal", "GlorotNormal", factory<GlorotNormal>()},
      {"he_uniform", "HeUniform", factory<HeUniform>()},
      {"he_normal", "HeNormal", factory<HeNormal>()},
      {"lecun_uniform", "LecunUniform", factory<LecunUniform>()},
      {"lecun_normal", "LecunNormal", factory<LecunNormal>()},
      {"orthogonal", "Orthogonal", factory<Orthogonal>()},
  };
  return e;
}

// Every identifier Keras's initializers.get accepts: class names, their snake_case, and the aliases.
const std::map<std::string, Factory, std::less<>>& lookup() {
  static const std::map<std::string, Factory, std::less<>> m = [] {
    std::map<std::string, Factory, std::less<>> r;
    for (const auto& e : entries()) {
      r.emplace(e.snake, e.make);
      r.emplace(e.cls, e.make);
    }
    const auto alias = [&](const char* name, const char* target) { r.emplace(name, r.at(target)); };
    alias("uniform", "random_uniform");
    alias("normal", "random_normal");
    alias("one", "ones");
    alias("zero", "zeros");
    alias("OrthogonalInitializer", "orthogonal");
    alias("orthogonal_initializer", "orthogonal");
    alias("IdentityInitializer", "identity");
    alias("identity_initializer", "identity");
    return r;
  }();
  return m;
}

std::string joined_names() {
  std::string out;
  for (const auto& n : names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

// ---- compute_fans, get, names --------------------------------------------------------------------------------

std::pair<double, double> compute_fans(const std::vector<int64_t>& shape) {
  if (shape.empty()) return {1.0, 1.0};
  if (shape.size() == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
  if (shape.size() == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
  double receptive = 1.0;
  for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= static_cast<double>(shape[i]);
  return {static_cast<double>(shape[shape.size() - 2]) * receptive,
          static_cast<double>(shape.back()) * receptive};
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : entries()) out.push_back(e.snake);
  for (const char* a : {"normal", "one", "uniform", "zero"}) out.emplace_back(a);
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const Initializer> deserialize(const std::string& class_name, const kw::Kwargs& config) {
  const auto& m = lookup();
  auto it = m.find(class_name);
  if (it == m.end())
    throw ValueError("Could not interpret initializer identifier: " + class_name,
                     {.layer = "",
                      .expected = "an initializer name",
                      .received = class_name,
                      .hint = "use one of the Keras initializer names (" + joined_names() +
                              ") or a class name such as \"GlorotUniform\"."});
  return it->second(config);
}

std::shared_ptr<const Initializer> get(const InitializerArg& arg) {
  if (arg.object) return arg.object;
  return deserialize(arg.name);
}

// ---- Constant initializers -----------------------------------------------------------------------------------

Zeros::Zeros(const kw::Kwargs&) {}
Tensor Zeros::operator()(const std::vector<int64_t>& shape) const { return Tensor::zeros(shape); }

Ones::Ones(const kw::Kwargs&) {}
Tensor Ones::operator()(const std::vector<int64_t>& shape) const { return Tensor::ones(shape); }

Constant::Constant(const kw::Kwargs& k) : value_(number_or(k, "value", 0.0)) {}
Tensor Constant::operator()(const std::vector<int64_t>& shape) const {
  return Tensor::full(shape, static_cast<float>(value_));
}
kw::Kwargs Constant::get_config() const {
  kw::Kwargs k;
  put(k, "value", value_);
  return k;
}

Identity::Identity(const kw::Kwargs& k) : gain_(number_or(k, "gain", 1.0)) {}
Tensor Identity::operator()(const std::vector<int64_t>& shape) const {
  if (shape.size() != 2)
    throw ValueError("Identity matrix initializer can only be used for 2D matrices. Received: shape=" +
                         shape_str(shape) + " of rank " + std::to_string(shape.size()) + ".",
                     {.layer = "",
                      .expected = "a 2D shape",
                      .received = shape_str(shape),
                      .hint = "use Identity only for 2D weights such as a Dense kernel (in, out)."});
  Tensor t = Tensor::zeros(shape);
  const int64_t n = std::min(shape[0], shape[1]);
  for (int64_t i = 0; i < n; ++i) t.data()[i * shape[1] + i] = static_cast<float>(gain_);
  return t;
}
kw::Kwargs Identity::get_config() const {
  kw::Kwargs k;
  put(k, "gain", gain_);
  return k;
}

// ---- Random initializers -------------------------------------------------------------------------------------

RandomInitializer::RandomInitializer(const kw::Kwargs& k) : seed_(get_seed(k)) {}
kw::Kwargs RandomInitializer::get_config() const {
  kw::Kwargs k;
  if (seed_) k.set("seed", std::any(static_cast<int>(*seed_)));
  else k.set("seed", std::any(kw::Kwargs::None_{}));
  return k;
}

RandomNormal::RandomNormal(const kw::Kwargs& k)
    : RandomInitializer(k), mean_(number_or(k, "mean", 0.0)), stddev_(number_or(k, "stddev", 0.05)) {}
Tensor RandomNormal::operator()(const std::vector<int64_t>& shape) const { return normal(shape, mean_, stddev_, seed_); }
kw::Kwargs RandomNormal::get_config() const {
  kw::Kwargs k = RandomInitializer::get_config();
  put(k, "mean", mean_);
  put(k, "stddev", stddev_);
  return k;
}

TruncatedNormal::TruncatedNormal(const kw::Kwargs& k)
    : RandomInitializer(k), mean_(number_or(k, "mean", 0.0)), stddev_(number_or(k, "stddev", 0.05)) {}
Tensor TruncatedNormal::operator()(const std::vector<int64_t>& shape) const {
  return truncated_normal(shape, mean_, stddev_, seed_);
}
kw::Kwargs TruncatedNormal::get_config() const {
  kw::Kwargs k = RandomInitializer::get_config();
  put(k, "mean", mean_);
  put(k, "stddev", stddev_);
  return k;
}

RandomUniform::RandomUniform(const kw::Kwargs& k)
    : RandomInitializer(k), minval_(number_or(k, "minval", -0.05)), maxval_(number_or(k, "maxval", 0.05)) {}
Tensor RandomUniform::operator()(const std::vector<int64_t>& shape) const {
  return uniform(shape, minval_, maxval_, seed_);
}
kw::Kwargs RandomUniform::get_config() const {
  kw::Kwargs k = RandomInitializer::get_config();
  put(k, "minval", minval_);
  put(k, "maxval", maxval_);
  return k;
}

VarianceScaling::VarianceScaling(const kw::Kwargs& k)
    : VarianceScaling(number_or(k, "scale", 1.0), string_or(k, "mode", "fan_in"),
                      string_or(k, "distribution", "truncated_normal"), k) {}

VarianceScaling::VarianceScaling(double scale, std::string mode, std::string distribution, const kw::Kwargs& k)
    : RandomInitializer(k), scale_(scale), mode_(std::move(mode)), distribution_(std::move(distribution)) {
  if (!(scale_ > 0.0))
    throw ValueError("Argument `scale` must be positive float. Received: scale=" + py_float(scale_),
                     {.layer = "", .expected = "scale > 0", .received = py_float(scale_),
                      .hint = "pass a positive scale, e.g. VarianceScaling(scale=2.0)."});
  if (mode_ != "fan_in" && mode_ != "fan_out" && mode_ != "fan_avg")
    throw ValueError("Invalid `mode` argument: " + mode_ + ". Please use one of {'fan_in', 'fan_out', 'fan_avg'}",
                     {.layer = "", .expected = "'fan_in', 'fan_out' or 'fan_avg'", .received = mode_,
                      .hint = "mode= is one of \"fan_in\", \"fan_out\", \"fan_avg\"."});
  std::transform(distribution_.begin(), distribution_.end(), distribution_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (distribution_ == "normal") distribution_ = "truncated_normal";
  if (distribution_ != "uniform" && distribution_ != "truncated_normal" && distribution_ != "untruncated_normal")
    throw ValueError("Invalid `distribution` argument: " + distribution_ +
                         ".Please use one of {'uniform', 'truncated_normal', 'untruncated_normal'}",
                     {.layer = "", .expected = "'uniform', 'truncated_normal' or 'untruncated_normal'",
                      .received = distribution_,
                      .hint = "distribution= is one of \"uniform\", \"truncated_normal\", \"untruncated_normal\"."});
}

Tensor VarianceScaling::operator()(const std::vector<int64_t>& shape) const {
  const auto [fan_in, fan_out] = compute_fans(shape);
  double n = mode_ == "fan_in" ? fan_in : mode_ == "fan_out" ? fan_out : (fan_in + fan_out) / 2.0;
  const double s = scale_ / std::max(1.0, n);
  if (distribution_ == "truncated_normal")
    return truncated_normal(shape, 0.0, std::sqrt(s) / .87962566103423978, seed_);
  if (distribution_ == "untruncated_normal") return normal(shape, 0.0, std::sqrt(s), seed_);
  const double limit = std::sqrt(3.0 * s);
  return uniform(shape, -limit, limit, seed_);
}

kw::Kwargs VarianceScaling::get_config() const {
  kw::Kwargs k = RandomInitializer::get_config();
  put(k, "scale", scale_);
  put(k, "mode", mode_);
  put(k, "distribution", distribution_);
  return k;
}

GlorotUniform::GlorotUniform(const kw::Kwargs& k) : VarianceScaling(1.0, "fan_avg", "uniform", k) {}
GlorotNormal::GlorotNormal(const kw::Kwargs& k) : VarianceScaling(1.0, "fan_avg", "truncated_normal", k) {}
HeUniform::HeUniform(const kw::Kwargs& k) : VarianceScaling(2.0, "fan_in", "uniform", k) {}
HeNormal::HeNormal(const kw::Kwargs& k) : VarianceScaling(2.0, "fan_in", "truncated_normal", k) {}
LecunUniform::LecunUniform(const kw::Kwargs& k) : VarianceScaling(1.0, "fan_in", "uniform", k) {}
LecunNormal::LecunNormal(const kw::Kwargs& k) : VarianceScaling(1.0, "fan_in", "truncated_normal", k) {}

Orthogonal::Orthogonal(const kw::Kwargs& k) : RandomInitializer(k), gain_(number_or(k, "gain", 1.0)) {}

Tensor Orthogonal::operator()(const std::vector<int64_t>& shape) const {
  if (shape.size() < 2)
    throw ValueError("The tensor to initialize must be at least two-dimensional. Received: shape=" +
                         shape_str(shape) + " of rank " + std::to_string(shape.size()) + ".",
                     {.layer = "",
                      .expected = "rank >= 2",
                      .received = shape_str(shape),
                      .hint = "use Orthogonal for 2D (or higher) weights such as a recurrent kernel (units, 4*units)."});
  const int64_t total = checked_num_elements(shape);
  Tensor out = Tensor::empty(shape);
  if (total == 0) return out;
  const int64_t cols = shape.back();
  const int64_t rows = total / cols;
  const int64_t m = std::max(rows, cols), n = std::min(rows, cols);
  // A normal (m, n) matrix, stored by columns.
  std::vector<double> a(static_cast<size_t>(m * n));
  with_generator(seed_, [&](std::mt19937_64& g) {
    std::normal_distribution<double> dist(0.0, 1.0);
    for (auto& v : a) v = dist(g);
  });
  const std::vector<double> q = orthonormal_q(a, m, n);
  float* p = out.data();
  if (rows >= cols) {  // q is (rows, cols)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) p[i * cols + j] = static_cast<float>(gain_ * q[static_cast<size_t>(j * m + i)]);
  } else {  // q is (cols, rows): the output is its transpose, with orthonormal rows
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) p[i * cols + j] = static_cast<float>(gain_ * q[static_cast<size_t>(i * m + j)]);
  }
  return out;
}

kw::Kwargs Orthogonal::get_config() const {
  kw::Kwargs k = RandomInitializer::get_config();
  put(k, "gain", gain_);
  return k;
}

}  // namespace keras::initializers

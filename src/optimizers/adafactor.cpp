// keras.optimizers.Adafactor (keras/src/optimizers/adafactor.py).
#include "keras/optimizers/adafactor.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

namespace {

// The variable as [leading, rows, cols]: the last two axes are factored, one (r, c) pair per leading index.
struct Factored {
  int64_t leading = 1, rows = 1, cols = 1;
  explicit Factored(const std::vector<int64_t>& dims) {
    rows = dims[dims.size() - 2];
    cols = dims.back();
    for (size_t i = 0; i + 2 < dims.size(); ++i) leading *= dims[i];
  }
};

double rms(const float* x, int64_t n) { return n ? std::sqrt(detail::sum_of_squares(x, n) / static_cast<double>(n)) : 0.0; }

}  // namespace

Adafactor::Adafactor(const kw::Kwargs& k) : Optimizer(k, 0.001, "adafactor") {
  beta_2_decay_ = detail::get_number(k, "beta_2_decay").value_or(-0.8);
  epsilon_1_ = detail::get_number(k, "epsilon_1").value_or(1e-30);
  epsilon_2_ = detail::get_number(k, "epsilon_2").value_or(1e-3);
  clip_threshold_ = detail::get_number(k, "clip_threshold").value_or(1.0);
  relative_step_ = k.get_or("relative_step", true);
  config_.set("beta_2_decay", beta_2_decay_);
  config_.set("epsilon_1", epsilon_1_);
  config_.set("epsilon_2", epsilon_2_);
  config_.set("clip_threshold", clip_threshold_);
  config_.set("relative_step", relative_step_);
}

void Adafactor::build(const std::vector<VariablePtr>& variables) {
  auto without = [](size_t from_end) {
    return [from_end](const Variable& v) {
      std::vector<int64_t> dims = v.value.dims();
      if (dims.size() < 2) return std::vector<int64_t>{};  // Keras's placeholder scalar
      dims.erase(dims.end() - static_cast<std::ptrdiff_t>(from_end));
      return dims;
    };
  };
  add_slots(variables, std::vector<SlotDims>{without(1), without(2), [](const Variable& v) { return v.value.dims(); }});
}

void Adafactor::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  const int64_t n = variable.value.size();
  float* w = variable.value.data();
  const float* g = gradient.data();
  const float decay = weight_decay_factor();
  if (decay != 0.0f) detail::elementwise(n, [=](int64_t i) { w[i] -= w[i] * decay; });

  const double t = static_cast<double>(iterations() + 1);
  const double rho = std::min(lr, 1.0 / std::sqrt(t));
  const double alpha = std::max(epsilon_2_, rms(w, n)) * rho;
  const double beta = 1.0 - std::pow(t, beta_2_decay_);
  const auto square = [&](int64_t i) { return static_cast<double>(g[i]) * g[i] + epsilon_1_; };
  float* v = slot(index, 2);
  if (variable.value.ndim() >= 2) {
    const Factored f(variable.value.dims());
    float* r = slot(index, 0);
    float* c = slot(index, 1);
    std::vector<double>& column_sums = column_sums_;
    column_sums.resize(static_cast<size_t>(f.cols));
    for (int64_t b = 0; b < f.leading; ++b) {
      const int64_t base = b * f.rows * f.cols;
      std::fill(column_sums.begin(), column_sums.end(), 0.0);
      double r_total = 0;
      for (int64_t m = 0; m < f.rows; ++m) {
        double row_sum = 0;
        for (int64_t j = 0; j < f.cols; ++j) {
          const double s = square(base + m * f.cols + j);
          row_sum += s;
          column_sums[static_cast<size_t>(j)] += s;
        }
        float& rm = r[b * f.rows + m];
        rm = static_cast<float>(beta * rm + (1 - beta) * row_sum / static_cast<double>(f.cols));
        r_total += rm;
      }
      for (int64_t j = 0; j < f.cols; ++j) {
        float& cj = c[b * f.cols + j];
        cj = static_cast<float>(beta * cj + (1 - beta) * column_sums[static_cast<size_t>(j)] / static_cast<double>(f.rows));
      }
      const double r_mean = r_total / static_cast<double>(f.rows);
      for (int64_t m = 0; m < f.rows; ++m)
        for (int64_t j = 0; j < f.cols; ++j)
          v[base + m * f.cols + j] = static_cast<float>(r[b * f.rows + m] / r_mean * c[b * f.cols + j]);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(beta * v[i] + (1 - beta) * square(i));
  }
  // u = g / sqrt(v), clipped by its RMS.
  double u_squares = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double u = g[i] / std::sqrt(static_cast<double>(v[i]));
    u_squares += u * u;
  }
  const double u_rms = n ? std::sqrt(u_squares / static_cast<double>(n)) : 0.0;
  const double step = alpha / std::max(1.0, u_rms / clip_threshold_);
  for (int64_t i = 0; i < n; ++i)
    w[i] = static_cast<float>(w[i] - step * (g[i] / std::sqrt(static_cast<double>(v[i]))));
}

}  // namespace keras::optimizers

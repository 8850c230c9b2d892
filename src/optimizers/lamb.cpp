// keras.optimizers.Lamb (keras/src/optimizers/lamb.py).
#include "keras/optimizers/lamb.hpp"

#include <cmath>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

Lamb::Lamb(const kw::Kwargs& k) : MomentOptimizer(k, "lamb") {}

void Lamb::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"momentum", 0.0f}, {"velocity", 0.0f}});
}

void Lamb::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  // Keras computes the bias corrections in the variable's dtype.
  const float t = static_cast<float>(iterations() + 1);
  const float c1 = 1.0f - std::pow(static_cast<float>(beta_1_), t);
  const float c2 = 1.0f - std::pow(static_cast<float>(beta_2_), t);
  const float b1 = static_cast<float>(1.0 - beta_1_), b2 = static_cast<float>(1.0 - beta_2_);
  const float eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* m = slot(index, 0);
  float* v = slot(index, 1);
  const int64_t n = variable.value.size();
  auto update = [=](int64_t i) { return (m[i] / c1) / (std::sqrt(v[i] / c2) + eps); };
  // The trust ratio needs both norms before any weight moves: one pass for the moments and the norms, one to step.
  double w_squares = 0.0, u_squares = 0.0;
#pragma omp parallel for reduction(+ : w_squares, u_squares) if (parallel : n > detail::kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    w[i] = w[i] - w[i] * d;
    m[i] = m[i] + (g[i] - m[i]) * b1;
    v[i] = v[i] + (g[i] * g[i] - v[i]) * b2;
    const float u = update(i);
    w_squares += static_cast<double>(w[i]) * w[i];
    u_squares += static_cast<double>(u) * u;
  }
  const double w_norm = std::sqrt(w_squares), u_norm = std::sqrt(u_squares);
  const float step = static_cast<float>((w_norm > 0 && u_norm > 0 ? w_norm / u_norm : 1.0) * lr);
  detail::elementwise(n, [=](int64_t i) { w[i] -= step * update(i); });
}

}  // namespace keras::optimizers

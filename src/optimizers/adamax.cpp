// keras.optimizers.Adamax (keras/src/optimizers/adamax.py).
#include "keras/optimizers/adamax.hpp"

#include <algorithm>
#include <cmath>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Adamax::Adamax(const kw::Kwargs& k) : MomentOptimizer(k, "adamax") {}

void Adamax::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"momentum", 0.0f}, {"norm", 0.0f}});
}

void Adamax::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  const double t = static_cast<double>(iterations() + 1);
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* m = slot(index, 0);
  float* u = slot(index, 1);
  const float b1 = static_cast<float>(1.0 - beta_1_), beta_2 = static_cast<float>(beta_2_);
  const float correction = static_cast<float>(1.0 - std::pow(beta_1_, t));
  const float a = static_cast<float>(lr), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  elementwise(variable.value.size(), [=](int64_t i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * b1;
    const float ui = std::max(beta_2 * u[i], std::abs(gi));
    m[i] = mi;
    u[i] = ui;
    w[i] = (w[i] - w[i] * d) - (a * mi) / (correction * (ui + eps));
  });
}

}  // namespace keras::optimizers

// keras.optimizers.Adadelta (keras/src/optimizers/adadelta.py).
#include "keras/optimizers/adadelta.hpp"

#include <cmath>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Adadelta::Adadelta(const kw::Kwargs& k) : Optimizer(k, 0.001, "adadelta") {
  rho_ = detail::get_number(k, "rho").value_or(0.95);
  epsilon_ = detail::get_number(k, "epsilon").value_or(1e-7);
  config_.set("rho", rho_);
  config_.set("epsilon", epsilon_);
}

void Adadelta::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"accumulated_grad", 0.0f}, {"accumulated_delta_var", 0.0f}});
}

void Adadelta::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* acc_g = slot(index, 0);
  float* acc_d = slot(index, 1);
  const float rho = static_cast<float>(rho_), one_minus_rho = static_cast<float>(1.0 - rho_);
  const float a = static_cast<float>(lr), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  elementwise(variable.value.size(), [=](int64_t i) {
    const float gi = g[i];
    const float ag = rho * acc_g[i] + one_minus_rho * (gi * gi);
    acc_g[i] = ag;
    const float delta = -(std::sqrt(acc_d[i] + eps) * gi) / std::sqrt(ag + eps);
    acc_d[i] = rho * acc_d[i] + one_minus_rho * (delta * delta);
    w[i] = (w[i] - w[i] * d) + a * delta;
  });
}

}  // namespace keras::optimizers

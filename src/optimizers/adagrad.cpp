// keras.optimizers.Adagrad (keras/src/optimizers/adagrad.py).
#include "keras/optimizers/adagrad.hpp"

#include <cmath>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Adagrad::Adagrad(const kw::Kwargs& k) : Optimizer(k, 0.001, "adagrad") {
  initial_accumulator_value_ = detail::get_number(k, "initial_accumulator_value").value_or(0.1);
  epsilon_ = detail::get_number(k, "epsilon").value_or(1e-7);
  config_.set("initial_accumulator_value", initial_accumulator_value_);
  config_.set("epsilon", epsilon_);
}

void Adagrad::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"accumulator", static_cast<float>(initial_accumulator_value_)}});
}

void Adagrad::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* acc = slot(index, 0);
  const float a = static_cast<float>(lr), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  elementwise(variable.value.size(), [=](int64_t i) {
    const float gi = g[i];
    const float ai = acc[i] + gi * gi;
    acc[i] = ai;
    w[i] = (w[i] - w[i] * d) - (a * gi) / std::sqrt(ai + eps);
  });
}

}  // namespace keras::optimizers

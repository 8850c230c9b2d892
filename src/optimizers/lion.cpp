// keras.optimizers.Lion (keras/src/optimizers/lion.py).
#include "keras/optimizers/lion.hpp"

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Lion::Lion(const kw::Kwargs& k) : Optimizer(k, 0.001, "lion") {
  beta_1_ = detail::get_number(k, "beta_1").value_or(0.9);
  beta_2_ = detail::get_number(k, "beta_2").value_or(0.99);
  if (beta_1_ <= 0 || beta_1_ > 1)
    throw ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to "
                     "SignSGD. Received: beta_1=" + py_float(beta_1_) + ".",
                     {.expected = "0 < beta_1 <= 1", .received = py_float(beta_1_),
                      .hint = "use a value such as 0.9 (the default)."});
  config_.set("beta_1", beta_1_);
  config_.set("beta_2", beta_2_);
}

void Lion::build(const std::vector<VariablePtr>& variables) { add_slots(variables, {{"momentum", 0.0f}}); }

void Lion::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* m = slot(index, 0);
  const float b1 = static_cast<float>(beta_1_), b2 = static_cast<float>(beta_2_);
  const float a = static_cast<float>(lr), d = weight_decay_factor();
  elementwise(variable.value.size(), [=](int64_t i) {
    const float gi = g[i];
    const float c = m[i] * b1 + gi * (1.0f - b1);
    const float sign = static_cast<float>((c > 0.0f) - (c < 0.0f));
    w[i] = (w[i] - w[i] * d) - a * sign;
    m[i] = m[i] * b2 + gi * (1.0f - b2);
  });
}

}  // namespace keras::optimizers

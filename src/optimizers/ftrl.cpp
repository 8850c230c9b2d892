// keras.optimizers.Ftrl (keras/src/optimizers/ftrl.py).
#include "keras/optimizers/ftrl.hpp"

#include <algorithm>
#include <cmath>

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

namespace {
// Keras's checks, in its order: each of these must be >= 0 (learning_rate_power <= 0).
void check_sign(const std::string& key, double v, bool negative) {
  if (negative ? v <= 0.0 : v >= 0.0) return;
  const std::string want = negative ? "negative or zero" : "positive or zero";
  throw ValueError("`" + key + "` needs to be " + want + ". Received: " + key + "=" + py_float(v) + ".",
                   {.expected = key + (negative ? " <= 0" : " >= 0"), .received = py_float(v),
                    .hint = negative ? "the usual value is -0.5 (the default): the step shrinks as 1/sqrt(n)."
                                     : "give a value >= 0 (0 turns it off)."});
}
}  // namespace

Ftrl::Ftrl(const kw::Kwargs& k) : Optimizer(k, 0.001, "ftrl") {
  learning_rate_power_ = detail::get_number(k, "learning_rate_power").value_or(-0.5);
  initial_accumulator_value_ = detail::get_number(k, "initial_accumulator_value").value_or(0.1);
  l1_ = detail::get_number(k, "l1_regularization_strength").value_or(0.0);
  l2_ = detail::get_number(k, "l2_regularization_strength").value_or(0.0);
  l2_shrinkage_ = detail::get_number(k, "l2_shrinkage_regularization_strength").value_or(0.0);
  beta_ = detail::get_number(k, "beta").value_or(0.0);
  check_sign("initial_accumulator_value", initial_accumulator_value_, false);
  check_sign("learning_rate_power", learning_rate_power_, true);
  check_sign("l1_regularization_strength", l1_, false);
  check_sign("l2_regularization_strength", l2_, false);
  check_sign("l2_shrinkage_regularization_strength", l2_shrinkage_, false);
  config_.set("learning_rate_power", learning_rate_power_);
  config_.set("initial_accumulator_value", initial_accumulator_value_);
  config_.set("l1_regularization_strength", l1_);
  config_.set("l2_regularization_strength", l2_);
  config_.set("l2_shrinkage_regularization_strength", l2_shrinkage_);
  config_.set("beta", beta_);
}

void Ftrl::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"accumulator", static_cast<float>(initial_accumulator_value_)}, {"linear", 0.0f}});
}

void Ftrl::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* acc = slot(index, 0);
  float* lin = slot(index, 1);
  const float a = static_cast<float>(lr), d = weight_decay_factor();
  const float power = static_cast<float>(-learning_rate_power_);
  const float l1 = static_cast<float>(l1_), shrink = static_cast<float>(2.0 * l2_shrinkage_);
  const float l2_reg = static_cast<float>(l2_ + beta_ / (2.0 * lr));
  elementwise(variable.value.size(), [=](int64_t i) {
    const float wi = w[i] - w[i] * d;
    const float gi = g[i];
    const float n = acc[i], n_new = n + gi * gi;
    const float sigma_new = std::pow(n_new, power);
    const float z = lin[i] + (gi + shrink * wi) - (sigma_new - std::pow(n, power)) / a * wi;
    const float quadratic = sigma_new / a + 2.0f * l2_reg;
    lin[i] = z;
    w[i] = (std::clamp(z, -l1, l1) - z) / quadratic;
    acc[i] = n_new;
  });
}

}  // namespace keras::optimizers

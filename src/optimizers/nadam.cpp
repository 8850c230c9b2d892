// keras.optimizers.Nadam (keras/src/optimizers/nadam.py).
#include "keras/optimizers/nadam.hpp"

#include <cmath>

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Nadam::Nadam(const kw::Kwargs& k) : MomentOptimizer(k, "nadam") {}

void Nadam::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"momentum", 0.0f}, {"velocity", 0.0f}});
}

void Nadam::prepare_step(double /*lr*/) {
  // Nadam._backend_update_step: u_product *= beta_1 * (1 - 0.5 * 0.96^(t)), once per step, before the updates.
  const double t = static_cast<double>(iterations() + 1);
  u_product_ *= beta_1_ * (1.0 - 0.5 * std::pow(0.96, t));
}

void Nadam::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  const double t = static_cast<double>(iterations() + 1);
  const double u_t = beta_1_ * (1.0 - 0.5 * std::pow(0.96, t));
  const double u_t1 = beta_1_ * (1.0 - 0.5 * std::pow(0.96, t + 1));
  const double u_product_t1 = u_product_ * u_t1;
  const double beta_2_power = std::pow(beta_2_, t);
  // m_hat = cm * m + cg * g;  v_hat = v * cv
  const float cm = static_cast<float>(u_t1 / (1.0 - u_product_t1));
  const float cg = static_cast<float>((1.0 - u_t) / (1.0 - u_product_));
  const float cv = static_cast<float>(1.0 / (1.0 - beta_2_power));
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* m = slot(index, 0);
  float* v = slot(index, 1);
  const float b1 = static_cast<float>(1.0 - beta_1_), b2 = static_cast<float>(1.0 - beta_2_);
  const float a = static_cast<float>(lr), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  elementwise(variable.value.size(), [=](int64_t i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * b1;
    const float vi = v[i] + (gi * gi - v[i]) * b2;
    m[i] = mi;
    v[i] = vi;
    const float m_hat = cm * mi + cg * gi;
    const float v_hat = vi * cv;
    w[i] = (w[i] - w[i] * d) - (m_hat * a) / (std::sqrt(v_hat) + eps);
  });
}

std::vector<Tensor> Nadam::variables() const {
  std::vector<Tensor> out = Optimizer::variables();
  if (built()) out.push_back(Tensor::scalar(static_cast<float>(u_product_)));
  return out;
}

void Nadam::set_variables(const std::vector<Tensor>& values) {
  const size_t base = Optimizer::variables().size();
  if (built() && values.size() != base + 1)
    throw ValueError("Expected " + std::to_string(base + 1) + " optimizer variables, received " +
                         std::to_string(values.size()) + ".",
                     {.expected = std::to_string(base + 1), .received = std::to_string(values.size()),
                      .hint = "pass the values in the order of optimizer.variables()."});
  Optimizer::set_variables(values);
  u_product_ = values.back().item();
}

}  // namespace keras::optimizers

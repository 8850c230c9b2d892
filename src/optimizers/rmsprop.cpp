// keras.optimizers.RMSprop (keras/src/optimizers/rmsprop.py).
#include "keras/optimizers/rmsprop.hpp"

#include <cmath>
#include <type_traits>

#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

RMSprop::RMSprop(const kw::Kwargs& k) : Optimizer(k, 0.001, "rmsprop") {
  rho_ = detail::get_number(k, "rho").value_or(0.9);
  momentum_ = detail::get_number(k, "momentum").value_or(0.0);
  epsilon_ = detail::get_number(k, "epsilon").value_or(1e-7);
  centered_ = k.get_or("centered", false);
  config_.set("rho", rho_);
  config_.set("momentum", momentum_);
  config_.set("epsilon", epsilon_);
  config_.set("centered", centered_);
}

void RMSprop::build(const std::vector<VariablePtr>& variables) {
  // Three separate lists in Keras: all velocities, then all momentums, then all average gradients.
  size_t next = 1;
  add_slots(variables, {{"velocity", 0.0f}});
  if (momentum_ > 0) {
    add_slots(variables, {{"momentum", 0.0f}});
    momentum_slot_ = next++;
  }
  if (centered_) {
    add_slots(variables, {{"average_gradient", 0.0f}});
    average_slot_ = next++;
  }
}

void RMSprop::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* v = slot(index, 0);
  float* mom = momentum_ > 0 ? slot(index, momentum_slot_) : nullptr;
  float* avg = centered_ ? slot(index, average_slot_) : nullptr;
  const int64_t n = variable.value.size();
  const float rho = static_cast<float>(rho_), one_minus_rho = static_cast<float>(1.0 - rho_);
  const float a = static_cast<float>(lr), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  const float mu = static_cast<float>(momentum_);
  // One loop for each combination, so that each vectorises without branches.
  auto run = [&](auto centered, auto with_momentum) {
    elementwise(n, [=](int64_t i) {
      const float gi = g[i];
      const float vi = rho * v[i] + one_minus_rho * (gi * gi);
      v[i] = vi;
      float denominator;
      if constexpr (decltype(centered)::value) {
        const float ai = rho * avg[i] + one_minus_rho * gi;
        avg[i] = ai;
        denominator = vi - ai * ai + eps;
      } else {
        denominator = vi + eps;
      }
      const float increment = (a * gi) / std::sqrt(denominator);
      if constexpr (decltype(with_momentum)::value) {
        const float mi = mu * mom[i] + increment;
        mom[i] = mi;
        w[i] = (w[i] - w[i] * d) - mi;
      } else {
        w[i] = (w[i] - w[i] * d) - increment;
      }
    });
  };
  using T = std::true_type;
  using F = std::false_type;
  if (centered_) {
    if (momentum_ > 0) run(T{}, T{});
    else run(T{}, F{});
  } else {
    if (momentum_ > 0) run(F{}, T{});
    else run(F{}, F{});
  }
}

}  // namespace keras::optimizers

// keras.optimizers.SGD (keras/src/optimizers/sgd.py).
#include "keras/optimizers/sgd.hpp"

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

SGD::SGD(const kw::Kwargs& k) : Optimizer(k, 0.01, "SGD") {
  momentum_ = detail::get_number(k, "momentum").value_or(0.0);
  nesterov_ = k.get_or("nesterov", false);
  if (momentum_ < 0 || momentum_ > 1)
    throw ValueError("`momentum` must be a float between [0, 1].",
                     {.expected = "0 <= momentum <= 1", .received = py_float(momentum_),
                      .hint = "momentum is the fraction of the previous update kept, e.g. SGD(0.01, momentum=0.9)."});
  config_.set("momentum", momentum_);
  config_.set("nesterov", nesterov_);
}

void SGD::build(const std::vector<VariablePtr>& variables) {
  if (momentum_ != 0) add_slots(variables, {{"momentum", 0.0f}});
}

void SGD::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  float* w = variable.value.data();
  const float* g = gradient.data();
  const int64_t n = variable.value.size();
  const float a = static_cast<float>(lr), d = weight_decay_factor();
  if (momentum_ == 0) {
    elementwise(n, [=](int64_t i) { w[i] = (w[i] - w[i] * d) - g[i] * a; });
    return;
  }
  float* m = slot(index, 0);
  const float mu = static_cast<float>(momentum_);
  if (nesterov_) {
    elementwise(n, [=](int64_t i) {
      const float mi = m[i] * mu - g[i] * a;
      m[i] = mi;
      w[i] = (w[i] - w[i] * d) + (mi * mu - g[i] * a);
    });
  } else {
    elementwise(n, [=](int64_t i) {
      const float mi = m[i] * mu - g[i] * a;
      m[i] = mi;
      w[i] = (w[i] - w[i] * d) + mi;
    });
  }
}

}  // namespace keras::optimizers

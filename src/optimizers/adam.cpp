// keras.optimizers.Adam and AdamW (keras/src/optimizers/adam.py, adamw.py).
#include "keras/optimizers/adam.hpp"

#include <algorithm>
#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/optimizers/adamw.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;

Adam::Adam(const kw::Kwargs& k) : Adam(k, "adam") {}

Adam::Adam(const kw::Kwargs& k, std::string default_name) : MomentOptimizer(k, std::move(default_name)) {
  amsgrad_ = k.get_or("amsgrad", false);
  config_.set("amsgrad", amsgrad_);
}

void Adam::build(const std::vector<VariablePtr>& variables) {
  add_slots(variables, {{"momentum", 0.0f}, {"velocity", 0.0f}});
  if (amsgrad_) add_slots(variables, {{"velocity_hat", 0.0f}});
}

void Adam::update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) {
  const double t = static_cast<double>(iterations() + 1);
  const double alpha = lr * std::sqrt(1.0 - std::pow(beta_2_, t)) / (1.0 - std::pow(beta_1_, t));
  float* w = variable.value.data();
  const float* g = gradient.data();
  float* m = slot(index, 0);
  float* v = slot(index, 1);
  const int64_t n = variable.value.size();
  const float b1 = static_cast<float>(1.0 - beta_1_), b2 = static_cast<float>(1.0 - beta_2_);
  const float al = static_cast<float>(alpha), eps = static_cast<float>(epsilon_), d = weight_decay_factor();
  if (amsgrad_) {
    float* vh = slot(index, 2);
    elementwise(n, [=](int64_t i) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * b1;
      const float vi = v[i] + (gi * gi - v[i]) * b2;
      const float hi = std::max(vh[i], vi);
      m[i] = mi;
      v[i] = vi;
      vh[i] = hi;
      w[i] = (w[i] - w[i] * d) - (mi * al) / (std::sqrt(hi) + eps);
    });
  } else {
    elementwise(n, [=](int64_t i) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * b1;
      const float vi = v[i] + (gi * gi - v[i]) * b2;
      m[i] = mi;
      v[i] = vi;
      w[i] = (w[i] - w[i] * d) - (mi * al) / (std::sqrt(vi) + eps);
    });
  }
}

namespace {
kw::Kwargs with_adamw_default(const kw::Kwargs& k) {
  if (k.is_none("weight_decay"))
    throw ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None",
                     {.expected = "a float", .received = "None",
                      .hint = "AdamW is Adam with weight decay: give a number (the default is 0.004), or use Adam "
                              "for none."});
  kw::Kwargs out = k;
  if (!k.has("weight_decay")) out.set("weight_decay", 0.004);
  return out;
}
}  // namespace

AdamW::AdamW(const kw::Kwargs& k) : Adam(with_adamw_default(k), "adamw") {}

}  // namespace keras::optimizers

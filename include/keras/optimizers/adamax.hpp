#pragma once
// keras.optimizers.Adamax (keras/src/optimizers/adamax.py), with t = iterations + 1:
//   m += (g - m) * (1 - beta_1);  u = max(beta_2 * u, |g|)
//   w -= lr * m / ((1 - beta_1^t) * (u + epsilon))
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7; name "adamax".
#include "keras/optimizers/moment_optimizer.hpp"

namespace keras::optimizers {

class Adamax : public MomentOptimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adamax);
  std::string class_name() const override { return "Adamax"; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;
};

}  // namespace keras::optimizers

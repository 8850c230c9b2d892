#pragma once
// keras.optimizers.Adamax (keras/src/optimizers/adamax.py), with t = iterations + 1:
//   m += (g - m) * (1 - beta_1);  u = max(beta_2 * u, |g|)
//   w -= lr * m / ((1 - beta_1^t) * (u + epsilon))
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7; name "adamax".
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class Adamax : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adamax);
  std::string class_name() const override { return "Adamax"; }
  double beta_1() const { return beta_1_; }
  double beta_2() const { return beta_2_; }
  double epsilon() const { return epsilon_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double beta_1_ = 0.9, beta_2_ = 0.999, epsilon_ = 1e-7;
};

}  // namespace keras::optimizers

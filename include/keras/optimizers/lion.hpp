#pragma once
// keras.optimizers.Lion (keras/src/optimizers/lion.py):
//   w -= lr * sign(beta_1 * m + (1 - beta_1) * g)
//   m = beta_2 * m + (1 - beta_2) * g
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.99; name "lion". beta_1 must be in (0, 1].
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class Lion : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Lion);
  std::string class_name() const override { return "Lion"; }
  double beta_1() const { return beta_1_; }
  double beta_2() const { return beta_2_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double beta_1_ = 0.9, beta_2_ = 0.99;
};

}  // namespace keras::optimizers

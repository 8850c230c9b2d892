#pragma once
// keras.optimizers.Adam (keras/src/optimizers/adam.py), with t = iterations + 1:
//   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//   m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
//   amsgrad: v_hat = max(v_hat, v), used in place of v
//   w -= alpha * m / (sqrt(v) + epsilon)
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=false; name "adam".
#include "keras/optimizers/moment_optimizer.hpp"

namespace keras::optimizers {

class Adam : public MomentOptimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t, kw::epsilon_t, kw::amsgrad_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adam);
  std::string class_name() const override { return "Adam"; }
  bool amsgrad() const { return amsgrad_; }

 protected:
  Adam(const kw::Kwargs& kwargs, std::string default_name);
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  bool amsgrad_ = false;
};

}  // namespace keras::optimizers

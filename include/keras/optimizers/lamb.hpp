#pragma once
// keras.optimizers.Lamb (keras/src/optimizers/lamb.py): Adam's bias-corrected step, scaled per variable by the trust
// ratio ||w|| / ||update|| (1 when either norm is 0):
//   m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
//   update = (m / (1 - beta_1^t)) / (sqrt(v / (1 - beta_2^t)) + epsilon)
//   w -= ratio * lr * update
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7; name "lamb". Weight decay, when given, is
// applied first, as Keras's base optimizer does, so ||w|| is that of the decayed weights.
#include "keras/optimizers/moment_optimizer.hpp"

namespace keras::optimizers {

class Lamb : public MomentOptimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Lamb);
  std::string class_name() const override { return "Lamb"; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;
};

}  // namespace keras::optimizers

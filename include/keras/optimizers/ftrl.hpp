#pragma once
// keras.optimizers.Ftrl (keras/src/optimizers/ftrl.py), "Follow The Regularized Leader" (McMahan et al. 2013):
//   g' = g + 2 * l2_shrinkage * w;  n' = n + g^2
//   z += g' - (n'^-p - n^-p) / lr * w;  w = (clip(z, -l1, l1) - z) / (n'^-p / lr + 2 * l2 + beta / lr)
// with p = learning_rate_power. Defaults: learning_rate=0.001, learning_rate_power=-0.5,
// initial_accumulator_value=0.1, l1/l2/l2_shrinkage_regularization_strength=0, beta=0; name "ftrl".
// Slots per variable, as Keras's: "accumulator" (n) and "linear" (z).
#include "keras/optimizers/optimizer.hpp"

namespace keras::kw {
KERAS_KEYWORD(learning_rate_power, double);
KERAS_KEYWORD(l1_regularization_strength, double);
KERAS_KEYWORD(l2_regularization_strength, double);
KERAS_KEYWORD(l2_shrinkage_regularization_strength, double);
}  // namespace keras::kw

namespace keras::optimizers {

class Ftrl : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::learning_rate_power_t, kw::initial_accumulator_value_t,
                                     kw::l1_regularization_strength_t, kw::l2_regularization_strength_t,
                                     kw::l2_shrinkage_regularization_strength_t, kw::beta_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Ftrl);
  std::string class_name() const override { return "Ftrl"; }
  double learning_rate_power() const { return learning_rate_power_; }
  double initial_accumulator_value() const { return initial_accumulator_value_; }
  double l1_regularization_strength() const { return l1_; }
  double l2_regularization_strength() const { return l2_; }
  double l2_shrinkage_regularization_strength() const { return l2_shrinkage_; }
  double beta() const { return beta_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double learning_rate_power_ = -0.5, initial_accumulator_value_ = 0.1;
  double l1_ = 0, l2_ = 0, l2_shrinkage_ = 0, beta_ = 0;
};

}  // namespace keras::optimizers

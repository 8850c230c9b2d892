#pragma once
// keras.optimizers.RMSprop (keras/src/optimizers/rmsprop.py):
//   v = rho * v + (1 - rho) * g^2
//   centered: a = rho * a + (1 - rho) * g;  denominator = v - a^2 + epsilon;  else denominator = v + epsilon
//   increment = lr * g / sqrt(denominator)            (epsilon inside the square root)
//   momentum > 0: mom = momentum * mom + increment; w -= mom;  else w -= increment
// Defaults: learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=false; name "rmsprop".
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class RMSprop : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::rho_t, kw::momentum_t, kw::epsilon_t, kw::centered_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(RMSprop);
  std::string class_name() const override { return "RMSprop"; }
  double rho() const { return rho_; }
  double momentum() const { return momentum_; }
  double epsilon() const { return epsilon_; }
  bool centered() const { return centered_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double rho_ = 0.9, momentum_ = 0.0, epsilon_ = 1e-7;
  bool centered_ = false;
  size_t momentum_slot_ = 0, average_slot_ = 0;
};

}  // namespace keras::optimizers

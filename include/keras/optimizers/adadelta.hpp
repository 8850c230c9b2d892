#pragma once
// keras.optimizers.Adadelta (keras/src/optimizers/adadelta.py):
//   acc_g = rho * acc_g + (1 - rho) * g^2
//   delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)      (acc_d before this step)
//   acc_d = rho * acc_d + (1 - rho) * delta^2
//   w += lr * delta
// Defaults: learning_rate=0.001, rho=0.95, epsilon=1e-7; name "adadelta".
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class Adadelta : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::rho_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adadelta);
  std::string class_name() const override { return "Adadelta"; }
  double rho() const { return rho_; }
  double epsilon() const { return epsilon_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double rho_ = 0.95, epsilon_ = 1e-7;
};

}  // namespace keras::optimizers

#pragma once
// keras.optimizers.Nadam (keras/src/optimizers/nadam.py): Adam with Nesterov momentum and Dozat's momentum cache.
// With t = iterations + 1, u_t = beta_1 * (1 - 0.5 * 0.96^t), u_{t+1} likewise, and the product P_t = prod u_1..u_t
// (an optimizer variable, updated once per step before the variables):
//   m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
//   m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)
//   v_hat = v / (1 - beta_2^t)
//   w -= lr * m_hat / (sqrt(v_hat) + epsilon)
// Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7; name "nadam".
#include "keras/optimizers/moment_optimizer.hpp"

namespace keras::optimizers {

class Nadam : public MomentOptimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_1_t, kw::beta_2_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Nadam);
  std::string class_name() const override { return "Nadam"; }
  // Keras's variables plus the momentum-cache product `u_product`, last.
  std::vector<Tensor> variables() const override;
  void set_variables(const std::vector<Tensor>& values) override;

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void prepare_step(double lr) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double u_product_ = 1.0;
};

}  // namespace keras::optimizers

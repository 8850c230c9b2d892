#pragma once
// keras.optimizers.Adagrad (keras/src/optimizers/adagrad.py):
//   acc += g^2;  w -= lr * g / sqrt(acc + epsilon)
// Defaults: learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7; name "adagrad".
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class Adagrad : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::initial_accumulator_value_t, kw::epsilon_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adagrad);
  std::string class_name() const override { return "Adagrad"; }
  double initial_accumulator_value() const { return initial_accumulator_value_; }
  double epsilon() const { return epsilon_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double initial_accumulator_value_ = 0.1, epsilon_ = 1e-7;
};

}  // namespace keras::optimizers

#pragma once
// keras.optimizers.SGD: gradient descent with optional (Nesterov) momentum (keras/src/optimizers/sgd.py).
//   momentum == 0:  w -= lr * g
//   momentum > 0:   m = momentum * m - lr * g;  w += m            (nesterov: w += momentum * m - lr * g)
// Defaults: learning_rate=0.01, momentum=0.0, nesterov=false; name "SGD". The momentum slots exist only when
// momentum != 0, as in Keras.
#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class SGD : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::momentum_t, kw::nesterov_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(SGD);
  std::string class_name() const override { return "SGD"; }
  double momentum() const { return momentum_; }
  bool nesterov() const { return nesterov_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double momentum_ = 0.0;
  bool nesterov_ = false;
};

}  // namespace keras::optimizers

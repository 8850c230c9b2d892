#pragma once
// What Adam, Adamax, Nadam and Lamb share: the keywords beta_1, beta_2 and epsilon, with Keras's defaults (0.9, 0.999,
// 1e-7), written to the config in that order after the base optimizer's.
#include <string>

#include "keras/optimizers/optimizer.hpp"

namespace keras::optimizers {

class MomentOptimizer : public Optimizer {
 public:
  double beta_1() const { return beta_1_; }
  double beta_2() const { return beta_2_; }
  double epsilon() const { return epsilon_; }

 protected:
  MomentOptimizer(const kw::Kwargs& kwargs, std::string default_name);

  double beta_1_ = 0.9, beta_2_ = 0.999, epsilon_ = 1e-7;
};

}  // namespace keras::optimizers

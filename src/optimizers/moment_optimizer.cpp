#include "keras/optimizers/moment_optimizer.hpp"

#include "optimizers/detail.hpp"

namespace keras::optimizers {

MomentOptimizer::MomentOptimizer(const kw::Kwargs& k, std::string default_name)
    : Optimizer(k, 0.001, std::move(default_name)) {
  beta_1_ = detail::get_number(k, "beta_1").value_or(0.9);
  beta_2_ = detail::get_number(k, "beta_2").value_or(0.999);
  epsilon_ = detail::get_number(k, "epsilon").value_or(1e-7);
  config_.set("beta_1", beta_1_);
  config_.set("beta_2", beta_2_);
  config_.set("epsilon", epsilon_);
}

}  // namespace keras::optimizers

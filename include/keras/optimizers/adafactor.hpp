#pragma once
// keras.optimizers.Adafactor (keras/src/optimizers/adafactor.py; Shazeer & Stern 2018), as Keras 3 computes it:
//   t = iterations + 1;  rho = min(lr, 1/sqrt(t));  alpha = max(epsilon_2, RMS(w)) * rho;  beta = 1 - t^beta_2_decay
//   G = g^2 + epsilon_1
//   rank >= 2: r = beta r + (1 - beta) mean(G, axis=-1);  c = beta c + (1 - beta) mean(G, axis=-2)
//              v = r / mean(r, axis=-1) (outer) c        (over the last two axes, per leading index)
//   rank < 2:  v = beta v + (1 - beta) G
//   u = g / sqrt(v);  w -= alpha * u / max(1, RMS(u) / clip_threshold)
// RMS is over the whole tensor. Defaults: learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
// clip_threshold=1.0, relative_step=true; name "adafactor". Keras's step is min(lr, 1/sqrt(t)) whether relative_step
// is true or false (its code applies the cap twice, once unconditionally); keraspp keeps that, and keeps the flag
// for the config.
// Slots per variable, in Keras's order: r (dims[:-1]) and c (dims[:-2] + dims[-1:]), which are unused scalars for a
// variable of rank < 2, then v (the variable's dims).
#include <vector>

#include "keras/optimizers/optimizer.hpp"

namespace keras::kw {
KERAS_KEYWORD(beta_2_decay, double);
KERAS_KEYWORD(epsilon_1, double);
KERAS_KEYWORD(epsilon_2, double);
KERAS_KEYWORD(clip_threshold, double);
KERAS_KEYWORD(relative_step, bool);
}  // namespace keras::kw

namespace keras::optimizers {

class Adafactor : public Optimizer {
 public:
  using keywords = kw::keywords_plus<optimizer_keywords, kw::beta_2_decay_t, kw::epsilon_1_t, kw::epsilon_2_t,
                                     kw::clip_threshold_t, kw::relative_step_t>;
  KERAS_OPTIMIZER_CONSTRUCTORS(Adafactor);
  std::string class_name() const override { return "Adafactor"; }
  double beta_2_decay() const { return beta_2_decay_; }
  double epsilon_1() const { return epsilon_1_; }
  double epsilon_2() const { return epsilon_2_; }
  double clip_threshold() const { return clip_threshold_; }
  bool relative_step() const { return relative_step_; }

 protected:
  void build(const std::vector<VariablePtr>& variables) override;
  void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) override;

 private:
  double beta_2_decay_ = -0.8, epsilon_1_ = 1e-30, epsilon_2_ = 1e-3, clip_threshold_ = 1.0;
  bool relative_step_ = true;
  std::vector<double> column_sums_;  // scratch of update_step, kept to allocate nothing per step
};

}  // namespace keras::optimizers

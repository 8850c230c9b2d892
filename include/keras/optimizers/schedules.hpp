#pragma once
// keras.optimizers.schedules (keras/src/optimizers/schedules/learning_rate_schedule.py): the learning rate as a
// function of the optimizer's step (its iterations() before the update). Positional arguments in Keras's order, or
// keywords:
//   schedules::ExponentialDecay(1e-2, 100, 0.9)
//   schedules::ExponentialDecay(initial_learning_rate=0.1, decay_steps=100000, decay_rate=0.96, staircase=true)
//   schedules::PiecewiseConstantDecay({100000, 110000}, {1.0, 0.5, 0.1})
//   schedules::CosineDecay(0.0, 1000, warmup_target=0.1, warmup_steps=100)
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/optimizers/optimizer.hpp"

namespace keras::kw {
// Keywords only the schedules take.
KERAS_KEYWORD(end_learning_rate, double);
KERAS_KEYWORD(power, double);
KERAS_KEYWORD(cycle, bool);
KERAS_KEYWORD(first_decay_steps, int);
KERAS_KEYWORD(t_mul, double);
KERAS_KEYWORD(m_mul, double);
}  // namespace keras::kw

namespace keras::optimizers::schedules {

// Constructors for a schedule whose first positional parameters have types T1, T2, ... (keyword names K1, K2, ...):
// Class(kwargs...), Class(p1, kwargs...), Class(p1, p2, kwargs...), ...
#define KERAS_SCHEDULE_CTOR_0(Class)                                                                          \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(A&&... a) : Class(::keras::kw::collect<Class>(std::forward<A>(a)...)) {}
#define KERAS_SCHEDULE_CTOR_1(Class, T1, K1)                                                                  \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(T1 p1, A&&... a) : Class(::keras::kw::collect<Class>(::keras::kw::K1 = p1, std::forward<A>(a)...)) {}
#define KERAS_SCHEDULE_CTOR_2(Class, T1, K1, T2, K2)                                                          \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(T1 p1, T2 p2, A&&... a)                                                                      \
      : Class(::keras::kw::collect<Class>(::keras::kw::K1 = p1, ::keras::kw::K2 = p2, std::forward<A>(a)...)) {}
#define KERAS_SCHEDULE_CTOR_3(Class, T1, K1, T2, K2, T3, K3)                                                  \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(T1 p1, T2 p2, T3 p3, A&&... a)                                                               \
      : Class(::keras::kw::collect<Class>(::keras::kw::K1 = p1, ::keras::kw::K2 = p2, ::keras::kw::K3 = p3,   \
                                          std::forward<A>(a)...)) {}
#define KERAS_SCHEDULE_CTOR_4(Class, T1, K1, T2, K2, T3, K3, T4, K4)                                          \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(T1 p1, T2 p2, T3 p3, T4 p4, A&&... a)                                                        \
      : Class(::keras::kw::collect<Class>(::keras::kw::K1 = p1, ::keras::kw::K2 = p2, ::keras::kw::K3 = p3,   \
                                          ::keras::kw::K4 = p4, std::forward<A>(a)...)) {}

// initial_learning_rate * decay_rate ^ (step / decay_steps); with staircase the exponent is floored.
class ExponentialDecay : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::initial_learning_rate_t, kw::decay_steps_t, kw::decay_rate_t, kw::staircase_t,
                                kw::name_t>;
  KERAS_SCHEDULE_CTOR_0(ExponentialDecay)
  KERAS_SCHEDULE_CTOR_1(ExponentialDecay, double, initial_learning_rate)
  KERAS_SCHEDULE_CTOR_2(ExponentialDecay, double, initial_learning_rate, int, decay_steps)
  KERAS_SCHEDULE_CTOR_3(ExponentialDecay, double, initial_learning_rate, int, decay_steps, double, decay_rate)
  KERAS_SCHEDULE_CTOR_4(ExponentialDecay, double, initial_learning_rate, int, decay_steps, double, decay_rate, bool,
                        staircase)
  explicit ExponentialDecay(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "ExponentialDecay"; }
  kw::Kwargs get_config() const override;

 private:
  double initial_learning_rate_ = 0, decay_rate_ = 0;
  int decay_steps_ = 1;
  bool staircase_ = false;
  std::string name_ = "ExponentialDecay";
};

// values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], values.back()
// after the last boundary. values.size() must be boundaries.size() + 1.
class PiecewiseConstantDecay : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::boundaries_t, kw::values_t, kw::name_t>;
  KERAS_SCHEDULE_CTOR_0(PiecewiseConstantDecay)
  KERAS_SCHEDULE_CTOR_1(PiecewiseConstantDecay, std::vector<double>, boundaries)
  KERAS_SCHEDULE_CTOR_2(PiecewiseConstantDecay, std::vector<double>, boundaries, std::vector<double>, values)
  explicit PiecewiseConstantDecay(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  kw::Kwargs get_config() const override;

 private:
  std::vector<double> boundaries_, values_;
  std::string name_ = "PiecewiseConstant";
};

// (initial_learning_rate - end_learning_rate) * (1 - min(step, decay_steps) / decay_steps) ^ power
// + end_learning_rate; with cycle, decay_steps grows to the first multiple of itself >= step.
// Defaults: end_learning_rate=0.0001, power=1.0, cycle=false.
class PolynomialDecay : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::initial_learning_rate_t, kw::decay_steps_t, kw::end_learning_rate_t,
                                kw::power_t, kw::cycle_t, kw::name_t>;
  KERAS_SCHEDULE_CTOR_0(PolynomialDecay)
  KERAS_SCHEDULE_CTOR_1(PolynomialDecay, double, initial_learning_rate)
  KERAS_SCHEDULE_CTOR_2(PolynomialDecay, double, initial_learning_rate, int, decay_steps)
  KERAS_SCHEDULE_CTOR_3(PolynomialDecay, double, initial_learning_rate, int, decay_steps, double, end_learning_rate)
  KERAS_SCHEDULE_CTOR_4(PolynomialDecay, double, initial_learning_rate, int, decay_steps, double, end_learning_rate,
                        double, power)
  explicit PolynomialDecay(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "PolynomialDecay"; }
  kw::Kwargs get_config() const override;

 private:
  double initial_learning_rate_ = 0, end_learning_rate_ = 0.0001, power_ = 1.0;
  int decay_steps_ = 1;
  bool cycle_ = false;
  std::string name_ = "PolynomialDecay";
};

// initial_learning_rate / (1 + decay_rate * step / decay_steps); with staircase the ratio is floored.
class InverseTimeDecay : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::initial_learning_rate_t, kw::decay_steps_t, kw::decay_rate_t, kw::staircase_t,
                                kw::name_t>;
  KERAS_SCHEDULE_CTOR_0(InverseTimeDecay)
  KERAS_SCHEDULE_CTOR_1(InverseTimeDecay, double, initial_learning_rate)
  KERAS_SCHEDULE_CTOR_2(InverseTimeDecay, double, initial_learning_rate, int, decay_steps)
  KERAS_SCHEDULE_CTOR_3(InverseTimeDecay, double, initial_learning_rate, int, decay_steps, double, decay_rate)
  KERAS_SCHEDULE_CTOR_4(InverseTimeDecay, double, initial_learning_rate, int, decay_steps, double, decay_rate, bool,
                        staircase)
  explicit InverseTimeDecay(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "InverseTimeDecay"; }
  kw::Kwargs get_config() const override;

 private:
  double initial_learning_rate_ = 0, decay_rate_ = 0;
  int decay_steps_ = 1;
  bool staircase_ = false;
  std::string name_ = "InverseTimeDecay";
};

// Cosine decay with an optional linear warmup. Without warmup_target: initial_learning_rate * decayed(step) where
// decayed(s) = (1 - alpha) * 0.5 * (1 + cos(pi * min(s, decay_steps) / decay_steps)) + alpha. With warmup_target:
// a linear ramp from initial_learning_rate to warmup_target over warmup_steps, then warmup_target *
// decayed(step - warmup_steps). Defaults: alpha=0.0, warmup_target=None, warmup_steps=0.
class CosineDecay : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::initial_learning_rate_t, kw::decay_steps_t, kw::alpha_t, kw::name_t,
                                kw::warmup_target_t, kw::warmup_steps_t>;
  KERAS_SCHEDULE_CTOR_0(CosineDecay)
  KERAS_SCHEDULE_CTOR_1(CosineDecay, double, initial_learning_rate)
  KERAS_SCHEDULE_CTOR_2(CosineDecay, double, initial_learning_rate, int, decay_steps)
  KERAS_SCHEDULE_CTOR_3(CosineDecay, double, initial_learning_rate, int, decay_steps, double, alpha)
  explicit CosineDecay(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "CosineDecay"; }
  kw::Kwargs get_config() const override;

 private:
  double initial_learning_rate_ = 0, alpha_ = 0.0;
  int decay_steps_ = 1;
  std::optional<double> warmup_target_;
  int warmup_steps_ = 0;
  std::string name_ = "CosineDecay";
};

// SGDR: cosine decay from 1 to alpha over first_decay_steps, then warm restarts, each t_mul times longer and m_mul
// times lower. Defaults: t_mul=2.0, m_mul=1.0, alpha=0.0.
class CosineDecayRestarts : public LearningRateSchedule {
 public:
  using keywords = kw::keywords<kw::initial_learning_rate_t, kw::first_decay_steps_t, kw::t_mul_t, kw::m_mul_t,
                                kw::alpha_t, kw::name_t>;
  KERAS_SCHEDULE_CTOR_0(CosineDecayRestarts)
  KERAS_SCHEDULE_CTOR_1(CosineDecayRestarts, double, initial_learning_rate)
  KERAS_SCHEDULE_CTOR_2(CosineDecayRestarts, double, initial_learning_rate, int, first_decay_steps)
  KERAS_SCHEDULE_CTOR_3(CosineDecayRestarts, double, initial_learning_rate, int, first_decay_steps, double, t_mul)
  KERAS_SCHEDULE_CTOR_4(CosineDecayRestarts, double, initial_learning_rate, int, first_decay_steps, double, t_mul,
                        double, m_mul)
  explicit CosineDecayRestarts(const kw::Kwargs& kwargs);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "CosineDecayRestarts"; }
  kw::Kwargs get_config() const override;

 private:
  double initial_learning_rate_ = 0, t_mul_ = 2.0, m_mul_ = 1.0, alpha_ = 0.0;
  int first_decay_steps_ = 1;
  std::string name_ = "SGDRDecay";
};

}  // namespace keras::optimizers::schedules

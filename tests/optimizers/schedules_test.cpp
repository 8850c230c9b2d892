// keras.optimizers.schedules against Keras 3's formulas (learning_rate_schedule.py) and its own tests' cases.
#include "keras/optimizers/schedules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "keras/core/errors.hpp"
#include "keras/optimizers/adam.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::optimizers;
using ::testing::HasSubstr;

namespace {

double cosine(double step, double decay_steps, double alpha = 0.0) {
  step = std::min(step, decay_steps);
  const double decay = 0.5 * (1.0 + std::cos(std::numbers::pi * step / decay_steps));
  return (1.0 - alpha) * decay + alpha;
}

double cosine_restarts(double step, double decay_steps, double t_mul = 2.0, double m_mul = 1.0, double alpha = 0.0) {
  double fac = 1.0;
  while (step >= decay_steps) {
    step -= decay_steps;
    decay_steps *= t_mul;
    fac *= m_mul;
  }
  const double decay = fac * 0.5 * (1.0 + std::cos(std::numbers::pi * step / decay_steps));
  return (1.0 - alpha) * decay + alpha;
}

}  // namespace

TEST(ScheduleExponentialDecay, ContinuousAndStaircase) {
  schedules::ExponentialDecay continuous(0.05, 10, 0.96);
  EXPECT_NEAR(continuous(5), 0.05 * std::pow(0.96, 0.5), 1e-12);
  EXPECT_DOUBLE_EQ(continuous(0), 0.05);
  schedules::ExponentialDecay stairs(0.1, 3, 0.96, staircase = true);
  EXPECT_DOUBLE_EQ(stairs(1), 0.1);
  EXPECT_DOUBLE_EQ(stairs(2), 0.1);
  EXPECT_NEAR(stairs(3), 0.1 * 0.96, 1e-12);
  EXPECT_NEAR(stairs(100), 0.1 * std::pow(0.96, 100 / 3), 1e-12);
  // Every spelling: positional, keywords, mixed, positional staircase.
  schedules::ExponentialDecay kw_only(initial_learning_rate = 0.1, decay_steps = 3, decay_rate = 0.96,
                                      staircase = true, name = "my_ed");
  schedules::ExponentialDecay mixed(0.1, decay_steps = 3, decay_rate = 0.96, staircase = true);
  schedules::ExponentialDecay positional(0.1, 3, 0.96, true);
  for (int64_t s : {0, 2, 3, 7, 100}) {
    EXPECT_DOUBLE_EQ(kw_only(s), stairs(s));
    EXPECT_DOUBLE_EQ(mixed(s), stairs(s));
    EXPECT_DOUBLE_EQ(positional(s), stairs(s));
  }
  EXPECT_EQ(kw_only.class_name(), "ExponentialDecay");
  EXPECT_EQ(*kw_only.get_config().get<std::string>("name"), "my_ed");
  EXPECT_EQ(*kw_only.get_config().get<int>("decay_steps"), 3);
}

TEST(ScheduleExponentialDecay, ArgumentErrors) {
  try {
    schedules::ExponentialDecay(0.1, 0, 0.9);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Argument `decay_steps` must be > 0. Received: decay_steps=0");
  }
  try {
    schedules::ExponentialDecay(0.1);
    FAIL();
  } catch (const TypeError& e) {
    EXPECT_EQ(e.message(),
              "ExponentialDecay.__init__() missing 2 required positional arguments: 'decay_steps' and 'decay_rate'");
  }
}

TEST(SchedulePiecewiseConstantDecay, ValuesAtAndAroundBoundaries) {
  schedules::PiecewiseConstantDecay decayed({100, 110, 120}, {1.0, 0.1, 0.01, 0.001});
  EXPECT_DOUBLE_EQ(decayed(-999), 1.0);
  EXPECT_DOUBLE_EQ(decayed(100), 1.0);  // step <= boundaries[0]
  EXPECT_DOUBLE_EQ(decayed(101), 0.1);
  EXPECT_DOUBLE_EQ(decayed(105), 0.1);
  EXPECT_DOUBLE_EQ(decayed(110), 0.1);
  EXPECT_DOUBLE_EQ(decayed(120), 0.01);
  EXPECT_DOUBLE_EQ(decayed(121), 0.001);
  EXPECT_DOUBLE_EQ(decayed(999), 0.001);
  schedules::PiecewiseConstantDecay small(boundaries = {1, 2, 3}, values = {0.4, 0.5, 0.6, 0.7});
  const double expected[] = {0.4, 0.4, 0.5, 0.6, 0.7};
  for (int64_t s = 0; s < 5; ++s) EXPECT_DOUBLE_EQ(small(s), expected[s]);
}

TEST(SchedulePiecewiseConstantDecay, LengthMismatchIsAValueError) {
  try {
    schedules::PiecewiseConstantDecay({100000, 110000}, {1.0, 0.5});
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(),
              "The length of boundaries should be 1 less than the length of values. Received: "
              "boundaries=[100000, 110000] of length 2, and values=[1.0, 0.5] of length 2.");
    EXPECT_THAT(e.what(), HasSubstr("Hint: "));
  }
}

TEST(SchedulePolynomialDecay, LinearSqrtAndCycle) {
  const double lr = 0.05, end = 0.001;
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, 0.0)(5), lr * 0.5, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end)(10), end, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end)(5), (lr + end) * 0.5, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end)(15), end, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end, cycle = true)(15), (lr - end) * 0.25 + end, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end, power = 0.5)(5), (lr - end) * std::sqrt(0.5) + end, 1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(lr, 10, end, 0.5, cycle = true)(15), (lr - end) * std::sqrt(0.25) + end,
              1e-12);
  EXPECT_NEAR(schedules::PolynomialDecay(0.001, 10, cycle = true)(0), 0.001, 1e-12);
  // end_learning_rate defaults to 0.0001.
  EXPECT_NEAR(schedules::PolynomialDecay(0.1, 10)(10), 0.0001, 1e-12);
}

TEST(ScheduleInverseTimeDecay, ContinuousAndStaircase) {
  const double lr = 0.1, rate = 0.96;
  const int k = 10;
  schedules::InverseTimeDecay decayed(lr, k, rate);
  schedules::InverseTimeDecay stairs(lr, k, rate, staircase = true);
  for (int i = 0; i <= k; ++i) {
    EXPECT_NEAR(decayed(i), lr / (1 + static_cast<double>(i) / k * rate), 1e-12);
    EXPECT_NEAR(stairs(i), lr / (1 + rate * (i / k)), 1e-12);
  }
}

TEST(ScheduleCosineDecay, DecayAlphaWarmup) {
  for (int step = 0; step < 1500; step += 250) {
    EXPECT_NEAR(schedules::CosineDecay(1.0, 1000)(step), cosine(step, 1000), 1e-12);
    EXPECT_NEAR(schedules::CosineDecay(1.0, 1000, 0.1)(step), cosine(step, 1000, 0.1), 1e-12);
    EXPECT_NEAR(schedules::CosineDecay(2.0, 1000, alpha = 0.1)(step), 2.0 * cosine(step, 1000, 0.1), 1e-12);
  }
  // Warmup from 0 to 10 over 2000 steps, then cosine decay from 10 over 1000 steps.
  for (int step = 0; step < 3000; step += 250) {
    schedules::CosineDecay lr(0.0, 1000, warmup_target = 10.0, warmup_steps = 2000);
    const double expected = step < 2001 ? 10.0 * step / 2000.0 : 10.0 * cosine(step - 2000, 1000);
    EXPECT_NEAR(lr(step), expected, 1e-9) << step;
  }
  // Warmup from a non-zero start: a straight line from initial_learning_rate to warmup_target.
  schedules::CosineDecay from_half(0.5, 10, warmup_target = 1.0, warmup_steps = 4);
  EXPECT_DOUBLE_EQ(from_half(0), 0.5);
  EXPECT_DOUBLE_EQ(from_half(2), 0.75);
  EXPECT_DOUBLE_EQ(from_half(4), 1.0);
  EXPECT_NEAR(from_half(9), cosine(5, 10), 1e-12);
  EXPECT_NEAR(from_half(100), 0.0, 1e-12);
  // warmup_target=None is no warmup.
  EXPECT_DOUBLE_EQ(schedules::CosineDecay(1.0, 10, warmup_target = None)(0), 1.0);
  EXPECT_TRUE(schedules::CosineDecay(1.0, 10).get_config().is_none("warmup_target"));
}

TEST(ScheduleCosineDecayRestarts, MatchesTheIterativeDefinition) {
  for (int step = 0; step < 1500; step += 250) {
    EXPECT_NEAR(schedules::CosineDecayRestarts(1.0, 1000)(step), cosine_restarts(step, 1000), 1e-9);
    EXPECT_NEAR(schedules::CosineDecayRestarts(1.0, 1000, alpha = 0.1)(step),
                cosine_restarts(step, 1000, 2.0, 1.0, 0.1), 1e-9);
    EXPECT_NEAR(schedules::CosineDecayRestarts(1.0, 1000, m_mul = 0.9)(step), cosine_restarts(step, 1000, 2.0, 0.9),
                1e-9);
    EXPECT_NEAR(schedules::CosineDecayRestarts(1.0, 1000, t_mul = 1.0)(step), cosine_restarts(step, 1000, 1.0),
                1e-9);
  }
}

TEST(ScheduleInOptimizer, TheOptimizerEvaluatesItAtIterations) {
  Adam opt(learning_rate = schedules::PiecewiseConstantDecay({1}, {0.1, 0.01}));
  EXPECT_EQ(opt.variables().size(), 1u);  // iteration only (Keras: len(optimizer.variables) == 1)
  auto v = std::make_shared<Variable>();
  v->value = Tensor({1.0f}, {1});
  const double expected_lr[] = {0.1, 0.1, 0.01, 0.01};
  for (double lr : expected_lr) {
    EXPECT_FLOAT_EQ(opt.learning_rate(), lr);
    v->grad = Tensor({1.0f}, {1});
    opt.apply_gradients({v});
  }
  EXPECT_EQ(opt.iterations(), 4);
}

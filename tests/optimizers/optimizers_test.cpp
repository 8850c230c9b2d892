// Every optimizer against Keras 3's update rule written out in double (keras/src/optimizers/*.py), plus the base
// class's clipping, weight decay, schedules, variables(), get() and a convergence check.
#include "keras/optimizers/optimizers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"

using namespace keras;
using namespace keras::kw;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

using Vec = std::vector<double>;

// Doubles rounded through float, as the library stores them.
double f(double x) { return static_cast<double>(static_cast<float>(x)); }

Vec initial_weights(size_t n) {
  Vec w(n);
  for (size_t i = 0; i < n; ++i) w[i] = f(1.0 + 0.25 * static_cast<double>(i));
  return w;
}

// A fixed, varied gradient sequence (both signs, different sizes per element and step).
std::vector<Vec> gradient_sequence(size_t n, int steps) {
  std::vector<Vec> gs;
  for (int t = 0; t < steps; ++t) {
    Vec g(n);
    for (size_t i = 0; i < n; ++i)
      g[i] = f(std::sin(0.9 * static_cast<double>(i) + 1.7 * t + 0.3) * (1.0 + 0.5 * static_cast<double>(i)));
    gs.push_back(g);
  }
  return gs;
}

VariablePtr make_variable(const Vec& w, std::string name = "kernel") {
  auto v = std::make_shared<Variable>();
  v->name = std::move(name);
  std::vector<float> values(w.begin(), w.end());
  v->value = Tensor(values, {static_cast<int64_t>(w.size())});
  return v;
}

void set_grad(Variable& v, const Vec& g) {
  std::vector<float> values(g.begin(), g.end());
  v.grad = Tensor(values, {static_cast<int64_t>(g.size())});
}

// Checks each element to 1e-6 relative (the weights are >= 0.5 in magnitude in these tests).
void expect_values_close(const Tensor& actual, const Vec& expected, const std::string& what, double rtol = 1e-6) {
  ASSERT_EQ(actual.size(), static_cast<int64_t>(expected.size())) << what;
  const float* a = actual.data();
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(a[i], expected[i], rtol * std::max(std::abs(expected[i]), 1e-3)) << what << " element " << i;
}

// A reference rule: updates w in place for step t (0-based) with gradient g and learning rate lr.
using Rule = std::function<void(Vec& w, const Vec& g, int t, double lr)>;

// Runs `steps` steps of opt and of the reference on one variable, comparing after every step.
void check_against(optimizers::Optimizer& opt, Rule rule, const std::string& what, int steps = 6, size_t n = 5,
                   std::function<double(int)> lr_at = nullptr) {
  Vec w = initial_weights(n);
  auto v = make_variable(w);
  const auto gs = gradient_sequence(n, steps);
  for (int t = 0; t < steps; ++t) {
    const double lr = lr_at ? lr_at(t) : opt.learning_rate();
    set_grad(*v, gs[t]);
    opt.apply_gradients({v});
    rule(w, gs[t], t, lr);
    expect_values_close(v->value, w, what + " step " + std::to_string(t + 1));
  }
  EXPECT_EQ(opt.iterations(), steps);
}

// ---- the reference rules (Keras 3, in double) ----

Rule sgd_rule(double momentum, bool nesterov, size_t n) {
  auto m = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      if (momentum == 0) {
        w[i] -= lr * g[i];
        continue;
      }
      (*m)[i] = momentum * (*m)[i] - lr * g[i];
      w[i] += nesterov ? momentum * (*m)[i] - lr * g[i] : (*m)[i];
    }
  };
}

Rule adam_rule(double b1, double b2, double eps, bool amsgrad, size_t n, double wd = 0.0) {
  auto m = std::make_shared<Vec>(n, 0.0), v = std::make_shared<Vec>(n, 0.0), vh = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int t, double lr) {
    const double step = t + 1;
    const double alpha = lr * std::sqrt(1 - std::pow(b2, step)) / (1 - std::pow(b1, step));
    for (size_t i = 0; i < w.size(); ++i) {
      w[i] -= w[i] * wd * lr;
      (*m)[i] += (g[i] - (*m)[i]) * (1 - b1);
      (*v)[i] += (g[i] * g[i] - (*v)[i]) * (1 - b2);
      double vv = (*v)[i];
      if (amsgrad) {
        (*vh)[i] = std::max((*vh)[i], (*v)[i]);
        vv = (*vh)[i];
      }
      w[i] -= (*m)[i] * alpha / (std::sqrt(vv) + eps);
    }
  };
}

Rule rmsprop_rule(double rho, double momentum, double eps, bool centered, size_t n) {
  auto v = std::make_shared<Vec>(n, 0.0), mom = std::make_shared<Vec>(n, 0.0), a = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      (*v)[i] = rho * (*v)[i] + (1 - rho) * g[i] * g[i];
      double denominator = (*v)[i] + eps;
      if (centered) {
        (*a)[i] = rho * (*a)[i] + (1 - rho) * g[i];
        denominator = (*v)[i] - (*a)[i] * (*a)[i] + eps;
      }
      const double increment = lr * g[i] / std::sqrt(denominator);
      if (momentum > 0) {
        (*mom)[i] = momentum * (*mom)[i] + increment;
        w[i] -= (*mom)[i];
      } else {
        w[i] -= increment;
      }
    }
  };
}

Rule adagrad_rule(double init, double eps, size_t n) {
  auto acc = std::make_shared<Vec>(n, f(init));
  return [=](Vec& w, const Vec& g, int, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      (*acc)[i] += g[i] * g[i];
      w[i] -= lr * g[i] / std::sqrt((*acc)[i] + eps);
    }
  };
}

Rule adadelta_rule(double rho, double eps, size_t n) {
  auto ag = std::make_shared<Vec>(n, 0.0), ad = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      (*ag)[i] = rho * (*ag)[i] + (1 - rho) * g[i] * g[i];
      const double delta = -std::sqrt((*ad)[i] + eps) * g[i] / std::sqrt((*ag)[i] + eps);
      (*ad)[i] = rho * (*ad)[i] + (1 - rho) * delta * delta;
      w[i] += lr * delta;
    }
  };
}

Rule adamax_rule(double b1, double b2, double eps, size_t n) {
  auto m = std::make_shared<Vec>(n, 0.0), u = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int t, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      (*m)[i] += (g[i] - (*m)[i]) * (1 - b1);
      (*u)[i] = std::max(b2 * (*u)[i], std::abs(g[i]));
      w[i] -= lr * (*m)[i] / ((1 - std::pow(b1, t + 1)) * ((*u)[i] + eps));
    }
  };
}

Rule nadam_rule(double b1, double b2, double eps, size_t n) {
  auto m = std::make_shared<Vec>(n, 0.0), v = std::make_shared<Vec>(n, 0.0);
  auto product = std::make_shared<double>(1.0);
  return [=](Vec& w, const Vec& g, int t, double lr) {
    const double step = t + 1;
    const double u_t = b1 * (1 - 0.5 * std::pow(0.96, step));
    const double u_t1 = b1 * (1 - 0.5 * std::pow(0.96, step + 1));
    *product *= u_t;
    const double product_t1 = *product * u_t1;
    for (size_t i = 0; i < w.size(); ++i) {
      (*m)[i] += (g[i] - (*m)[i]) * (1 - b1);
      (*v)[i] += (g[i] * g[i] - (*v)[i]) * (1 - b2);
      const double m_hat = u_t1 * (*m)[i] / (1 - product_t1) + (1 - u_t) * g[i] / (1 - *product);
      const double v_hat = (*v)[i] / (1 - std::pow(b2, step));
      w[i] -= m_hat * lr / (std::sqrt(v_hat) + eps);
    }
  };
}

Rule lion_rule(double b1, double b2, size_t n) {
  auto m = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int, double lr) {
    for (size_t i = 0; i < w.size(); ++i) {
      const double c = (*m)[i] * b1 + g[i] * (1 - b1);
      w[i] -= lr * ((c > 0) - (c < 0));
      (*m)[i] = (*m)[i] * b2 + g[i] * (1 - b2);
    }
  };
}

// Runs the Keras golden tests' protocol: x = ones(10); one step with 0.01, then grads 0.1..1.0 for five steps,
// comparing before each of those steps.
void check_golden(optimizers::Optimizer& opt, const std::vector<Vec>& golden, double tol = 5e-4) {
  auto v = make_variable(Vec(10, 1.0));
  set_grad(*v, Vec(10, f(0.01)));
  opt.apply_gradients({v});
  Vec grads(10);
  for (size_t i = 0; i < 10; ++i) grads[i] = f(0.1 * static_cast<double>(i + 1));
  for (const Vec& row : golden) {
    const Vec expected = row.size() == 1 ? Vec(10, row[0]) : row;
    for (size_t i = 0; i < 10; ++i) EXPECT_NEAR(v->value.data()[i], expected[i], tol + tol * std::abs(expected[i]));
    set_grad(*v, grads);
    opt.apply_gradients({v});
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Defaults, names, construction

TEST(OptimizerDefaults, MatchKeras3) {
  optimizers::SGD sgd;
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.01);
  EXPECT_EQ(sgd.momentum(), 0.0);
  EXPECT_FALSE(sgd.nesterov());
  EXPECT_EQ(sgd.name(), "SGD");  // sgd.py: name="SGD"
  optimizers::Adam adam;
  EXPECT_FLOAT_EQ(adam.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(adam.beta_1(), 0.9);
  EXPECT_DOUBLE_EQ(adam.beta_2(), 0.999);
  EXPECT_DOUBLE_EQ(adam.epsilon(), 1e-7);
  EXPECT_FALSE(adam.amsgrad());
  EXPECT_EQ(adam.name(), "adam");
  optimizers::AdamW adamw;
  EXPECT_DOUBLE_EQ(adamw.weight_decay(), 0.004);
  EXPECT_EQ(adamw.name(), "adamw");
  optimizers::RMSprop rms;
  EXPECT_FLOAT_EQ(rms.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(rms.rho(), 0.9);
  EXPECT_DOUBLE_EQ(rms.momentum(), 0.0);
  EXPECT_DOUBLE_EQ(rms.epsilon(), 1e-7);
  EXPECT_FALSE(rms.centered());
  EXPECT_EQ(rms.name(), "rmsprop");
  optimizers::Adagrad adagrad;
  EXPECT_FLOAT_EQ(adagrad.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(adagrad.initial_accumulator_value(), 0.1);
  EXPECT_EQ(adagrad.name(), "adagrad");
  optimizers::Adadelta adadelta;
  EXPECT_FLOAT_EQ(adadelta.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(adadelta.rho(), 0.95);
  EXPECT_EQ(adadelta.name(), "adadelta");
  optimizers::Adamax adamax;
  EXPECT_FLOAT_EQ(adamax.learning_rate(), 0.001);
  EXPECT_EQ(adamax.name(), "adamax");
  optimizers::Nadam nadam;
  EXPECT_FLOAT_EQ(nadam.learning_rate(), 0.001);
  EXPECT_EQ(nadam.name(), "nadam");
  optimizers::Lion lion;
  EXPECT_FLOAT_EQ(lion.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(lion.beta_1(), 0.9);
  EXPECT_DOUBLE_EQ(lion.beta_2(), 0.99);
  EXPECT_EQ(lion.name(), "lion");
  EXPECT_EQ(lion.class_name(), "Lion");
}

TEST(OptimizerConstruction, PositionalAndKeywordLearningRate) {
  // Keras's learning rate is a float32 variable: float(Adam(1e-3).learning_rate) == 0.0010000000474974513.
  EXPECT_EQ(optimizers::Adam().learning_rate(), 0.0010000000474974513);
  EXPECT_FLOAT_EQ(optimizers::Adam(1e-2).learning_rate(), 1e-2);
  EXPECT_FLOAT_EQ(optimizers::Adam(learning_rate = 3e-4).learning_rate(), 3e-4);
  optimizers::SGD sgd(0.1, momentum = 0.9, nesterov = true, name = "my_sgd");
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.1);
  EXPECT_DOUBLE_EQ(sgd.momentum(), 0.9);
  EXPECT_TRUE(sgd.nesterov());
  EXPECT_EQ(sgd.name(), "my_sgd");
  EXPECT_FLOAT_EQ(optimizers::RMSprop(1).learning_rate(), 1.0);
  // learning_rate=None means Keras's default.
  EXPECT_FLOAT_EQ(optimizers::Adagrad(learning_rate = None).learning_rate(), 0.001);
}

TEST(OptimizerConstruction, ArgumentErrorsUseKerasMessages) {
  try {
    optimizers::Adam(clipnorm = 1.0, clipvalue = 0.5);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(),
              "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm=1.0, "
              "clipvalue=0.5, global_clipnorm=None");
    EXPECT_THAT(e.what(), HasSubstr("Hint: "));
  }
  EXPECT_THROW(optimizers::SGD(global_clipnorm = 1.0, clipnorm = 2.0), ValueError);
  try {
    optimizers::SGD(momentum = 1.5);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "`momentum` must be a float between [0, 1].");
  }
  try {
    optimizers::AdamW(weight_decay = None);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Argument `weight_decay` must be a float. Received: weight_decay=None");
  }
  try {
    optimizers::Lion(beta_1 = 0.0);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_THAT(e.message(), StartsWith("Argument `beta_1` must be in the [0, 1] range."));
  }
  try {
    optimizers::Adam(use_ema = true, ema_momentum = 1.5);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "`ema_momentum` must be in the range [0, 1]. Received: ema_momentum=1.5");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Update rules against the formulas

TEST(OptimizerSGD, PlainMomentumAndNesterov) {
  {
    optimizers::SGD opt(0.1);
    check_against(opt, sgd_rule(0, false, 5), "sgd");
  }
  {
    optimizers::SGD opt(0.1, momentum = 0.9);
    check_against(opt, sgd_rule(0.9, false, 5), "sgd momentum");
  }
  {
    optimizers::SGD opt(0.05, momentum = 0.8, nesterov = true);
    check_against(opt, sgd_rule(0.8, true, 5), "sgd nesterov");
  }
}

TEST(OptimizerSGD, KerasSingleStepAndGolden) {
  // sgd_test.py test_single_step
  optimizers::SGD opt(0.5);
  auto v = make_variable({1, 2, 3, 4});
  set_grad(*v, {1, 6, 7, 2});
  opt.apply_gradients({v});
  expect_values_close(v->value, {0.5, -1.0, -0.5, 3.0}, "single step");
  ASSERT_EQ(opt.variables().size(), 2u);
  EXPECT_EQ(opt.variables()[0].item(), 1.0f);
  EXPECT_EQ(opt.variables()[1].item(), 0.5f);
  // test_correctness_with_golden (nesterov, no momentum)
  optimizers::SGD golden_opt(nesterov = true);
  check_golden(golden_opt, {{0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999},
                            {0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899},
                            {0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799},
                            {0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699},
                            {0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599}});
}

TEST(OptimizerAdam, MatchesFormula) {
  {
    optimizers::Adam opt(0.1);
    check_against(opt, adam_rule(0.9, 0.999, 1e-7, false, 5), "adam");
  }
  {
    optimizers::Adam opt(learning_rate = 0.05, beta_1 = 0.8, beta_2 = 0.95, epsilon = 1e-4);
    check_against(opt, adam_rule(0.8, 0.95, 1e-4, false, 5), "adam custom");
  }
  {
    optimizers::Adam opt(0.1, amsgrad = true);
    check_against(opt, adam_rule(0.9, 0.999, 1e-7, true, 5), "adam amsgrad", 8);
  }
}

TEST(OptimizerAdam, KerasSingleStepAndGolden) {
  optimizers::Adam opt(0.5);
  auto v = make_variable({1, 2, 3, 4});
  set_grad(*v, {1, 6, 7, 2});
  opt.apply_gradients({v});
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(v->value.data()[i], 0.5 + i, 1e-4);
  optimizers::Adam golden(amsgrad = true);
  check_golden(golden, {{0.999}, {0.9982}, {0.9974}, {0.9965}, {0.9955}});
}

TEST(OptimizerAdamW, DecaysThenAdam) {
  optimizers::AdamW opt(0.1);
  check_against(opt, adam_rule(0.9, 0.999, 1e-7, false, 5, 0.004), "adamw");
  optimizers::AdamW strong(0.1, weight_decay = 0.5, amsgrad = true);
  check_against(strong, adam_rule(0.9, 0.999, 1e-7, true, 5, 0.5), "adamw wd=0.5 amsgrad");
}

TEST(OptimizerRMSprop, PlainCenteredMomentum) {
  {
    optimizers::RMSprop opt(0.01);
    check_against(opt, rmsprop_rule(0.9, 0, 1e-7, false, 5), "rmsprop");
  }
  {
    optimizers::RMSprop opt(0.01, centered = true);
    check_against(opt, rmsprop_rule(0.9, 0, 1e-7, true, 5), "rmsprop centered");
  }
  {
    optimizers::RMSprop opt(0.01, momentum = 0.5, rho = 0.8);
    check_against(opt, rmsprop_rule(0.8, 0.5, 1e-7, false, 5), "rmsprop momentum");
  }
  {
    optimizers::RMSprop opt(0.01, momentum = 0.5, centered = true, epsilon = 1e-3);
    check_against(opt, rmsprop_rule(0.9, 0.5, 1e-3, true, 5), "rmsprop centered momentum");
  }
}

TEST(OptimizerRMSprop, KerasExamples) {
  // The docstring example: var 10, loss var^2/2, one step of RMSprop(0.1) -> 9.683772 (epsilon inside the root).
  optimizers::RMSprop opt(0.1);
  auto v = make_variable({10.0});
  set_grad(*v, {10.0});
  opt.apply_gradients({v});
  EXPECT_NEAR(v->value.item(), 9.683772, 1e-5);
  optimizers::RMSprop single(0.5);
  auto w = make_variable({1, 2, 3, 4});
  set_grad(*w, {1, 6, 7, 2});
  single.apply_gradients({w});
  const Vec expected = {-0.5811, 0.4189, 1.4189, 2.4189};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(w->value.data()[i], expected[static_cast<size_t>(i)], 1e-4);
  optimizers::RMSprop golden(centered = true);
  check_golden(golden, {{0.9967}, {0.9933}, {0.9908}, {0.9885}, {0.9864}});
}

TEST(OptimizerAdagrad, MatchesFormula) {
  optimizers::Adagrad opt(0.1);
  check_against(opt, adagrad_rule(0.1, 1e-7, 5), "adagrad");
  optimizers::Adagrad custom(0.2, initial_accumulator_value = 1.0, epsilon = 1e-3);
  check_against(custom, adagrad_rule(1.0, 1e-3, 5), "adagrad custom");
}

TEST(OptimizerAdadelta, MatchesFormula) {
  optimizers::Adadelta opt(1.0);
  check_against(opt, adadelta_rule(0.95, 1e-7, 5), "adadelta");
  optimizers::Adadelta custom(0.5, rho = 0.8, epsilon = 1e-4);
  check_against(custom, adadelta_rule(0.8, 1e-4, 5), "adadelta custom");
}

TEST(OptimizerAdamax, MatchesFormula) {
  optimizers::Adamax opt(0.1);
  check_against(opt, adamax_rule(0.9, 0.999, 1e-7, 5), "adamax");
  optimizers::Adamax custom(0.05, beta_1 = 0.7, beta_2 = 0.9, epsilon = 1e-3);
  check_against(custom, adamax_rule(0.7, 0.9, 1e-3, 5), "adamax custom");
}

TEST(OptimizerNadam, MatchesFormulaAndKerasGolden) {
  optimizers::Nadam opt(0.1);
  check_against(opt, nadam_rule(0.9, 0.999, 1e-7, 5), "nadam", 8);
  optimizers::Nadam single(0.5);
  auto v = make_variable({1, 2, 3, 4});
  set_grad(*v, {1, 6, 7, 2});
  single.apply_gradients({v});
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(v->value.data()[i], 0.4686 + i, 1e-4);
  optimizers::Nadam golden(learning_rate = 0.5, beta_1 = 0.5, beta_2 = 0.67, epsilon = 1e-5);
  check_golden(golden,
               {{0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281},
                {-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717},
                {-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084},
                {-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299},
                {-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454}});
}

TEST(OptimizerFtrl, KerasSingleStepAndGolden) {
  // ftrl_test.py test_single_step
  optimizers::Ftrl one(0.5);
  auto v = make_variable({1.0, 2.0, 3.0, 4.0});
  set_grad(*v, {1.0, 6.0, 7.0, 2.0});
  one.apply_gradients({v});
  const Vec after = {0.2218, 1.3954, 2.3651, 2.8814};
  for (size_t i = 0; i < after.size(); ++i) EXPECT_NEAR(v->value.data()[i], after[i], 1e-4) << i;
  // ftrl_test.py test_correctness_with_golden
  optimizers::Ftrl golden(0.05, learning_rate_power = -0.2, initial_accumulator_value = 0.4,
                          l1_regularization_strength = 0.05, l2_regularization_strength = 0.15,
                          l2_shrinkage_regularization_strength = 0.01, beta = 0.3);
  check_golden(golden,
               {{0.0},
                {-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354},
                {-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685},
                {-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999},
                {-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299}});
}

TEST(OptimizerFtrl, MatchesFormulaInDouble) {
  // Keras's update_step written out: every regularization term on, six steps.
  const double lr = 0.1, p = -0.6, l1 = 0.02, l2 = 0.05, shrink = 0.03, b = 0.4;
  optimizers::Ftrl opt(lr, learning_rate_power = p, initial_accumulator_value = 0.2, l1_regularization_strength = l1,
                       l2_regularization_strength = l2, l2_shrinkage_regularization_strength = shrink, beta = b);
  const size_t n = 5;
  Vec w = initial_weights(n), acc(n, 0.2), lin(n, 0.0);
  auto v = make_variable(w);
  const auto gs = gradient_sequence(n, 6);
  for (int t = 0; t < 6; ++t) {
    set_grad(*v, gs[static_cast<size_t>(t)]);
    opt.apply_gradients({v});
    for (size_t i = 0; i < n; ++i) {
      const double g = gs[static_cast<size_t>(t)][i], na = acc[i] + g * g;
      lin[i] += g + 2 * shrink * w[i] - (std::pow(na, -p) - std::pow(acc[i], -p)) / lr * w[i];
      const double quadratic = std::pow(na, -p) / lr + 2 * (l2 + b / (2 * lr));
      w[i] = (std::clamp(lin[i], -l1, l1) - lin[i]) / quadratic;
      acc[i] = na;
      EXPECT_NEAR(v->value.data()[i], w[i], 2e-6 * std::max(1.0, std::abs(w[i]))) << "step " << t << " element " << i;
    }
  }
  // l1 holds weights whose |linear| stays below it at exactly zero.
  optimizers::Ftrl sparse(0.1, l1_regularization_strength = 10.0);
  auto s = make_variable({1.0, -2.0, 0.5});
  set_grad(*s, {0.3, -0.2, 0.1});
  sparse.apply_gradients({s});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s->value.data()[i], 0.0f);
}

TEST(OptimizerFtrl, KerasArgumentChecksAndConfig) {
  auto message = [](const std::function<void()>& make) {
    try {
      make();
    } catch (const ValueError& e) {
      return e.message();
    }
    return std::string("(no ValueError)");
  };
  EXPECT_EQ(message([] { optimizers::Ftrl(initial_accumulator_value = -0.1); }),
            "`initial_accumulator_value` needs to be positive or zero. Received: initial_accumulator_value=-0.1.");
  EXPECT_EQ(message([] { optimizers::Ftrl(learning_rate_power = 0.5); }),
            "`learning_rate_power` needs to be negative or zero. Received: learning_rate_power=0.5.");
  EXPECT_EQ(message([] { optimizers::Ftrl(l1_regularization_strength = -1.0); }),
            "`l1_regularization_strength` needs to be positive or zero. Received: l1_regularization_strength=-1.0.");
  EXPECT_EQ(message([] { optimizers::Ftrl(l2_shrinkage_regularization_strength = -2.0); }),
            "`l2_shrinkage_regularization_strength` needs to be positive or zero. Received: "
            "l2_shrinkage_regularization_strength=-2.0.");
  optimizers::Ftrl opt(0.05, beta = 0.3, l2_regularization_strength = 0.15);
  EXPECT_EQ(opt.name(), "ftrl");
  EXPECT_DOUBLE_EQ(opt.learning_rate_power(), -0.5);
  EXPECT_DOUBLE_EQ(opt.initial_accumulator_value(), 0.1);
  kw::Kwargs c = opt.get_config();
  EXPECT_DOUBLE_EQ(*c.get<double>("beta"), 0.3);
  EXPECT_DOUBLE_EQ(*c.get<double>("l2_regularization_strength"), 0.15);
  optimizers::Ftrl again(c);
  EXPECT_DOUBLE_EQ(again.beta(), 0.3);
  EXPECT_FLOAT_EQ(again.learning_rate(), 0.05);
}

// A variable of any dims, for Adafactor's factored moments.
VariablePtr shaped_variable(const Vec& w, std::vector<int64_t> dims) {
  auto v = make_variable(w);
  v->value = v->value.reshape(dims);
  return v;
}
void set_shaped_grad(Variable& v, const Vec& g) {
  set_grad(v, g);
  v.grad = v.grad.reshape(v.value.dims());
}

TEST(OptimizerAdafactor, KerasSingleStepsAndGolden) {
  // adafactor_test.py test_single_step_1d: unfactored.
  optimizers::Adafactor one(0.5);
  auto v = make_variable({1, 2, 3, 4});
  set_grad(*v, {1, 6, 7, 2});
  one.apply_gradients({v});
  const Vec after_1d = {-0.3693, 0.6307, 1.6307, 2.6307};
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(v->value.data()[i], after_1d[i], 1e-4) << i;
  // test_single_step_2d: r and c are the row and column means of g^2, v their normalised outer product.
  optimizers::Adafactor two(0.5);
  auto m = shaped_variable({1, 2, 3, 4}, {2, 2});
  set_shaped_grad(*m, {1, 6, 7, 2});
  two.apply_gradients({m});
  const Vec after_2d = {0.7007, -0.0081, 1.2492, 3.4407};
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(m->value.data()[i], after_2d[i], 1e-4) << i;
  // Slots in Keras's order: iteration, learning_rate, then r (2), c (2), v (2, 2) of the kernel.
  const auto vars = two.variables();
  ASSERT_EQ(vars.size(), 5u);
  EXPECT_EQ(vars[2].dims(), (std::vector<int64_t>{2}));
  EXPECT_NEAR(vars[2].data()[0], 18.5, 1e-5);
  EXPECT_NEAR(vars[2].data()[1], 26.5, 1e-5);
  EXPECT_NEAR(vars[3].data()[0], 25.0, 1e-5);
  EXPECT_NEAR(vars[3].data()[1], 20.0, 1e-5);
  EXPECT_EQ(vars[4].dims(), (std::vector<int64_t>{2, 2}));
  EXPECT_NEAR(vars[4].data()[0], 20.5556, 1e-4);
  EXPECT_NEAR(vars[4].data()[3], 23.5556, 1e-4);
  // test_correctness_with_golden (relative_step=false changes nothing: Keras caps the step at 1/sqrt(t) anyway).
  optimizers::Adafactor golden(0.5, beta_2_decay = -0.65, epsilon_1 = 1e-15, epsilon_2 = 1e-4, clip_threshold = 0.9,
                               relative_step = false);
  check_golden(golden,
               {{0.55},
                {0.3031, 0.3026, 0.3025, 0.3024, 0.3024, 0.3024, 0.3024, 0.3024, 0.3024, 0.3024},
                {0.1671, 0.1665, 0.1663, 0.1663, 0.1663, 0.1663, 0.1663, 0.1663, 0.1663, 0.1663},
                {0.0923, 0.0916, 0.0915, 0.0914, 0.0914, 0.0914, 0.0914, 0.0914, 0.0914, 0.0914},
                {0.0554, 0.0548, 0.0546, 0.0546, 0.0546, 0.0546, 0.0546, 0.0545, 0.0545, 0.0545}});
}

TEST(OptimizerAdafactor, MatchesFormulaInDoubleForRank3) {
  // Keras's update_step written out for a (2, 2, 3) variable: one (r, c) pair per leading index, three steps, with
  // weight decay and a clip threshold that bites.
  const std::vector<int64_t> dims{2, 2, 3};
  const size_t n = 12;
  const double lr = 0.3, decay_rate = -0.8, eps1 = 1e-30, eps2 = 1e-3, clip = 0.5, wd = 0.01;
  optimizers::Adafactor opt(lr, clip_threshold = clip, weight_decay = wd);
  Vec w = initial_weights(n), r(4, 0.0), c(6, 0.0), v(n, 0.0);
  auto var = shaped_variable(w, dims);
  const auto gs = gradient_sequence(n, 3);
  for (int step = 0; step < 3; ++step) {
    const Vec& g = gs[static_cast<size_t>(step)];
    set_shaped_grad(*var, g);
    opt.apply_gradients({var});
    const double t = step + 1, lr32 = f(lr);
    for (double& x : w) x -= x * wd * lr32;
    double sq = 0;
    for (double x : w) sq += x * x;
    const double alpha = std::max(eps2, std::sqrt(sq / n)) * std::min(lr32, 1 / std::sqrt(t));
    const double beta = 1 - std::pow(t, decay_rate);
    for (size_t b = 0; b < 2; ++b) {
      for (size_t row = 0; row < 2; ++row) {
        double mean = 0;
        for (size_t col = 0; col < 3; ++col) mean += (g[b * 6 + row * 3 + col] * g[b * 6 + row * 3 + col] + eps1) / 3;
        r[b * 2 + row] = beta * r[b * 2 + row] + (1 - beta) * mean;
      }
      for (size_t col = 0; col < 3; ++col) {
        double mean = 0;
        for (size_t row = 0; row < 2; ++row) mean += (g[b * 6 + row * 3 + col] * g[b * 6 + row * 3 + col] + eps1) / 2;
        c[b * 3 + col] = beta * c[b * 3 + col] + (1 - beta) * mean;
      }
      const double r_mean = (r[b * 2] + r[b * 2 + 1]) / 2;
      for (size_t row = 0; row < 2; ++row)
        for (size_t col = 0; col < 3; ++col) v[b * 6 + row * 3 + col] = r[b * 2 + row] / r_mean * c[b * 3 + col];
    }
    double u_sq = 0;
    for (size_t i = 0; i < n; ++i) u_sq += g[i] * g[i] / v[i];
    const double scale = alpha / std::max(1.0, std::sqrt(u_sq / n) / clip);
    for (size_t i = 0; i < n; ++i) {
      w[i] -= scale * g[i] / std::sqrt(v[i]);
      EXPECT_NEAR(var->value.data()[i], w[i], 2e-5 * std::max(1.0, std::abs(w[i]))) << "step " << step << " " << i;
    }
  }
  const auto vars = opt.variables();  // iteration, learning_rate, r (2, 2), c (2, 3), v (2, 2, 3)
  ASSERT_EQ(vars.size(), 5u);
  EXPECT_EQ(vars[2].dims(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(vars[3].dims(), (std::vector<int64_t>{2, 3}));
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(vars[2].data()[i], r[i], 1e-5 * std::max(1.0, r[i]));
}

TEST(OptimizerAdafactor, WeightDecayConfigAndGet) {
  // adafactor_test.py test_weight_decay: a zero gradient leaves only the decay, w * (1 - 0.004)^3.
  optimizers::Adafactor opt(1.0, weight_decay = 0.004);
  auto w = make_variable({2.0});
  auto scalar = std::make_shared<Variable>();
  scalar->value = Tensor::scalar(2.0f);
  for (int i = 0; i < 3; ++i) {
    set_grad(*w, {0.0});
    scalar->grad = Tensor::scalar(0.0f);
    opt.apply_gradients({w, scalar});
  }
  EXPECT_NEAR(w->value.data()[0], 1.9760959, 1e-6);
  EXPECT_NEAR(scalar->value.item(), 1.9760959, 1e-6);
  // A variable of rank < 2 gets Keras's two placeholder scalars before its v.
  const auto vars = opt.variables();
  ASSERT_EQ(vars.size(), 2u + 3u + 3u);
  EXPECT_EQ(vars[2].ndim(), 0);
  EXPECT_EQ(vars[3].ndim(), 0);
  EXPECT_EQ(vars[4].dims(), (std::vector<int64_t>{1}));

  optimizers::Adafactor defaults;
  EXPECT_EQ(defaults.name(), "adafactor");
  EXPECT_FLOAT_EQ(defaults.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(defaults.beta_2_decay(), -0.8);
  EXPECT_DOUBLE_EQ(defaults.epsilon_1(), 1e-30);
  EXPECT_DOUBLE_EQ(defaults.epsilon_2(), 1e-3);
  EXPECT_DOUBLE_EQ(defaults.clip_threshold(), 1.0);
  EXPECT_TRUE(defaults.relative_step());
  optimizers::Adafactor custom(0.5, beta_2_decay = -0.65, epsilon_1 = 1e-15, epsilon_2 = 1e-4, clip_threshold = 0.9,
                               relative_step = false);
  optimizers::Adafactor again(custom.get_config());
  EXPECT_DOUBLE_EQ(again.beta_2_decay(), -0.65);
  EXPECT_DOUBLE_EQ(again.epsilon_1(), 1e-15);
  EXPECT_DOUBLE_EQ(again.clip_threshold(), 0.9);
  EXPECT_FALSE(again.relative_step());
  EXPECT_FLOAT_EQ(again.learning_rate(), 0.5);
  EXPECT_EQ(optimizers::get("adafactor")->class_name(), "Adafactor");
  EXPECT_EQ(optimizers::get("Adafactor")->name(), "adafactor");
}

// Lamb's reference: Adam's bias-corrected step scaled by ||w|| / ||update|| over the whole variable, decay first.
Rule lamb_rule(double b1, double b2, double eps, double wd, size_t n) {
  auto m = std::make_shared<Vec>(n, 0.0), v = std::make_shared<Vec>(n, 0.0);
  return [=](Vec& w, const Vec& g, int t, double lr) {
    const double c1 = 1 - std::pow(b1, t + 1), c2 = 1 - std::pow(b2, t + 1);
    Vec u(n);
    double w_sq = 0, u_sq = 0;
    for (size_t i = 0; i < n; ++i) {
      w[i] -= w[i] * wd * lr;
      (*m)[i] += (g[i] - (*m)[i]) * (1 - b1);
      (*v)[i] += (g[i] * g[i] - (*v)[i]) * (1 - b2);
      u[i] = ((*m)[i] / c1) / (std::sqrt((*v)[i] / c2) + eps);
      w_sq += w[i] * w[i];
      u_sq += u[i] * u[i];
    }
    const double ratio = w_sq > 0 && u_sq > 0 ? std::sqrt(w_sq) / std::sqrt(u_sq) : 1.0;
    for (size_t i = 0; i < n; ++i) w[i] -= ratio * lr * u[i];
  };
}

TEST(OptimizerLamb, KerasTestsAndFormula) {
  optimizers::Lamb defaults;
  EXPECT_FLOAT_EQ(defaults.learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(defaults.beta_1(), 0.9);
  EXPECT_DOUBLE_EQ(defaults.beta_2(), 0.999);
  EXPECT_DOUBLE_EQ(defaults.epsilon(), 1e-7);
  EXPECT_EQ(defaults.name(), "lamb");
  EXPECT_EQ(defaults.class_name(), "Lamb");
  // lamb_test.py test_single_step.
  optimizers::Lamb single(0.5);
  auto w = make_variable({1.0, 2.0, 3.0, 4.0});
  set_grad(*w, {1.0, 6.0, 7.0, 2.0});
  single.apply_gradients({w});
  const Vec keras_single = {-0.3693, 0.6306, 1.6306, 2.6306};  // to 4 decimals: assertAllClose(rtol=1e-4, atol=1e-4)
  for (size_t i = 0; i < keras_single.size(); ++i)
    EXPECT_NEAR(w->value.data()[i], keras_single[i], 1e-4 + 1e-4 * std::abs(keras_single[i])) << i;
  // lamb_test.py test_correctness_with_golden.
  optimizers::Lamb golden;
  check_golden(golden, {{0.999}, {0.9982}, {0.9974}, {0.9965}, {0.9955}});
  optimizers::Lamb opt(0.01);
  check_against(opt, lamb_rule(0.9, 0.999, 1e-7, 0.0, 5), "lamb");
  optimizers::Lamb custom(0.05, beta_1 = 0.5, beta_2 = 0.67, epsilon = 1e-5, weight_decay = 0.1);
  check_against(custom, lamb_rule(0.5, 0.67, 1e-5, 0.1, 5), "lamb custom");
  // Over the threading threshold, the norms are the whole variable's (a small rate: the trust ratio of weights up to
  // 17500 against unit updates makes each step about lr * 10^4).
  optimizers::Lamb large(1e-5);
  check_against(large, lamb_rule(0.9, 0.999, 1e-7, 0.0, 70001), "lamb large", 3, 70001);
}

TEST(OptimizerLion, MatchesFormula) {
  optimizers::Lion opt(0.01);
  check_against(opt, lion_rule(0.9, 0.99, 5), "lion");
  optimizers::Lion custom(0.02, beta_1 = 0.5, beta_2 = 0.9);
  check_against(custom, lion_rule(0.5, 0.9, 5), "lion custom");
}

TEST(OptimizerLargeVariable, ThreadedPathMatchesFormula) {
  // Over the threading threshold: the same rule, element by element.
  const size_t n = 70001;
  optimizers::Adam opt(0.1, amsgrad = true);
  Vec w(n), g(n);
  for (size_t i = 0; i < n; ++i) {
    w[i] = f(1.0 + 0.001 * static_cast<double>(i % 1000));
    g[i] = f(std::cos(0.01 * static_cast<double>(i)));
  }
  auto v = make_variable(w);
  Rule rule = adam_rule(0.9, 0.999, 1e-7, true, n);
  for (int t = 0; t < 3; ++t) {
    set_grad(*v, g);
    opt.apply_gradients({v});
    rule(w, g, t, 0.1);
  }
  expect_values_close(v->value, w, "large adam");
}

// ---------------------------------------------------------------------------------------------------------------
// Weight decay, clipping

TEST(OptimizerWeightDecay, AppliedBeforeTheRuleWithTheCurrentLearningRate) {
  optimizers::SGD opt(0.1, momentum = 0.5, weight_decay = 0.2);
  Rule plain = sgd_rule(0.5, false, 5);
  check_against(opt, [&](Vec& w, const Vec& g, int t, double lr) {
    for (double& x : w) x -= x * 0.2 * lr;
    plain(w, g, t, lr);
  }, "sgd weight decay");
}

TEST(OptimizerWeightDecay, KerasValuesAndExclusion) {
  // adam_test.py / sgd_test.py / lamb_test.py test_weight_decay: a zero gradient, lr 1.0, weight_decay 0.004 -> 1.9760959.
  for (std::shared_ptr<optimizers::Optimizer> opt :
       {std::shared_ptr<optimizers::Optimizer>(std::make_shared<optimizers::Adam>(1.0, weight_decay = 0.004)),
        std::shared_ptr<optimizers::Optimizer>(std::make_shared<optimizers::SGD>(1.0, weight_decay = 0.004)),
        std::shared_ptr<optimizers::Optimizer>(std::make_shared<optimizers::Lamb>(1.0, weight_decay = 0.004))}) {
    auto var1 = make_variable({2.0}, "kernel");
    auto var2 = make_variable({2.0}, "exclude");
    set_grad(*var1, {0.0});
    set_grad(*var2, {0.0});
    opt->exclude_from_weight_decay({"exclude"});
    opt->apply_gradients({var1, var2});
    EXPECT_NEAR(var1->value.item(), 2.0 - 2.0 * 0.004, 1e-6);
    EXPECT_NEAR(var2->value.item(), 2.0, 1e-7);
    // Keras's test steps var1 three times in all (optimizer_1, _2 and _3): 2 * 0.996^3.
    opt->apply_gradients({var1, var2});
    opt->apply_gradients({var1, var2});
    EXPECT_NEAR(var1->value.item(), 1.9760959, 1e-6);
    EXPECT_NEAR(var2->value.item(), 2.0, 1e-7);
  }
  // var_list=: excluded by identity.
  optimizers::Nadam by_list(1.0, weight_decay = 0.004);
  auto var3 = make_variable({2.0}, "kernel");
  auto var4 = make_variable({2.0}, "kernel");
  set_grad(*var3, {0.0});
  set_grad(*var4, {0.0});
  by_list.exclude_from_weight_decay(std::vector<VariablePtr>{var3});
  by_list.apply_gradients({var3, var4});
  EXPECT_NEAR(var3->value.item(), 2.0, 1e-7);
  EXPECT_NEAR(var4->value.item(), 1.992, 1e-6);
  optimizers::Adam built(weight_decay = 0.1);
  auto v = make_variable({1.0});
  set_grad(*v, {1.0});
  built.apply_gradients({v});
  EXPECT_THROW(built.exclude_from_weight_decay({"bias"}), ValueError);
}

TEST(OptimizerClipping, ClipnormPerVariable) {
  const double c = 0.5;
  optimizers::SGD opt(0.1, clipnorm = c);
  auto a = make_variable({1.0, 2.0});
  auto b = make_variable({3.0});
  set_grad(*a, {3.0, 4.0});  // norm 5 -> scaled to 0.5
  set_grad(*b, {0.25});      // norm 0.25 -> unchanged
  opt.apply_gradients({a, b});
  expect_values_close(a->value, {1.0 - 0.1 * 3.0 * c / 5.0, 2.0 - 0.1 * 4.0 * c / 5.0}, "clipnorm a");
  expect_values_close(b->value, {3.0 - 0.1 * 0.25}, "clipnorm b");
  // The variable's own gradient is not modified.
  EXPECT_EQ(a->grad.data()[0], 3.0f);
  // Keras's test_clip_norm: [100, 100] with clipnorm=1 -> [sqrt(2)/2, sqrt(2)/2].
  optimizers::SGD unit(1.0, clipnorm = 1.0);
  auto u = make_variable({0.0, 0.0});
  set_grad(*u, {100.0, 100.0});
  unit.apply_gradients({u});
  EXPECT_NEAR(u->value.data()[0], -std::sqrt(2.0) / 2, 1e-6);
  EXPECT_NEAR(u->value.data()[1], -std::sqrt(2.0) / 2, 1e-6);
}

TEST(OptimizerClipping, GlobalClipnormOverAllGradients) {
  optimizers::SGD opt(0.1, global_clipnorm = 1.0);
  auto a = make_variable({1.0, 2.0});
  auto b = make_variable({3.0});
  set_grad(*a, {3.0, 4.0});
  set_grad(*b, {12.0});  // global norm 13
  opt.apply_gradients({a, b});
  expect_values_close(a->value, {1.0 - 0.1 * 3.0 / 13.0, 2.0 - 0.1 * 4.0 / 13.0}, "global a");
  expect_values_close(b->value, {3.0 - 0.1 * 12.0 / 13.0}, "global b");
  // Below the threshold nothing changes.
  optimizers::SGD loose(0.1, global_clipnorm = 100.0);
  auto c = make_variable({1.0});
  set_grad(*c, {2.0});
  loose.apply_gradients({c});
  expect_values_close(c->value, {0.8}, "global loose");
}

TEST(OptimizerClipping, ClipvalueElementwise) {
  optimizers::SGD opt(1.0, clipvalue = 1.0);
  auto a = make_variable({1.0, 2.0, 3.0, 4.0});
  set_grad(*a, {100.0, -100.0, 0.5, -0.25});
  opt.apply_gradients({a});
  expect_values_close(a->value, {0.0, 3.0, 2.5, 4.25}, "clipvalue");
  // With Adam the clipped gradient is what the moments see.
  optimizers::Adam adam(0.1, clipvalue = 0.5);
  Rule rule = adam_rule(0.9, 0.999, 1e-7, false, 5);
  check_against(adam, [&](Vec& w, const Vec& g, int t, double lr) {
    Vec clipped = g;
    for (double& x : clipped) x = std::clamp(x, -0.5, 0.5);
    rule(w, clipped, t, lr);
  }, "adam clipvalue");
}

// ---------------------------------------------------------------------------------------------------------------
// Learning rate, schedules, iterations, variables

TEST(OptimizerLearningRate, SetLearningRateAppliesToTheNextStep) {
  optimizers::SGD opt(0.1);
  auto v = make_variable({1.0});
  set_grad(*v, {1.0});
  opt.apply_gradients({v});
  opt.set_learning_rate(0.5);
  EXPECT_FLOAT_EQ(opt.learning_rate(), 0.5);
  opt.apply_gradients({v});
  EXPECT_NEAR(v->value.item(), 1.0 - 0.1 - 0.5, 1e-6);
  EXPECT_EQ(opt.variables()[1].item(), 0.5f);
}

TEST(OptimizerLearningRate, ScheduleEvaluatedAtIterations) {
  optimizers::schedules::ExponentialDecay schedule(0.1, 2, 0.5);
  optimizers::SGD opt(learning_rate = schedule, momentum = 0.9);
  EXPECT_FLOAT_EQ(opt.learning_rate(), 0.1);
  check_against(opt, sgd_rule(0.9, false, 5), "sgd schedule", 6, 5, [&](int t) { return schedule(t); });
  EXPECT_FLOAT_EQ(opt.learning_rate(), 0.1 * std::pow(0.5, 3.0));
  // Positional schedule; Adam with a staircase schedule.
  optimizers::Adam adam(optimizers::schedules::ExponentialDecay(0.1, 2, 0.5, true));
  optimizers::schedules::ExponentialDecay stairs(initial_learning_rate = 0.1, decay_steps = 2, decay_rate = 0.5,
                                                 staircase = true);
  check_against(adam, adam_rule(0.9, 0.999, 1e-7, false, 5), "adam schedule", 6, 5,
                [&](int t) { return stairs(t); });
  // A schedule's learning rate is not settable (Keras raises TypeError) and is not an optimizer variable.
  try {
    opt.set_learning_rate(0.01);
    FAIL();
  } catch (const TypeError& e) {
    EXPECT_THAT(e.message(), StartsWith("This optimizer was created with a `LearningRateSchedule` object"));
  }
  EXPECT_EQ(opt.variables().size(), 2u);  // iteration + one momentum, no learning_rate
  ASSERT_TRUE(opt.learning_rate_schedule());
  EXPECT_EQ(opt.learning_rate_schedule()->class_name(), "ExponentialDecay");
}

TEST(OptimizerIterations, CountStepsAndSkipEmptyLists) {
  optimizers::Adam opt;
  EXPECT_EQ(opt.iterations(), 0);
  opt.apply_gradients({});
  EXPECT_EQ(opt.iterations(), 0);
  EXPECT_FALSE(opt.built());
  auto v = make_variable({1.0, 2.0});
  for (int i = 0; i < 3; ++i) {
    set_grad(*v, {0.1, 0.2});
    opt.apply_gradients({v});
  }
  EXPECT_EQ(opt.iterations(), 3);
  EXPECT_EQ(opt.variables()[0].item(), 3.0f);
}

TEST(OptimizerVariables, CountsAndKerasOrder) {
  auto kernel = make_variable({1, 2, 3, 4, 5, 6}, "kernel");
  auto bias = make_variable({0.5, 0.5, 0.5}, "bias");
  auto step = [&](optimizers::Optimizer& opt) {
    set_grad(*kernel, {1, 1, 1, 1, 1, 1});
    set_grad(*bias, {2, 2, 2});
    opt.apply_gradients({kernel, bias});
  };
  struct Expect {
    std::shared_ptr<optimizers::Optimizer> opt;
    size_t variables;
    int64_t params;
  };
  const int64_t n = 9;
  std::vector<Expect> cases = {
      {std::make_shared<optimizers::SGD>(), 2, 2},
      {std::make_shared<optimizers::SGD>(momentum = 0.9), 4, 2 + n},
      {std::make_shared<optimizers::Adam>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::Adam>(amsgrad = true), 8, 2 + 3 * n},
      {std::make_shared<optimizers::AdamW>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::RMSprop>(), 4, 2 + n},
      {std::make_shared<optimizers::RMSprop>(momentum = 0.5, centered = true), 8, 2 + 3 * n},
      {std::make_shared<optimizers::Adagrad>(), 4, 2 + n},
      {std::make_shared<optimizers::Adadelta>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::Adamax>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::Nadam>(), 7, 2 + 2 * n + 1},
      {std::make_shared<optimizers::Lion>(), 4, 2 + n},
      {std::make_shared<optimizers::Lamb>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::Ftrl>(), 6, 2 + 2 * n},
      {std::make_shared<optimizers::Adam>(use_ema = true), 8, 2 + 3 * n},
  };
  for (auto& c : cases) {
    EXPECT_EQ(c.opt->count_params(), 2) << c.opt->name() << " before build";
    step(*c.opt);
    EXPECT_EQ(c.opt->variables().size(), c.variables) << c.opt->name();
    EXPECT_EQ(c.opt->count_params(), c.params) << c.opt->name();
  }
  // Adam: iteration, learning_rate, then (momentum, velocity) per variable, interleaved.
  optimizers::Adam adam(0.1);
  step(adam);
  auto vars = adam.variables();
  ASSERT_EQ(vars.size(), 6u);
  EXPECT_EQ(vars[2].size(), 6);  // kernel momentum
  EXPECT_EQ(vars[3].size(), 6);  // kernel velocity
  EXPECT_EQ(vars[4].size(), 3);  // bias momentum
  EXPECT_NEAR(vars[2].data()[0], 0.1, 1e-7);    // (1 - beta_1) * g
  EXPECT_NEAR(vars[3].data()[0], 0.001, 1e-9);  // (1 - beta_2) * g^2
  EXPECT_NEAR(vars[4].data()[0], 0.2, 1e-7);
  // RMSprop: all velocities, then all momentums, then all average gradients.
  optimizers::RMSprop rms(momentum = 0.5, centered = true);
  step(rms);
  vars = rms.variables();
  EXPECT_EQ(vars[2].size(), 6);
  EXPECT_EQ(vars[3].size(), 3);
  EXPECT_EQ(vars[4].size(), 6);
  EXPECT_EQ(vars[5].size(), 3);
  // Summary bytes: the int64 iteration counts 8 bytes, the rest float32.
  EXPECT_DOUBLE_EQ(adam.memory_size_bytes(), 8.0 + 4.0 * (2 * 9 + 1));
}

TEST(OptimizerVariables, SetVariablesRestoresState) {
  auto v1 = make_variable(initial_weights(4));
  auto v2 = make_variable(initial_weights(4));
  optimizers::Nadam a(0.1), b(0.1);
  const auto gs = gradient_sequence(4, 4);
  set_grad(*v1, gs[0]);
  a.apply_gradients({v1});
  EXPECT_THROW(b.set_variables(a.variables()), ValueError);  // b is not built
  b.ensure_built({v2});
  std::vector<Tensor> state;
  for (const Tensor& t : a.variables()) state.push_back(t.copy());
  b.set_variables(state);
  EXPECT_EQ(b.iterations(), 1);
  for (int t = 1; t < 4; ++t) {
    set_grad(*v1, gs[t]);
    set_grad(*v2, gs[t]);
    v2->value = v1->value.copy();
    a.apply_gradients({v1});
    b.apply_gradients({v2});
    for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(v1->value.data()[i], v2->value.data()[i]);
  }
}

TEST(OptimizerVariables, NewVariablesGetSlotsLater) {
  optimizers::Adam opt(0.1);
  auto a = make_variable({1.0, 2.0});
  set_grad(*a, {1.0, 1.0});
  opt.apply_gradients({a});
  EXPECT_EQ(opt.count_params(), 2 + 4);
  auto b = make_variable({3.0});
  set_grad(*b, {1.0});
  opt.apply_gradients({a, b});
  EXPECT_EQ(opt.count_params(), 2 + 4 + 2);
  // b's first step is a fresh Adam step at t = 2.
  const double alpha = 0.1 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
  const double m = 0.1, v = 0.001;
  EXPECT_NEAR(b->value.item(), 3.0 - alpha * m / (std::sqrt(v) + 1e-7), 1e-6);
  // A variable whose size changes starts over.
  a->value = Tensor({1.0f, 2.0f, 3.0f}, {3});
  a->grad = Tensor({1.0f, 1.0f, 1.0f}, {3});
  opt.apply_gradients({a});
  EXPECT_EQ(opt.count_params(), 2 + 6);
}

TEST(OptimizerGradients, MissingGradientsAreSkipped) {
  optimizers::SGD opt(0.1);
  auto a = make_variable({1.0});
  auto b = make_variable({2.0});
  set_grad(*a, {1.0});
  opt.apply_gradients({a, b});
  EXPECT_NEAR(a->value.item(), 0.9, 1e-7);
  EXPECT_EQ(b->value.item(), 2.0f);
  auto c = make_variable({1.0});
  try {
    opt.apply_gradients({c});
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "No gradients provided for any variable.");
  }
  auto d = make_variable({1.0, 2.0});
  d->grad = Tensor({1.0f}, {1});
  EXPECT_THROW(opt.apply_gradients({d}), ValueError);
}

TEST(OptimizerEMA, AveragesAndFinalize) {
  optimizers::SGD opt(0.1, use_ema = true, ema_momentum = 0.5);
  auto v = make_variable({1.0});
  double w = 1.0, avg = 0.0;
  for (int t = 0; t < 4; ++t) {
    set_grad(*v, {1.0});
    opt.apply_gradients({v});
    w -= 0.1;
    const double m = t == 0 ? 0.0 : 0.5;
    avg = m * avg + (1 - m) * w;
  }
  const auto vars = opt.variables();
  ASSERT_EQ(vars.size(), 3u);  // iteration, learning_rate, average
  EXPECT_NEAR(vars[2].item(), avg, 1e-6);
  opt.finalize_variable_values({v});
  EXPECT_NEAR(v->value.item(), avg, 1e-6);
}

TEST(OptimizerCopy, CopiesTrainIndependently) {
  optimizers::Adam a(0.1);
  auto v = make_variable({1.0, 2.0});
  set_grad(*v, {1.0, -1.0});
  a.apply_gradients({v});
  optimizers::Adam b = a;
  const float before = a.variables()[2].data()[0];
  b.apply_gradients({v});
  EXPECT_EQ(a.variables()[2].data()[0], before);
  EXPECT_EQ(a.iterations(), 1);
  EXPECT_EQ(b.iterations(), 2);
}

TEST(OptimizerConfig, KerasKeysAndValues) {
  optimizers::Adam opt(0.01, clipnorm = 1.0, beta_1 = 0.8);
  auto c = opt.get_config();
  const std::vector<std::string> keys = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                                         "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                                         "loss_scale_factor", "gradient_accumulation_steps", "beta_1", "beta_2",
                                         "epsilon", "amsgrad"};
  EXPECT_EQ(c.keys(), keys);
  EXPECT_EQ(*c.get<std::string>("name"), "adam");
  EXPECT_FLOAT_EQ(*c.get<double>("learning_rate"), 0.01);
  EXPECT_TRUE(c.is_none("weight_decay"));
  EXPECT_DOUBLE_EQ(*c.get<double>("clipnorm"), 1.0);
  EXPECT_DOUBLE_EQ(*c.get<double>("beta_1"), 0.8);
  EXPECT_FALSE(*c.get<bool>("amsgrad"));
  // The config makes an equal optimizer.
  optimizers::Adam again(c);
  EXPECT_DOUBLE_EQ(again.beta_1(), 0.8);
  EXPECT_FLOAT_EQ(again.learning_rate(), 0.01);
}

// ---------------------------------------------------------------------------------------------------------------
// get(), names()

TEST(OptimizerGet, NamesCaseInsensitiveAndObjects) {
  const std::vector<std::string> expected = {"adadelta", "adafactor", "adagrad", "adam",    "adamax", "adamw",
                                             "ftrl",     "lamb",      "lion",    "nadam",   "rmsprop", "sgd"};
  EXPECT_EQ(optimizers::names(), expected);
  for (const std::string& n : expected) {
    auto opt = optimizers::get(n);
    ASSERT_TRUE(opt) << n;
    std::string lower = opt->class_name();
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    EXPECT_EQ(lower, n);
  }
  EXPECT_EQ(optimizers::get("Adam")->class_name(), "Adam");
  EXPECT_EQ(optimizers::get("RMSprop")->class_name(), "RMSprop");
  EXPECT_EQ(optimizers::get("SGD")->class_name(), "SGD");
  EXPECT_FLOAT_EQ(optimizers::get("sgd")->learning_rate(), 0.01);
  EXPECT_FLOAT_EQ(optimizers::get("adagrad")->learning_rate(), 0.001);
  // An object is used as it is: the same one, not a copy of it.
  auto mine = std::make_shared<optimizers::Adam>(0.5);
  EXPECT_EQ(optimizers::get(OptimizerArg(mine)).get(), mine.get());
  OptimizerArg from_value = optimizers::Adam(learning_rate = 0.25);
  auto resolved = optimizers::get(from_value);
  EXPECT_EQ(resolved.get(), from_value.object.get());
  EXPECT_FLOAT_EQ(resolved->learning_rate(), 0.25);
  EXPECT_EQ(optimizers::get(OptimizerArg()), nullptr);
}

TEST(OptimizerGet, UnknownNameIsAValueErrorWithHint) {
  try {
    optimizers::get("adamm");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Could not interpret optimizer identifier: adamm");
    EXPECT_THAT(e.hint(), HasSubstr("did you mean \"adam\""));
    EXPECT_THAT(e.hint(), HasSubstr("\"rmsprop\""));
  }
  EXPECT_THROW(optimizers::get("muon"), NotImplementedError);
}

// ---------------------------------------------------------------------------------------------------------------
// Convergence: each optimizer minimises sum((w - c)^2).

TEST(OptimizerConvergence, MinimisesAQuadratic) {
  const Vec target = {1.5, -2.0, 0.25, 3.0};
  std::vector<std::pair<std::shared_ptr<optimizers::Optimizer>, int>> cases = {
      {std::make_shared<optimizers::SGD>(0.1), 200},
      {std::make_shared<optimizers::SGD>(0.05, momentum = 0.9, nesterov = true), 300},
      {std::make_shared<optimizers::Adam>(0.05), 1000},
      {std::make_shared<optimizers::AdamW>(0.05, weight_decay = 0.0), 1000},
      {std::make_shared<optimizers::RMSprop>(0.01), 1000},
      {std::make_shared<optimizers::Adagrad>(0.5), 1000},
      {std::make_shared<optimizers::Adadelta>(50.0), 2000},
      {std::make_shared<optimizers::Adamax>(0.05), 1000},
      {std::make_shared<optimizers::Nadam>(0.05), 1000},
      {std::make_shared<optimizers::Lion>(0.001), 5000},
      {std::make_shared<optimizers::Lamb>(0.005), 3000},
      {std::make_shared<optimizers::Ftrl>(0.5), 2000},
  };
  for (auto& [opt, steps] : cases) {
    auto v = make_variable({0.0, 0.0, 0.0, 0.0});
    for (int s = 0; s < steps; ++s) {
      Vec g(target.size());
      for (size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (v->value.data()[i] - target[i]);
      set_grad(*v, g);
      opt->apply_gradients({v});
    }
    for (size_t i = 0; i < target.size(); ++i)
      EXPECT_NEAR(v->value.data()[i], target[i], 0.02) << opt->class_name() << " element " << i;
  }
}

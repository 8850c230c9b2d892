#include "keras/regularizers/regularizers.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
double sum_sq(const Tensor& t) {
  double s = 0;
  for (float v : t.to_vector()) s += static_cast<double>(v) * v;
  return s;
}
double sum_abs(const Tensor& t) {
  double s = 0;
  for (float v : t.to_vector()) s += std::fabs(v);
  return s;
}

// Central differences of r.penalty at every entry of w, against r.add_gradient.
void expect_penalty_gradient(const regularizers::Regularizer& r, Tensor w, double tol = 1e-3) {
  Tensor g = Tensor::zeros(w.dims());
  r.add_gradient(w, g);
  const double eps = 1e-3;
  for (int64_t i = 0; i < w.size(); ++i) {
    const float saved = w.data()[i];
    w.data()[i] = static_cast<float>(saved + eps);
    const double plus = r.penalty(w);
    w.data()[i] = static_cast<float>(saved - eps);
    const double minus = r.penalty(w);
    w.data()[i] = saved;
    const double numeric = (plus - minus) / (2 * eps);
    EXPECT_NEAR(g.data()[i], numeric, tol * std::max(1.0, std::fabs(numeric))) << r.class_name() << " entry " << i;
  }
}

// Values not within 0.01 of 0, where |w| has its kink.
Tensor weights_off_kink(std::vector<int64_t> shape) {
  Tensor w = random::normal(std::move(shape));
  for (int64_t i = 0; i < w.size(); ++i)
    if (std::fabs(w.data()[i]) < 0.01f) w.data()[i] = 0.05f;
  return w;
}
}  // namespace

TEST(Regularizers, KerasDocstringExamples) {
  EXPECT_DOUBLE_EQ(regularizers::L2(2.0)(Tensor::ones({5, 5})), 50.0);
  // Dense(5, kernel_initializer="ones", kernel_regularizer=L1(0.01)) on 5 inputs: 0.01 * 25.
  layers::Dense d(5, input_dim = 5, kernel_initializer = "ones", kernel_regularizer = regularizers::L1(0.01));
  d(Tensor::ones({5, 5}) * 2.0f);
  EXPECT_NEAR(d.impl()->regularization_penalty(false), 0.25, 1e-9);
}

TEST(Regularizers, Formulas) {
  utils::set_random_seed(31);
  Tensor w = random::normal({4, 3});
  EXPECT_NEAR(regularizers::L1(0.3).penalty(w), 0.3 * sum_abs(w), 1e-9);
  EXPECT_NEAR(regularizers::L2(0.1).penalty(w), 0.1 * sum_sq(w), 1e-9);  // no 1/2
  EXPECT_NEAR(regularizers::L1L2(l1 = 0.01, l2 = 0.02).penalty(w), 0.01 * sum_abs(w) + 0.02 * sum_sq(w), 1e-9);
  EXPECT_NEAR(regularizers::L1L2(0.01, 0.02).penalty(w), 0.01 * sum_abs(w) + 0.02 * sum_sq(w), 1e-9);
  EXPECT_NEAR(regularizers::L1L2(l2 = 0.1).penalty(w), 0.1 * sum_sq(w), 1e-9);  // l1 defaults to 0
  EXPECT_DOUBLE_EQ(regularizers::L1L2().penalty(w), 0.0);
}

TEST(Regularizers, Defaults) {
  EXPECT_DOUBLE_EQ(regularizers::L1().l1(), 0.01);
  EXPECT_DOUBLE_EQ(regularizers::L2().l2(), 0.01);
  EXPECT_DOUBLE_EQ(regularizers::L2(l2 = None).l2(), 0.01);
  EXPECT_DOUBLE_EQ(regularizers::L1L2().l1(), 0.0);
  EXPECT_DOUBLE_EQ(regularizers::L1L2().l2(), 0.0);
  EXPECT_DOUBLE_EQ(regularizers::OrthogonalRegularizer().factor(), 0.01);
  EXPECT_EQ(regularizers::OrthogonalRegularizer().mode(), "rows");
  EXPECT_EQ(regularizers::L2(l2 = 0.5).get_config().get<double>("l2"), 0.5);
  EXPECT_EQ(regularizers::L1L2(0.1).get_config().get<double>("l1"), 0.1);
}

TEST(Regularizers, GetByName) {
  for (const char* n : {"l1", "L1"}) EXPECT_EQ(regularizers::get(n)->class_name(), "L1");
  for (const char* n : {"l2", "L2"}) EXPECT_EQ(regularizers::get(n)->class_name(), "L2");
  for (const char* n : {"l1_l2", "l1l2", "L1L2"}) EXPECT_EQ(regularizers::get(n)->class_name(), "L1L2");
  for (const char* n : {"orthogonal_regularizer", "OrthogonalRegularizer"})
    EXPECT_EQ(regularizers::get(n)->class_name(), "OrthogonalRegularizer");
  EXPECT_DOUBLE_EQ(dynamic_cast<const regularizers::L2&>(*regularizers::get("l2")).l2(), 0.01);
  auto l1l2 = std::dynamic_pointer_cast<const regularizers::L1L2>(regularizers::get("l1_l2"));
  EXPECT_DOUBLE_EQ(l1l2->l1(), 0.01);  // the string's documented defaults
  EXPECT_DOUBLE_EQ(l1l2->l2(), 0.01);
  EXPECT_EQ(regularizers::get(RegularizerArg()), nullptr);
  EXPECT_EQ(regularizers::get(regularizers::L2(0.3))->class_name(), "L2");
  EXPECT_THROW_WITH(regularizers::get("l3"), "Could not interpret regularizer identifier: l3", "Hint:", "\"l1\"",
                    "\"l1_l2\"", "\"l2\"", "\"orthogonal_regularizer\"");
  kw::Kwargs cfg;
  cfg.set("l2", 0.25);
  EXPECT_DOUBLE_EQ(dynamic_cast<const regularizers::L2&>(*regularizers::deserialize("L2", cfg)).l2(), 0.25);
}

TEST(Regularizers, InvalidFactors) {
  EXPECT_THROW_WITH(regularizers::L2(-0.1), "Invalid value for argument l2: expected a non-negative float.",
                    "Received: l2=-0.1", "Hint:");
  EXPECT_THROW_WITH(regularizers::L1(l1 = -1.0), "Invalid value for argument l1", "Received: l1=-1.0", "Hint:");
  EXPECT_THROW_WITH(regularizers::L1L2(0.1, std::nan("")), "Invalid value for argument l2", "Received: l2=nan");
  EXPECT_THROW_WITH(regularizers::OrthogonalRegularizer(factor = -0.5), "Invalid value for argument factor");
  EXPECT_THROW_WITH(regularizers::OrthogonalRegularizer(0.01, mode = "diagonal"),
                    "Invalid value for argument `mode`. Expected one of {\"rows\", \"columns\"}. Received: "
                    "mode=diagonal",
                    "Hint:");
}

TEST(Regularizers, GradientsMatchNumerical) {
  utils::set_random_seed(32);
  Tensor w = weights_off_kink({5, 4});
  expect_penalty_gradient(regularizers::L1(0.3), w);
  expect_penalty_gradient(regularizers::L2(0.7), w);
  expect_penalty_gradient(regularizers::L1L2(0.2, 0.4), w);
  expect_penalty_gradient(regularizers::OrthogonalRegularizer(0.5), w, 5e-3);
  expect_penalty_gradient(regularizers::OrthogonalRegularizer(0.5, mode = "columns"), w, 5e-3);
  // add_gradient accumulates.
  Tensor g = Tensor::ones(w.dims());
  regularizers::L2(0.5).add_gradient(w, g);
  for (int64_t i = 0; i < w.size(); ++i) EXPECT_NEAR(g.data()[i], 1.0f + w.data()[i], 1e-6);
}

TEST(Regularizers, Orthogonal) {
  // Orthogonal rows: no penalty; identical rows: factor (mean |cos| over pairs is 1).
  Tensor eye({1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
  EXPECT_NEAR(regularizers::OrthogonalRegularizer(0.1).penalty(eye), 0.0, 1e-9);
  Tensor same({1, 2, 1, 2, 1, 2}, {3, 2});
  EXPECT_NEAR(regularizers::OrthogonalRegularizer(0.1).penalty(same), 0.1, 1e-6);
  // Columns of `same`: (1,1,1) and (2,2,2) are parallel too.
  EXPECT_NEAR(regularizers::OrthogonalRegularizer(0.1, mode = "columns").penalty(same), 0.1, 1e-6);
  // Rows (1,0), (1,1): cos = 1/sqrt(2); one pair.
  Tensor two({1, 0, 1, 1}, {2, 2});
  EXPECT_NEAR(regularizers::OrthogonalRegularizer(1.0).penalty(two), 1.0 / std::sqrt(2.0), 1e-6);
  EXPECT_THROW_WITH(regularizers::OrthogonalRegularizer().penalty(Tensor::ones({2, 3, 4})),
                    "Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=(2, 3, 4)", "Hint:");
}

// ---- Dense with kernel_regularizer / bias_regularizer --------------------------------------------------------

TEST(DenseRegularizers, PenaltyAndGradient) {
  utils::set_random_seed(33);
  layers::Dense d(3, kernel_regularizer = regularizers::L2(0.1), bias_initializer = "ones");
  EXPECT_DOUBLE_EQ(d.impl()->regularization_penalty(false), 0.0);  // nothing built yet
  d(random::normal({2, 4}));
  const Tensor w = d.get_weights()[0];
  EXPECT_NEAR(d.impl()->regularization_penalty(false), 0.1 * sum_sq(w), 1e-6);
  auto kernel = d.impl()->own_variables()[0];
  auto bias = d.impl()->own_variables()[1];
  kernel->grad = Tensor();
  bias->grad = Tensor();
  EXPECT_NEAR(d.impl()->regularization_penalty(true), 0.1 * sum_sq(w), 1e-6);
  ASSERT_TRUE(kernel->grad.defined());
  for (int64_t i = 0; i < w.size(); ++i) EXPECT_NEAR(kernel->grad.data()[i], 0.2 * w.data()[i], 1e-6);
  EXPECT_FALSE(bias->grad.defined());  // no bias regularizer: the bias gradient is untouched

  layers::Dense both(2, kernel_regularizer = "l1", bias_regularizer = regularizers::L2(0.5), bias_initializer = "ones");
  both(random::normal({1, 3}));
  const auto ws = both.get_weights();
  EXPECT_NEAR(both.impl()->regularization_penalty(false), 0.01 * sum_abs(ws[0]) + 0.5 * 2.0, 1e-6);

  layers::Dense plain(2, kernel_regularizer = None, bias_regularizer = None);
  plain(random::normal({1, 3}));
  EXPECT_DOUBLE_EQ(plain.impl()->regularization_penalty(true), 0.0);

  // A frozen layer adds nothing (Keras's layer.losses covers trainable weights).
  d.set_trainable(false);
  EXPECT_DOUBLE_EQ(d.impl()->regularization_penalty(false), 0.0);
}

TEST(DenseRegularizers, PenaltyGradientMatchesNumerical) {
  utils::set_random_seed(37);
  layers::Dense d(3, kernel_regularizer = regularizers::OrthogonalRegularizer(0.3),
                  bias_regularizer = regularizers::L1L2(0.1, 0.2), bias_initializer = initializers::Constant(0.4));
  d(random::normal({2, 4}));
  auto& impl = *d.impl();
  for (const auto& v : impl.own_variables()) v->grad = Tensor();
  impl.regularization_penalty(true);
  for (const auto& v : impl.own_variables()) {
    SCOPED_TRACE(v->name);
    ASSERT_TRUE(v->grad.defined());
    for (int64_t i = 0; i < v->value.size(); ++i) {
      float& w = v->value.data()[i];
      const float saved = w;
      w = saved + 1e-3f;
      const double plus = impl.regularization_penalty(false);
      w = saved - 1e-3f;
      const double minus = impl.regularization_penalty(false);
      w = saved;
      EXPECT_NEAR(v->grad.data()[i], (plus - minus) / 2e-3, 5e-3);
    }
  }
}

TEST(DenseRegularizers, EvaluateReportsLossPlusPenalty) {
  utils::set_random_seed(34);
  Tensor x = random::normal({16, 4});
  Tensor y = random::normal({16, 3});
  Sequential model({Input({4}), layers::Dense(3, kernel_regularizer = regularizers::L2(0.1),
                                              bias_regularizer = regularizers::L1(0.2),
                                              bias_initializer = initializers::Constant(0.5))});
  model.compile(optimizer = "sgd", loss = "mse");
  const Tensor p = model.predict(x, verbose = 0);
  double mse = 0;
  for (int64_t i = 0; i < p.size(); ++i) mse += std::pow(static_cast<double>(p.data()[i]) - y.data()[i], 2);
  mse /= static_cast<double>(p.size());
  const auto w = model.get_weights();
  const double penalty = 0.1 * sum_sq(w[0]) + 0.2 * sum_abs(w[1]);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0)[0], mse + penalty, 1e-4);
  EXPECT_NEAR(model.evaluate(x, y, batch_size = 5, verbose = 0)[0], mse + penalty, 1e-4);

  // One full-batch SGD step: the update includes the penalty's gradient, and the reported loss includes it.
  const double lr = 0.01;
  model.compile(optimizer = optimizers::SGD(learning_rate = lr), loss = "mse");
  History h = model.fit(x, y, epochs = 1, batch_size = 16, verbose = 0);
  EXPECT_NEAR(h.history.at("loss")[0], mse + penalty, 1e-4);
  // Expected kernel: W - lr * (dMSE/dW + 0.2 W), with dMSE/dW = X^T (2 (P - Y) / (N * 3)).
  const auto w2 = model.get_weights();
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      double g = 0;
      for (int64_t n = 0; n < 16; ++n) g += x.at({n, i}) * 2.0 * (p.at({n, j}) - y.at({n, j})) / (16.0 * 3.0);
      g += 0.2 * w[0].at({i, j});
      EXPECT_NEAR(w2[0].at({i, j}), w[0].at({i, j}) - lr * g, 1e-5);
    }
}

TEST(DenseRegularizers, TrainingShrinksTheKernel) {
  utils::set_random_seed(35);
  Tensor x = random::normal({64, 8});
  Tensor y = Tensor::zeros({64, 1});
  auto kernel_norm = [&](double l2) {
    utils::set_random_seed(36);
    Sequential m({Input({8}), layers::Dense(1, kernel_regularizer = regularizers::L2(l2),
                                            kernel_initializer = "ones")});
    m.compile(optimizer = optimizers::SGD(learning_rate = 0.01), loss = "mse");
    m.fit(x, y, epochs = 5, batch_size = 64, verbose = 0);
    return sum_sq(m.get_weights()[0]);
  };
  EXPECT_LT(kernel_norm(1.0), kernel_norm(0.0));
}

TEST(DenseRegularizers, ConfigKeepsTheRegularizers) {
  layers::Dense d(2, kernel_regularizer = regularizers::L2(0.3));
  Layer copy = layers::from_config("Dense", d.impl()->config());
  copy(Tensor::ones({1, 2}));
  copy.set_weights({Tensor::ones({2, 2}), Tensor::zeros({2})});
  EXPECT_NEAR(copy.impl()->regularization_penalty(false), 0.3 * 4, 1e-6);
}

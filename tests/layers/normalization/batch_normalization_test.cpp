#include "keras/layers/normalization/batch_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::to_doubles;

namespace {

// Channel index of flat element k for a tensor of dims around axis ax.
int64_t channel_of(int64_t k, const std::vector<int64_t>& dims, int ax) {
  int64_t inner = 1;
  for (size_t i = static_cast<size_t>(ax) + 1; i < dims.size(); ++i) inner *= dims[i];
  return (k / inner) % dims[static_cast<size_t>(ax)];
}

struct Moments {
  std::vector<double> mean, var;
};

Moments moments(const Tensor& x, int ax) {
  int64_t C = x.dims()[static_cast<size_t>(ax)];
  Moments m{std::vector<double>(static_cast<size_t>(C), 0.0), std::vector<double>(static_cast<size_t>(C), 0.0)};
  std::vector<double> n(static_cast<size_t>(C), 0.0);
  for (int64_t k = 0; k < x.size(); ++k) {
    auto c = static_cast<size_t>(channel_of(k, x.dims(), ax));
    m.mean[c] += x.data()[k];
    n[c] += 1;
  }
  for (size_t c = 0; c < n.size(); ++c) m.mean[c] /= n[c];
  for (int64_t k = 0; k < x.size(); ++k) {
    auto c = static_cast<size_t>(channel_of(k, x.dims(), ax));
    double d = x.data()[k] - m.mean[c];
    m.var[c] += d * d;
  }
  for (size_t c = 0; c < n.size(); ++c) m.var[c] /= n[c];
  return m;
}

// gamma * (x - mean) / sqrt(var + eps) + beta, in double.
void expect_normalized(const Tensor& y, const Tensor& x, int ax, const std::vector<double>& mean,
                       const std::vector<double>& var, const std::vector<double>& gamma,
                       const std::vector<double>& beta, double eps, double tol = 1e-4) {
  ASSERT_EQ(y.dims(), x.dims());
  for (int64_t k = 0; k < x.size(); ++k) {
    auto c = static_cast<size_t>(channel_of(k, x.dims(), ax));
    double want = gamma[c] * (x.data()[k] - mean[c]) / std::sqrt(var[c] + eps) + beta[c];
    ASSERT_NEAR(y.data()[k], want, tol * std::max(1.0, std::fabs(want))) << "element " << k;
  }
}

Tensor shifted_normal(std::vector<int64_t> dims, float shift, float scale) {
  Tensor t = random::normal(std::move(dims));
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = t.data()[i] * scale + shift;
  return t;
}

}  // namespace

TEST(BatchNormalization, DefaultsWeightsAndOrder) {
  utils::clear_session();
  layers::BatchNormalization bn;
  EXPECT_EQ(bn.name(), "batch_normalization");
  EXPECT_EQ(layers::BatchNormalization().name(), "batch_normalization_1");
  EXPECT_FALSE(bn.built());
  Tensor y = bn(random::normal({4, 3}));
  EXPECT_EQ(y.shape(), (Shape{4, 3}));
  auto vars = bn.impl()->variables();
  ASSERT_EQ(vars.size(), 4u);
  const char* names[] = {"gamma", "beta", "moving_mean", "moving_variance"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(vars[i]->name, names[i]);
    EXPECT_EQ(vars[i]->value.shape(), (Shape{3}));
    EXPECT_EQ(vars[i]->trainable, i < 2);
  }
  EXPECT_EQ(bn.count_params(), 12);
  auto tw = bn.trainable_weights();
  auto ntw = bn.non_trainable_weights();
  ASSERT_EQ(tw.size(), 2u);
  ASSERT_EQ(ntw.size(), 2u);
  EXPECT_TRUE(allclose(tw[0], Tensor::ones({3})));    // gamma
  EXPECT_TRUE(allclose(tw[1], Tensor::zeros({3})));   // beta
  EXPECT_TRUE(allclose(ntw[0], Tensor::zeros({3})));  // moving_mean
  EXPECT_TRUE(allclose(ntw[1], Tensor::ones({3})));   // moving_variance
  EXPECT_TRUE(allclose(bn.moving_mean(), Tensor::zeros({3})));
  EXPECT_TRUE(allclose(bn.moving_variance(), Tensor::ones({3})));
  // Keras's InputSpec after build: ndim and the channel axis.
  ASSERT_EQ(bn.impl()->input_spec.size(), 1u);
  EXPECT_EQ(bn.impl()->input_spec[0].ndim, 2);
  EXPECT_EQ(bn.impl()->input_spec[0].axes.at(-1), 3);
  EXPECT_TRUE(layers::is_registered("BatchNormalization"));
  EXPECT_EQ(layers::from_config("BatchNormalization", {}).class_name(), "BatchNormalization");
}

TEST(BatchNormalization, InferenceUsesMovingStatistics) {
  utils::set_random_seed(3);
  layers::BatchNormalization bn(epsilon = 0.01);
  Tensor x = shifted_normal({5, 4}, 2.0f, 3.0f);
  bn(x);
  std::vector<double> gamma{0.5, 2.0, -1.0, 1.5}, beta{0.1, -0.2, 0.3, 0.0}, mm{1.0, 2.0, -1.0, 0.5},
      mv{0.5, 4.0, 2.0, 1.0};
  auto t = [](const std::vector<double>& v) { return Tensor(std::vector<float>(v.begin(), v.end()), {4}); };
  bn.set_weights({t(gamma), t(beta), t(mm), t(mv)});
  expect_normalized(bn(x), x, 1, mm, mv, gamma, beta, 0.01);
  // A training call of a frozen layer (trainable=false) is an inference call, as in Keras, and keeps the statistics.
  bn.set_trainable(false);
  expect_normalized(bn.impl()->call_eager({x}, true).at(0), x, 1, mm, mv, gamma, beta, 0.01);
  EXPECT_EQ(to_doubles(bn.moving_mean()), mm);
}

TEST(BatchNormalization, TrainingUsesBatchStatisticsAndUpdatesMovingOnes) {
  utils::set_random_seed(4);
  layers::BatchNormalization bn(momentum = 0.9);
  std::vector<double> mm(3, 0.0), mv(3, 1.0);
  for (int step = 0; step < 5; ++step) {
    Tensor x = shifted_normal({8, 3}, static_cast<float>(step), 1.0f + static_cast<float>(step));
    Tensor y = bn.impl()->call_eager({x}, true).at(0);
    Moments m = moments(x, 1);
    expect_normalized(y, x, 1, m.mean, m.var, {1, 1, 1}, {0, 0, 0}, 1e-3);
    for (size_t c = 0; c < 3; ++c) {
      mm[c] = mm[c] * 0.9 + m.mean[c] * 0.1;
      mv[c] = mv[c] * 0.9 + m.var[c] * 0.1;  // the biased batch variance, as Keras
    }
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_NEAR(bn.moving_mean().data()[c], mm[c], 1e-5);
      EXPECT_NEAR(bn.moving_variance().data()[c], mv[c], 1e-5);
    }
  }
  // Inference after training uses the moving statistics.
  Tensor x = random::normal({2, 3});
  expect_normalized(bn(x), x, 1, mm, mv, {1, 1, 1}, {0, 0, 0}, 1e-3);
}

TEST(BatchNormalization, DefaultMomentumIs099) {
  layers::BatchNormalization bn;
  Tensor x({1, 3, 5, 7}, {4, 1});
  bn.impl()->call_eager({x}, true);
  EXPECT_NEAR(bn.moving_mean().item(), 0.01 * 4.0, 1e-6);
  EXPECT_NEAR(bn.moving_variance().item(), 0.99 + 0.01 * 5.0, 1e-6);
}

TEST(BatchNormalization, ChannelsFirstAxisAndHigherRanks) {
  utils::set_random_seed(5);
  // axis=1 on (N, C, H, W): per-channel statistics over N, H and W.
  layers::BatchNormalization bn(axis = 1, momentum = 0.5);
  Tensor x = shifted_normal({3, 4, 2, 5}, 1.0f, 2.0f);
  Tensor y = bn.impl()->call_eager({x}, true).at(0);
  Moments m = moments(x, 1);
  expect_normalized(y, x, 1, m.mean, m.var, {1, 1, 1, 1}, {0, 0, 0, 0}, 1e-3);
  EXPECT_EQ(bn.get_weights()[0].shape(), (Shape{4}));
  for (size_t c = 0; c < 4; ++c) EXPECT_NEAR(bn.moving_mean().data()[c], 0.5 * m.mean[c], 1e-5);
  // axis=-1 on (N, T, C).
  layers::BatchNormalization last;
  Tensor z = random::normal({2, 6, 3});
  Moments mz = moments(z, 2);
  expect_normalized(last.impl()->call_eager({z}, true).at(0), z, 2, mz.mean, mz.var, {1, 1, 1}, {0, 0, 0}, 1e-3);
  // The positional argument is axis, as in Keras.
  layers::BatchNormalization positional(1);
  EXPECT_EQ(positional(Tensor::zeros({2, 5, 3})).shape(), (Shape{2, 5, 3}));
  EXPECT_EQ(positional.get_weights()[0].shape(), (Shape{5}));
}

TEST(BatchNormalization, LargeInputsMatchTheFormula) {
  // Big enough for the multithreaded loops.
  utils::set_random_seed(6);
  for (int ax : {-1, 1}) {
    SCOPED_TRACE(ax);
    layers::BatchNormalization bn(axis = ax);
    Tensor x = shifted_normal({64, 32, 40}, 5.0f, 3.0f);
    Tensor y = bn.impl()->call_eager({x}, true).at(0);
    int a = ax < 0 ? 2 : 1;
    Moments m = moments(x, a);
    int64_t C = x.dims()[static_cast<size_t>(a)];
    expect_normalized(y, x, a, m.mean, m.var, std::vector<double>(static_cast<size_t>(C), 1.0),
                      std::vector<double>(static_cast<size_t>(C), 0.0), 1e-3, 2e-4);
  }
}

TEST(BatchNormalization, BatchStatisticsFarFromZero) {
  // A mean 10^5 times the spread, over 60001 rows (many blocks, both threads, a ragged end). With momentum 0 the
  // moving statistics are the batch's, stored in float: the mean must be the float nearest the data's, and the
  // variance (1e-4, what a sum of squares in float would lose entirely) must match the double reference.
  utils::set_random_seed(21);
  layers::BatchNormalization bn(momentum = 0.0);
  Tensor x = shifted_normal({60001, 3}, 1000.0f, 0.01f);
  bn.impl()->call_eager({x}, true);
  Moments m = moments(x, 1);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_NEAR(bn.moving_mean().data()[c], m.mean[c], 1e-4) << "channel " << c;  // half an ulp at 1000 is 3e-5
    EXPECT_NEAR(bn.moving_variance().data()[c], m.var[c], 1e-5 * m.var[c]) << "channel " << c;
  }
}

TEST(BatchNormalization, LargeBackwardMatchesTheFormula) {
  // The training-mode gradient, in double, on inputs big enough for the multithreaded loops.
  utils::set_random_seed(11);
  for (int ax : {-1, 1}) {
    SCOPED_TRACE(ax);
    layers::BatchNormalization bn(axis = ax, gamma_initializer = "random_normal");
    Tensor x = shifted_normal({64, 32, 20}, 2.0f, 3.0f);
    bn(x);
    CallContext ctx;
    ctx.training = true;
    ctx.inputs = {x};
    ctx.outputs = bn.impl()->forward(ctx);
    Tensor g = random::normal(x.dims());
    for (const auto& v : bn.impl()->variables()) v->grad = Tensor();
    Tensor dx = bn.impl()->backward(ctx, {g}).at(0);
    int a = ax < 0 ? 2 : 1;
    const auto C = static_cast<size_t>(x.dims()[static_cast<size_t>(a)]);
    const double n = static_cast<double>(x.size()) / static_cast<double>(C);
    Moments m = moments(x, a);
    std::vector<double> gamma = to_doubles(bn.get_weights()[0]), inv(C), sum_g(C, 0.0), sum_gx(C, 0.0);
    for (size_t c = 0; c < C; ++c) inv[c] = 1.0 / std::sqrt(m.var[c] + 1e-3);
    auto xhat = [&](int64_t k, size_t c) { return (x.data()[k] - m.mean[c]) * inv[c]; };
    for (int64_t k = 0; k < x.size(); ++k) {
      auto c = static_cast<size_t>(channel_of(k, x.dims(), a));
      sum_g[c] += g.data()[k];
      sum_gx[c] += g.data()[k] * xhat(k, c);
    }
    const Tensor& dgamma = bn.impl()->variables()[0]->grad;
    const Tensor& dbeta = bn.impl()->variables()[1]->grad;
    for (size_t c = 0; c < C; ++c) {
      EXPECT_NEAR(dgamma.data()[c], sum_gx[c], 1e-3 * std::max(1.0, std::fabs(sum_gx[c])));
      EXPECT_NEAR(dbeta.data()[c], sum_g[c], 1e-3 * std::max(1.0, std::fabs(sum_g[c])));
    }
    for (int64_t k = 0; k < x.size(); ++k) {
      auto c = static_cast<size_t>(channel_of(k, x.dims(), a));
      double want = gamma[c] * inv[c] / n * (n * g.data()[k] - sum_g[c] - xhat(k, c) * sum_gx[c]);
      ASSERT_NEAR(dx.data()[k], want, 1e-4 * std::max(1.0, std::fabs(want))) << "element " << k;
    }
  }
}

TEST(BatchNormalization, CenterAndScaleOff) {
  layers::BatchNormalization bn(center = false, scale = false);
  bn(Tensor::zeros({2, 5}));
  auto vars = bn.impl()->variables();
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0]->name, "moving_mean");
  EXPECT_EQ(vars[1]->name, "moving_variance");
  EXPECT_EQ(bn.count_params(), 10);
  EXPECT_TRUE(bn.trainable_weights().empty());
  layers::BatchNormalization only_scale(center = false);
  only_scale(Tensor::zeros({2, 5}));
  ASSERT_EQ(only_scale.trainable_weights().size(), 1u);
  EXPECT_EQ(only_scale.impl()->variables()[0]->name, "gamma");
  utils::set_random_seed(7);
  Tensor x = random::normal({6, 5});
  Moments m = moments(x, 1);
  expect_normalized(bn.impl()->call_eager({x}, true).at(0), x, 1, m.mean, m.var, std::vector<double>(5, 1.0),
                    std::vector<double>(5, 0.0), 1e-3);
  keras::test_support::expect_gradients_match(bn, {x}, {.training = true});
}

TEST(BatchNormalization, GradientsInTrainingMode) {
  utils::set_random_seed(8);
  {
    layers::BatchNormalization bn(gamma_initializer = "random_normal", beta_initializer = "random_normal");
    Tensor x = random::normal({6, 4});
    bn(x);
    keras::test_support::expect_gradients_match(bn, {x}, {.training = true});
  }
  {
    layers::BatchNormalization bn(axis = 1, gamma_initializer = "random_normal");
    Tensor x = shifted_normal({3, 2, 4, 3}, 1.0f, 2.0f);
    bn(x);
    keras::test_support::expect_gradients_match(bn, {x}, {.training = true});
  }
  {
    layers::BatchNormalization bn(gamma_initializer = "random_normal");
    Tensor x = random::normal({2, 3, 3, 4});
    bn(x);
    keras::test_support::expect_gradients_match(bn, {x}, {.training = true});
  }
}

TEST(BatchNormalization, GradientsInInferenceMode) {
  utils::set_random_seed(9);
  layers::BatchNormalization bn(axis = 1);
  Tensor x = random::normal({4, 3, 2});
  bn(x);
  bn.set_weights({Tensor({0.5f, -1.0f, 2.0f}, {3}), Tensor({0.1f, 0.2f, 0.3f}, {3}), Tensor({0.3f, -0.2f, 1.0f}, {3}),
                  Tensor({0.7f, 1.5f, 2.5f}, {3})});
  keras::test_support::expect_gradients_match(bn, {x});
}

TEST(BatchNormalization, SummaryCountsNonTrainableParams) {
  utils::clear_session();
  auto inputs = Input({16});
  auto h = layers::Dense(32)(inputs);
  layers::BatchNormalization bn;
  auto outputs = bn(h);
  Model model(inputs, outputs);
  EXPECT_EQ(bn.count_params(), 128);
  EXPECT_EQ(model.count_params(), 16 * 32 + 32 + 128);
  std::string s = model.summary_string();
  EXPECT_NE(s.find("batch_normalization"), std::string::npos) << s;
  EXPECT_NE(s.find("(BatchNormalization)"), std::string::npos) << s;
  EXPECT_NE(s.find("128"), std::string::npos) << s;
  EXPECT_NE(s.find("Total params: 672 ("), std::string::npos) << s;
  EXPECT_NE(s.find("Trainable params: 608 ("), std::string::npos) << s;
  EXPECT_NE(s.find("Non-trainable params: 64 (256.00 B)"), std::string::npos) << s;
  EXPECT_EQ(model.impl()->trainable_variables().size(), 4u);
  EXPECT_EQ(model.impl()->non_trainable_variables().size(), 2u);
}

TEST(BatchNormalization, TrainsInsideAModel) {
  utils::set_random_seed(10);
  Tensor x = shifted_normal({64, 4}, 10.0f, 5.0f);
  Tensor y = Tensor::empty({64, 1});
  for (int64_t i = 0; i < 64; ++i) y.data()[i] = x.at({i, 0}) > 10.0f ? 1.0f : 0.0f;
  layers::BatchNormalization bn;
  Sequential model({layers::Input({4}), bn, layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = "adam", loss = "binary_crossentropy");
  History h = model.fit(x, y, epochs = 20, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  // 20 epochs of 4 steps moved the moving mean toward the data's mean (10) from 0: 1 - 0.99^80 of the way.
  double expected = 10.0 * (1.0 - std::pow(0.99, 80));
  for (int64_t c = 0; c < 4; ++c) EXPECT_NEAR(bn.moving_mean().data()[c], expected, 2.0);
  // The moving statistics are not trained by the optimizer.
  EXPECT_EQ(model.impl()->trainable_variables().size(), 4u);
}

TEST(BatchNormalization, Errors) {
  layers::BatchNormalization bn;
  bn(Tensor::zeros({2, 32}));
  EXPECT_THROW_WITH(bn(Tensor::zeros({2, 64})), "Input 0 of layer \"" + bn.name() + "\" is incompatible with the layer: "
                    "expected axis -1 of input shape to have value 32, but received input with shape (2, 64)",
                    "Hint:", "was built for 32 channels", "fixes its channel count");
  EXPECT_THROW_WITH(bn(Tensor::zeros({2, 3, 32})), "expected ndim=2, found ndim=3", "Hint:");
  EXPECT_THROW_WITH(layers::BatchNormalization(axis = 3)(Tensor::zeros({2, 4})),
                    "Axis 3 is out of bounds for input shape (2, 4)", "Hint:");
  EXPECT_THROW_WITH(layers::BatchNormalization()(Input({4, None})), "should have a defined dimension", "Hint:");
  EXPECT_THROW_WITH(layers::BatchNormalization(gamma_initializer = "onez"), "onez");
  EXPECT_THROW_WITH(layers::BatchNormalization().moving_mean(), "not built", "Hint:");
  // Symbolic: the message names the previous layer.
  auto inputs = Input({8});
  layers::BatchNormalization bn2;
  bn2(layers::Dense(4)(inputs));
  EXPECT_THROW_WITH(bn2(layers::Dense(6)(inputs)), "expected axis -1 of input shape to have value 4", "Hint:",
                    "the previous layer");
}

TEST(BatchNormalization, AListOfAxesIsNamed) {
  // BatchNormalization normalizes one axis; axis={1, 2} compiles (the keyword takes lists) and is refused by name.
  EXPECT_THROW_WITH(layers::BatchNormalization(axis = {1, 2}),
                    "Keyword argument `axis` takes one value here, not a list: received axis={1, 2}.", "Hint:");
}

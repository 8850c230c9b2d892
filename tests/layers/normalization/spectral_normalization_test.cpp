#include "keras/layers/normalization/spectral_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {
namespace spectral_norm_test {

// SpectralNormalization(Dense(2)) built for 3 features, with the kernel, bias and vector_u of the worked example
// (kernel [[1, 2], [3, 4], [5, 6]], u = [[0.6, 0.8]]); values by a numpy port of Keras's normalized_weights in
// float32.
layers::SpectralNormalization worked_example(int power_iterations = 1) {
  layers::SpectralNormalization sn(layers::Dense(2), kw::power_iterations = power_iterations);
  sn(Tensor::zeros({1, 3}));
  sn.set_weights({kt::T({1, 2, 3, 4, 5, 6}, {3, 2}), kt::T({0.6f, 0.8f}, {1, 2}), kt::T({0, 0}, {2})});
  return sn;
}

// The largest singular value of a (n, c) matrix, by many power steps in double.
double spectral_norm(const Tensor& kernel) {
  const int64_t c = kernel.dim(-1), n = kernel.size() / c;
  std::vector<double> u(static_cast<size_t>(c), 1.0), v(static_cast<size_t>(n));
  double sigma = 0;
  for (int it = 0; it < 500; ++it) {
    double vn = 0, un = 0;
    for (int64_t r = 0; r < n; ++r) {
      double s = 0;
      for (int64_t j = 0; j < c; ++j) s += u[static_cast<size_t>(j)] * kernel.data()[r * c + j];
      v[static_cast<size_t>(r)] = s;
      vn += s * s;
    }
    for (double& x : v) x /= std::sqrt(vn);
    for (int64_t j = 0; j < c; ++j) {
      double s = 0;
      for (int64_t r = 0; r < n; ++r) s += v[static_cast<size_t>(r)] * kernel.data()[r * c + j];
      u[static_cast<size_t>(j)] = s;
      un += s * s;
    }
    sigma = std::sqrt(un);
    for (double& x : u) x /= sigma;
  }
  return sigma;
}

}  // namespace spectral_norm_test
}  // namespace

TEST(SpectralNormalization, ShapesWeightsAndErrors) {
  layers::SpectralNormalization sn(layers::Dense(2));
  EXPECT_EQ(sn(Input(shape = {3, 4})).shape(), (Shape{None, 3, 2}));
  // Keras's weights: the kernel, vector_u, then the bias; vector_u is not trainable.
  std::vector<std::string> names;
  for (const auto& v : sn.impl()->variables()) names.push_back(v->name);
  EXPECT_EQ(names, (std::vector<std::string>{"kernel", "vector_u", "bias"}));
  EXPECT_EQ(sn.impl()->trainable_variables().size(), 2u);
  EXPECT_EQ(sn.impl()->non_trainable_variables().size(), 1u);
  EXPECT_EQ(sn.impl()->variables()[1]->value.dims(), (std::vector<int64_t>{1, 2}));
  // Embedding(10, 4) on ids of shape (10,): its embeddings are the kernel.
  layers::SpectralNormalization emb(layers::Embedding(10, 4));
  EXPECT_EQ(emb(Tensor::arange(10)).dims(), (std::vector<int64_t>{10, 4}));
  EXPECT_EQ(emb.impl()->trainable_variables().size(), 1u);
  EXPECT_EQ(emb.impl()->non_trainable_variables().size(), 1u);
  EXPECT_EQ(emb.impl()->variables()[1]->value.dims(), (std::vector<int64_t>{1, 4}));

  EXPECT_THROW_WITH(layers::SpectralNormalization(layers::Dense(2), power_iterations = 0),
                    "`power_iterations` should be greater than zero. Received: `power_iterations=0`", "Hint:");
  EXPECT_THROW_WITH((void)layers::SpectralNormalization(Layer{}),
                    "Layer None supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a "
                    "valid Keras layer.");
  EXPECT_THROW_WITH(layers::SpectralNormalization(kw::Kwargs{}),
                    "SpectralNormalization.__init__() missing 1 required positional argument: 'layer'", "Hint:");
  layers::SpectralNormalization relu{layers::ReLU()};  // accepted until it is called, as in Keras
  EXPECT_THROW_WITH(relu(Tensor::ones({4, 2})), "ReLU object has no attribute 'kernel' nor 'embeddings'", "Hint:");
  layers::SpectralNormalization lstm(layers::LSTM(3));
  EXPECT_THROW_WITH(lstm(Input(shape = {5, 2})), "LSTM object has no attribute 'kernel' nor 'embeddings'");
  // Built for 3 features, it refuses 4 in its own name; the wrapped Conv2D's rank rule still holds.
  auto in = Input(shape = {3});
  layers::SpectralNormalization built(layers::Dense(2), name = "sn");
  built(in);
  EXPECT_THROW_WITH(built(Input(shape = {4})),
                    "Input 0 of layer \"sn\" is incompatible with the layer: expected axis -1 of input shape to have "
                    "value 3, but received input with shape (None, 4)");
  layers::SpectralNormalization conv(layers::Conv2D(2, 3));
  EXPECT_THROW_WITH(conv(Input(shape = {8, 8})), "layer \"conv2d\" is incompatible with the layer: expected min_ndim=4, found ndim=3");
}

TEST(SpectralNormalization, TrainingCallsNormalizeTheKernelAsKeras) {
  auto sn = spectral_norm_test::worked_example();
  const Tensor x = kt::T({1, 1, 1}, {1, 3});
  kt::expect_near_values(sn(x), {9, 12}, 1e-6);  // inference: the kernel as it is
  kt::expect_near_values(kt::train_call(sn, x), {0.94483137, 1.2597752}, 1e-6);
  const auto w = sn.get_weights();
  kt::expect_near_values(w[0], {0.10498127, 0.20996253, 0.31494379, 0.41992506, 0.52490634, 0.62988758}, 1e-6);
  kt::expect_near_values(w[1], {0.61957282, 0.78493911}, 1e-6);
  kt::expect_near_values(sn(x), {0.94483137, 1.2597752}, 1e-6);  // the normalized kernel stays
  // A second training call: sigma is now 1.0000011 and u moves a little.
  kt::train_call(sn, x);
  kt::expect_near_values(sn.get_weights()[1], {0.61962932, 0.78489459}, 1e-6);
  kt::expect_near_values(sn.get_weights()[0].slice(0, 1), {0.10498127 / 1.0000011, 0.20996253 / 1.0000011}, 2e-6);
}

TEST(SpectralNormalization, KerasApplyLayerTest) {
  // spectral_normalization_test.py: a 2x2 kernel of ones, 8 power steps; its spectral norm is 2.
  layers::SpectralNormalization sn(layers::Conv2D(1, {2, 2}, kernel_initializer = initializers::Constant(1.0)),
                                   power_iterations = 8);
  const Tensor images = Tensor::ones({1, 2, 2, 1});
  kt::expect_near_values(sn(images), {4.0}, 1e-6);
  kt::expect_near_values(kt::train_call(sn, images), {2.0}, 1e-5);
}

TEST(SpectralNormalization, ZeroKernelIsLeftAlone) {
  layers::SpectralNormalization sn(layers::Dense(2, kernel_initializer = "zeros"));
  const Tensor x = kt::T({1, 2, 3}, {1, 3});
  sn(x);
  const Tensor u = sn.get_weights()[1].copy();
  kt::expect_near_values(kt::train_call(sn, x), {0, 0}, 0);
  EXPECT_EQ(sn.get_weights()[0].to_vector(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(sn.get_weights()[1].to_vector(), u.to_vector());
}

TEST(SpectralNormalization, Gradients) {
  // Inference: the wrapped layer's function of its inputs and weights.
  auto sn = spectral_norm_test::worked_example();
  kt::expect_gradients_match(sn, {random::normal({4, 3})});
  // Training: Keras assigns the normalized kernel before calling the layer and stops the gradient through u, v and
  // sigma, so the gradient is the wrapped Dense's at the normalized kernel.
  auto trained = spectral_norm_test::worked_example();
  const Tensor x = random::normal({4, 3}), r = random::uniform({4, 2}, -1, 1);
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = trained.impl()->forward(ctx);
  for (const auto& v : trained.impl()->variables()) v->grad = Tensor();
  const Tensor dx = trained.impl()->backward(ctx, {r}).at(0);
  layers::Dense plain(2);
  plain(Tensor::zeros({1, 3}));
  plain.set_weights({trained.get_weights()[0], trained.get_weights()[2]});
  CallContext pctx;
  pctx.inputs = {x};
  pctx.outputs = plain.impl()->forward(pctx);
  for (const auto& v : plain.impl()->variables()) v->grad = Tensor();
  const Tensor pdx = plain.impl()->backward(pctx, {r}).at(0);
  kt::expect_close(dx, pdx, 1e-6f);
  kt::expect_close(trained.impl()->variables()[0]->grad, plain.impl()->variables()[0]->grad, 1e-6f);
  kt::expect_close(trained.impl()->variables()[2]->grad, plain.impl()->variables()[1]->grad, 1e-6f);
  EXPECT_FALSE(trained.impl()->variables()[1]->grad.defined());  // vector_u is not trained
}

TEST(SpectralNormalization, FitKeepsTheKernelNearSpectralNormOne) {
  // spectral_normalization_test.py's end-to-end case: Conv2D(3, 2x2, same) with 2 power steps under RMSprop.
  utils::set_random_seed(7);
  layers::Conv2D conv(3, {2, 2}, padding = "same");
  Sequential model({layers::Input({8, 8, 3}), layers::SpectralNormalization(conv, power_iterations = 2)});
  model.compile(optimizer = "rmsprop", loss = "mse");
  const Tensor x = random::uniform({4, 8, 8, 3}, 0, 1), y = random::uniform({4, 8, 8, 3}, 0, 1);
  const double before = spectral_norm_test::spectral_norm(conv.get_weights()[0]);
  History h = model.fit(x, y, epochs = 20, batch_size = 2, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  const double after = spectral_norm_test::spectral_norm(conv.get_weights()[0]);
  EXPECT_GT(std::fabs(before - 1.0), 0.1) << before;  // glorot_uniform's kernel is not normalized to begin with
  EXPECT_NEAR(after, 1.0, 0.05);                      // one optimizer step away from a normalized kernel
}

TEST(SpectralNormalization, SavesAsKeras) {
  auto in = Input(shape = {3});
  Model model(in, layers::SpectralNormalization(layers::Dense(2), power_iterations = 3)(in));
  model.get_layer(1).set_weights({kt::T({1, 2, 3, 4, 5, 6}, {3, 2}), kt::T({0.6f, 0.8f}, {1, 2}), kt::T({1, -1}, {2})});
  Model loaded = kt::expect_keras_round_trip(model, random::normal({5, 3}));
  EXPECT_EQ(loaded.get_layer(1).get_weights()[1].to_vector(), (std::vector<float>{0.6f, 0.8f}));
  // config.json: Wrapper.get_config's nested layer, then power_iterations.
  const auto config = nlohmann::ordered_json::parse(model.to_json());
  const auto& sn = config["config"]["layers"][1];
  EXPECT_EQ(sn["class_name"], "SpectralNormalization");
  EXPECT_EQ(kt::keys_of(sn["config"]), (std::vector<std::string>{"name", "trainable", "dtype", "layer",
                                                                  "power_iterations"}));
  EXPECT_EQ(sn["config"]["layer"]["class_name"], "Dense");
  EXPECT_EQ(sn["config"]["power_iterations"], 3);
  // model.weights.h5: the wrapper's own vars (the kernel, as Keras's tracker lists it there too, and vector_u), then
  // the wrapped Dense's under "layer".
  kt::ScratchDir dir;
  model.save_weights(dir / "m.weights.h5");
  auto h5 = kt::open_h5(dir / "m.weights.h5");
  EXPECT_EQ(h5.count_vars("layers/spectral_normalization"), 2u);
  EXPECT_EQ(h5.var_shape("layers/spectral_normalization", 0), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(h5.var_shape("layers/spectral_normalization", 1), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(h5.count_vars("layers/spectral_normalization/layer"), 2u);
  EXPECT_EQ(h5.var_shape("layers/spectral_normalization/layer", 1), (std::vector<int64_t>{2}));
  // Legacy .h5 round trip too.
  model.save(dir / "m.h5");
  Model legacy = saving::load_model(dir / "m.h5");
  EXPECT_EQ(legacy.get_layer(1).get_weights()[1].to_vector(), (std::vector<float>{0.6f, 0.8f}));
  EXPECT_EQ(legacy.get_layer(1).get_weights()[2].to_vector(), (std::vector<float>{1, -1}));
}

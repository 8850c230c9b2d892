#include "keras/layers/regularization/spatial_dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::expect_seeds_reproduce;
using keras::test_support::train_call;

TEST(SpatialDropout1D, DropsWholeChannels) {
  utils::set_random_seed(61);
  Tensor x = Tensor::ones({50, 6, 20});
  Tensor y = train_call(layers::SpatialDropout1D(0.5), x);
  int64_t dropped = 0;
  for (int64_t b = 0; b < 50; ++b)
    for (int64_t c = 0; c < 20; ++c) {
      const float v = y.at({b, 0, c});
      EXPECT_TRUE(v == 0.0f || v == 2.0f);  // kept channels scaled by 1 / (1 - rate)
      for (int64_t t = 1; t < 6; ++t) ASSERT_EQ(y.at({b, t, c}), v);
      if (v == 0.0f) ++dropped;
    }
  EXPECT_NEAR(static_cast<double>(dropped) / 1000.0, 0.5, 0.06);
}

TEST(SpatialDropout1D, InferenceAndShapes) {
  Tensor x = random::normal({4, 3, 2});
  EXPECT_TRUE(layers::SpatialDropout1D(0.7)(x).shares_storage_with(x));
  EXPECT_EQ(layers::SpatialDropout1D(0.2)(Input({None, 8})).shape(), (Shape{None, None, 8}));
  EXPECT_EQ(train_call(layers::SpatialDropout1D(0.0), x).to_vector(), x.to_vector());
  EXPECT_EQ(train_call(layers::SpatialDropout1D(1.0), x).to_vector(), std::vector<float>(24, 0.0f));
}

TEST(SpatialDropout1D, GradientsReuseTheMask) {
  utils::set_random_seed(62);
  layers::SpatialDropout1D d(0.4);
  Tensor x = random::uniform({5, 4, 6}, 1.0f, 2.0f);
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = d.impl()->forward(ctx);
  Tensor g = random::normal({5, 4, 6});
  Tensor dx = d.impl()->backward(ctx, {g}).at(0);
  for (int64_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(dx.data()[i], g.data()[i] * ctx.outputs[0].data()[i] / x.data()[i], 1e-5);
  d(x);
  keras::test_support::expect_gradients_match(d, {x});  // inference: the identity
  layers::SpatialDropout1D d0(0.0);
  d0(x);
  keras::test_support::expect_gradients_match(d0, {x}, {.training = true});
}

TEST(SpatialDropout1D, Seeds) {
  expect_seeds_reproduce<layers::SpatialDropout1D>(Tensor::ones({8, 3, 10}), rate = 0.5);
}

TEST(SpatialDropout1D, Errors) {
  utils::clear_session();
  const std::string msg = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::SpatialDropout1D(1.5), msg + "Received: rate=1.5", "Hint:");
  EXPECT_THROW_WITH(layers::SpatialDropout1D(20), msg + "Received: rate=20.0", "Hint: rate is a fraction",
                    "SpatialDropout1D(0.2)");
  EXPECT_THROW_WITH(layers::SpatialDropout1D(kw::Kwargs{}),
                    "SpatialDropout1D.__init__() missing 1 required positional argument: 'rate'", "Hint:");
  utils::clear_session();
  EXPECT_THROW_WITH(layers::SpatialDropout1D(0.2)(Input({10})),
                    "Input 0 of layer \"spatial_dropout1d\" is incompatible with the layer: expected ndim=3, found "
                    "ndim=2",
                    "Hint:", "use Dropout");
  EXPECT_THROW_WITH(layers::SpatialDropout1D(0.2)(Input({8, 8, 3})), "found ndim=4", "Hint:", "SpatialDropout2D");
}

TEST(SpatialDropout2D, DropsWholeFeatureMaps) {
  utils::set_random_seed(63);
  for (bool cf : {false, true}) {
    Tensor x = Tensor::ones({20, 4, 5, 6});
    Tensor y = train_call(layers::SpatialDropout2D(0.25, data_format = cf ? "channels_first" : "channels_last"), x);
    int64_t dropped = 0, maps = 0;
    const int64_t channels = cf ? 4 : 6;
    for (int64_t b = 0; b < 20; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const float v = cf ? y.at({b, c, 0, 0}) : y.at({b, 0, 0, c});
        EXPECT_TRUE(v == 0.0f || std::abs(v - 4.0f / 3.0f) < 1e-6f);
        for (int64_t i = 0; i < (cf ? 5 : 4); ++i)
          for (int64_t j = 0; j < (cf ? 6 : 5); ++j) ASSERT_EQ(cf ? y.at({b, c, i, j}) : y.at({b, i, j, c}), v);
        dropped += v == 0.0f;
        ++maps;
      }
    EXPECT_NEAR(static_cast<double>(dropped) / static_cast<double>(maps), 0.25, 0.1);
  }
}

TEST(SpatialDropout2D, InferenceGradientsAndErrors) {
  Tensor x = random::normal({2, 3, 3, 2});
  layers::SpatialDropout2D d(0.5, seed = 3);
  EXPECT_TRUE(d(x).shares_storage_with(x));
  keras::test_support::expect_gradients_match(d, {x});
  EXPECT_EQ(layers::SpatialDropout2D(0.1)(Input({28, 28, 8})).shape(), (Shape{None, 28, 28, 8}));
  utils::clear_session();
  EXPECT_THROW_WITH(layers::SpatialDropout2D(0.1)(Input({28, 8})),
                    "Input 0 of layer \"spatial_dropout2d\" is incompatible with the layer: expected ndim=4, found "
                    "ndim=3",
                    "Hint: SpatialDropout2D needs (batch, height, width, channels)", "SpatialDropout1D");
  EXPECT_THROW_WITH(layers::SpatialDropout2D(0.1, data_format = "nchw"), "Received: data_format=nchw", "Hint:");
  EXPECT_THROW_WITH(layers::SpatialDropout2D(-0.5), "Received: rate=-0.5", "Hint:");
}

TEST(SpatialDropout2D, ConfigAndRegistry) {
  layers::SpatialDropout2D d(0.5, seed = 5, data_format = "channels_first");
  Layer copy = layers::from_config("SpatialDropout2D", d.impl()->config());
  Tensor x = Tensor::ones({4, 3, 2, 2});
  EXPECT_EQ(train_call(copy, x).to_vector(), train_call(d, x).to_vector());
  EXPECT_TRUE(layers::is_registered("SpatialDropout1D"));
}

TEST(SpatialDropout3D, DropsWholeVolumes) {
  utils::set_random_seed(64);
  for (bool cf : {false, true}) {
    // Noise shape (batch, 1, 1, 1, channels), or (batch, channels, 1, 1, 1) with channels_first.
    const int64_t batch = 25, channels = 8;
    Tensor x = cf ? Tensor::ones({batch, channels, 3, 4, 2}) : Tensor::ones({batch, 3, 4, 2, channels});
    Tensor y = train_call(layers::SpatialDropout3D(0.4, data_format = cf ? "channels_first" : "channels_last"), x);
    int64_t dropped = 0;
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const float v = cf ? y.at({b, c, 0, 0, 0}) : y.at({b, 0, 0, 0, c});
        EXPECT_TRUE(v == 0.0f || std::abs(v - 1.0f / 0.6f) < 1e-6f);  // survivors scaled by 1 / (1 - rate)
        for (int64_t i = 0; i < 3; ++i)
          for (int64_t j = 0; j < 4; ++j)
            for (int64_t k = 0; k < 2; ++k) ASSERT_EQ(cf ? y.at({b, c, i, j, k}) : y.at({b, i, j, k, c}), v);
        dropped += v == 0.0f;
      }
    EXPECT_NEAR(static_cast<double>(dropped) / static_cast<double>(batch * channels), 0.4, 0.1);
  }
  // The kept values are the input's, scaled.
  Tensor x = random::uniform({4, 2, 3, 2, 5}, 1.0f, 2.0f);
  Tensor y = train_call(layers::SpatialDropout3D(0.5, seed = 4), x);
  for (int64_t i = 0; i < x.size(); ++i)
    EXPECT_TRUE(y.data()[i] == 0.0f || std::abs(y.data()[i] - 2.0f * x.data()[i]) < 1e-6f);
}

TEST(SpatialDropout3D, InferenceGradientsAndSeeds) {
  utils::set_random_seed(65);
  Tensor x = random::normal({2, 3, 2, 3, 4});
  layers::SpatialDropout3D d(0.5, seed = 3);
  EXPECT_TRUE(d(x).shares_storage_with(x));  // inference: the identity
  keras::test_support::expect_gradients_match(d, {x});
  layers::SpatialDropout3D d0(0.0);
  d0(x);
  keras::test_support::expect_gradients_match(d0, {x}, {.training = true});
  EXPECT_EQ(train_call(layers::SpatialDropout3D(1.0), x).to_vector(), std::vector<float>(144, 0.0f));
  // Training gradients go through the forward's mask.
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = d.impl()->forward(ctx);
  Tensor g = random::normal(x.dims());
  Tensor dx = d.impl()->backward(ctx, {g}).at(0);
  for (int64_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(dx.data()[i], g.data()[i] * ctx.outputs[0].data()[i] / x.data()[i], 1e-4);
  expect_seeds_reproduce<layers::SpatialDropout3D>(Tensor::ones({8, 2, 2, 2, 10}), rate = 0.5);
}

TEST(SpatialDropout3D, ShapesAndErrors) {
  EXPECT_EQ(layers::SpatialDropout3D(0.1)(Input({None, 8, 8, 4})).shape(), (Shape{None, None, 8, 8, 4}));
  EXPECT_EQ(layers::SpatialDropout3D(0.1, data_format = "channels_first")(Input({4, 2, 3, 5})).shape(),
            (Shape{None, 4, 2, 3, 5}));
  utils::clear_session();
  EXPECT_THROW_WITH(layers::SpatialDropout3D(0.1)(Input({28, 28, 8})),
                    "Input 0 of layer \"spatial_dropout3d\" is incompatible with the layer: expected ndim=5, found "
                    "ndim=4",
                    "Hint: SpatialDropout3D needs (batch, depth, height, width, channels)", "SpatialDropout2D");
  EXPECT_THROW_WITH(layers::SpatialDropout3D(0.1)(Input({16})), "expected ndim=5, found ndim=2", "Hint:",
                    "use Dropout");
  const std::string msg = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::SpatialDropout3D(-0.5), msg + "Received: rate=-0.5", "Hint:");
  EXPECT_THROW_WITH(layers::SpatialDropout3D(30), msg + "Received: rate=30.0", "Hint: rate is a fraction",
                    "SpatialDropout3D(0.3)");
  EXPECT_THROW_WITH(layers::SpatialDropout3D(kw::Kwargs{}),
                    "SpatialDropout3D.__init__() missing 1 required positional argument: 'rate'", "Hint:");
  EXPECT_THROW_WITH(layers::SpatialDropout3D(0.1, data_format = "ncdhw"), "Received: data_format=ncdhw", "Hint:");
}

TEST(SpatialDropout3D, SavesAndLoads) {
  utils::set_random_seed(66);
  Sequential model({Input({2, 3, 2, 4}), layers::SpatialDropout3D(0.3, seed = 7, data_format = "channels_first")});
  keras::test_support::expect_keras_round_trip(model, random::normal({2, 2, 3, 2, 4}));
  const auto config = keras::test_support::saved_layer_config(model, "SpatialDropout3D");
  EXPECT_EQ(config["rate"], 0.3);
  EXPECT_EQ(config["seed"], 7);
  EXPECT_EQ(config["data_format"], "channels_first");
  // The registry's copy from the config drops the same channels.
  layers::SpatialDropout3D d(0.5, seed = 5);
  Layer copy = layers::from_config("SpatialDropout3D", d.impl()->config());
  Tensor x = Tensor::ones({4, 2, 2, 2, 3});
  EXPECT_EQ(train_call(copy, x).to_vector(), train_call(d, x).to_vector());
}

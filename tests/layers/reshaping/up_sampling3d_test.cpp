#include "keras/layers/reshaping/up_sampling3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// numpy's repeat along each spatial axis, one element at a time: y[..., i, j, k, ...] = x[..., i/f0, j/f1, k/f2, ...].
void expect_repeats(const Tensor& x, const Tensor& y, int64_t f0, int64_t f1, int64_t f2, bool cf) {
  const auto& d = y.dims();
  const int64_t c = cf ? d[1] : d[4], first = cf ? 2 : 1;
  for (int64_t b = 0; b < d[0]; ++b)
    for (int64_t i = 0; i < d[first]; ++i)
      for (int64_t j = 0; j < d[first + 1]; ++j)
        for (int64_t k = 0; k < d[first + 2]; ++k)
          for (int64_t ch = 0; ch < c; ++ch) {
            if (cf) ASSERT_EQ(y.at({b, ch, i, j, k}), x.at({b, ch, i / f0, j / f1, k / f2}));
            else ASSERT_EQ(y.at({b, i, j, k, ch}), x.at({b, i / f0, j / f1, k / f2, ch}));
          }
}
}  // namespace

TEST(UpSampling3D, Shapes) {
  EXPECT_EQ(layers::UpSampling3D()(Input({3, 4, 5, 2})).shape(), (Shape{None, 6, 8, 10, 2}));  // default (2, 2, 2)
  // Keras's docstring example: (2, 1, 2, 1, 3) with size (2, 2, 2).
  EXPECT_EQ(layers::UpSampling3D(size = {2, 2, 2})(Tensor::ones({2, 1, 2, 1, 3})).shape(), (Shape{2, 2, 4, 2, 3}));
  EXPECT_EQ(layers::UpSampling3D(3)(Input({None, 4, 5, 2})).shape(), (Shape{None, None, 12, 15, 2}));
  EXPECT_EQ(layers::UpSampling3D({1, 2, 3})(Input({3, 4, 5, 2})).shape(), (Shape{None, 3, 8, 15, 2}));
  EXPECT_EQ(layers::UpSampling3D({2, 1, 1}, data_format = "channels_first")(Input({2, 3, 4, None})).shape(),
            (Shape{None, 2, 6, 4, None}));
}

TEST(UpSampling3D, RepeatsVoxels) {
  // (1, 2, 1, 1, 2) doubled along the first spatial axis only.
  Tensor small = Tensor::arange(4).reshape({1, 2, 1, 1, 2});
  EXPECT_EQ(layers::UpSampling3D({2, 1, 1})(small).to_vector(), (std::vector<float>{0, 1, 0, 1, 2, 3, 2, 3}));
  utils::set_random_seed(91);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 3, 2, 4, 3});
    const char* df = cf ? "channels_first" : "channels_last";
    expect_repeats(x, layers::UpSampling3D({2, 3, 2}, data_format = df)(x), 2, 3, 2, cf);
    expect_repeats(x, layers::UpSampling3D({1, 2, 3}, data_format = df)(x), 1, 2, 3, cf);  // depth untouched
  }
  Tensor big = random::normal({2, 6, 8, 8, 16});  // large enough for the kernels' threads
  expect_repeats(big, layers::UpSampling3D(2)(big), 2, 2, 2, false);
}

TEST(UpSampling3D, Gradients) {
  utils::set_random_seed(92);
  for (bool cf : {false, true})
    for (IntTuple size : {IntTuple{2, 1, 3}, IntTuple{1, 2, 2}}) {
      Tensor x = random::normal({2, 2, 3, 2, 2});
      layers::UpSampling3D u(size, data_format = cf ? "channels_first" : "channels_last");
      u(x);
      keras::test_support::expect_gradients_match(u, {x});
    }
}

TEST(UpSampling3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::UpSampling3D()(Input({5, 5, 3})),
                    "Input 0 of layer \"up_sampling3d\" is incompatible with the layer: expected ndim=5, found ndim=4",
                    "Hint: UpSampling3D needs (batch, depth, height, width, channels)", "UpSampling2D");
  EXPECT_THROW_WITH(layers::UpSampling3D({2, 0, 2}),
                    "The `size` argument must be a tuple of 3 integers. Received size=(2, 0, 2), including values {0} "
                    "that do not satisfy `value > 0`",
                    "Hint:", "UpSampling3D({2, 2, 2})");
  EXPECT_THROW_WITH(layers::UpSampling3D(-1), "Received size=-1, including values {-1}", "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling3D({1, 2}), "The `size` argument must be a tuple of 3 integers. Received "
                                                  "size=(1, 2)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling3D(size = None), "The `size` argument must be a tuple of 3 integers. Received "
                                                       "size=None",
                    "Hint: leave size out for Keras's default (2, 2, 2)");
  EXPECT_THROW_WITH(layers::UpSampling3D(2, data_format = "NDHWC"), "Received: data_format=ndhwc", "Hint:");
}

TEST(UpSampling3D, SavesAndLoads) {
  utils::set_random_seed(93);
  Sequential model({Input({2, 3, 2, 2}), layers::UpSampling3D({1, 2, 3})});
  keras::test_support::expect_keras_round_trip(model, random::normal({2, 2, 3, 2, 2}));
  const auto config = keras::test_support::saved_layer_config(model, "UpSampling3D");
  EXPECT_EQ(config["size"], nlohmann::ordered_json::parse("[1, 2, 3]"));
  EXPECT_EQ(config.contains("interpolation"), false);  // Keras's UpSampling3D has none
  Sequential first({Input({2, 3, 2, 2}), layers::UpSampling3D(2, data_format = "channels_first")});
  keras::test_support::expect_keras_round_trip(first, random::normal({1, 2, 3, 2, 2}));
  const auto first_config = keras::test_support::saved_layer_config(first, "UpSampling3D");
  EXPECT_EQ(first_config["size"], nlohmann::ordered_json::parse("[2, 2, 2]"));  // Keras standardizes the int
  EXPECT_EQ(first_config["data_format"], "channels_first");
  EXPECT_TRUE(layers::is_registered("UpSampling3D"));
}

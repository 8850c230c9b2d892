#include "keras/layers/reshaping/cropping1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Cropping1D, Shapes) {
  EXPECT_EQ(layers::Cropping1D()(Input({5, 7})).shape(), (Shape{None, 3, 7}));  // default (1, 1)
  EXPECT_EQ(layers::Cropping1D({1, 2})(Input(batch_shape = {1, None, 7})).shape(), (Shape{1, None, 7}));
  EXPECT_EQ(layers::Cropping1D(cropping = {0, 1})(Tensor::zeros({3, 5, 7})).shape(), (Shape{3, 4, 7}));
}

TEST(Cropping1D, Values) {
  // Keras's test cases on a (3, 5, 7) input.
  utils::set_random_seed(33);
  Tensor x = random::normal({3, 5, 7});
  auto slice = [&](int64_t begin, int64_t end) {
    std::vector<float> out;
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t t = begin; t < end; ++t)
        for (int64_t f = 0; f < 7; ++f) out.push_back(x.at({b, t, f}));
    return out;
  };
  EXPECT_EQ(layers::Cropping1D({1, 2})(x).to_vector(), slice(1, 3));
  EXPECT_EQ(layers::Cropping1D({1, 1})(x).to_vector(), slice(1, 4));
  EXPECT_EQ(layers::Cropping1D(1)(x).to_vector(), slice(1, 4));
  EXPECT_EQ(layers::Cropping1D({0, 1})(x).to_vector(), slice(0, 4));
  EXPECT_EQ(layers::Cropping1D({1, 0})(x).to_vector(), slice(1, 5));
}

TEST(Cropping1D, Gradients) {
  utils::set_random_seed(34);
  Tensor x = random::normal({2, 6, 3});
  layers::Cropping1D c({2, 1});
  c(x);
  keras::test_support::expect_gradients_match(c, {x});
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = c.impl()->forward(ctx);
  Tensor dx = c.impl()->backward(ctx, {Tensor::ones({2, 3, 3})}).at(0);
  for (int64_t t = 0; t < 6; ++t) EXPECT_EQ(dx.at({1, t, 2}), t >= 2 && t < 5 ? 1.0f : 0.0f);
}

TEST(Cropping1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Cropping1D({2, 3})(Input(batch_shape = {3, 5, 7})),
                    "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: "
                    "input_shape=(3, 5, 7), cropping=(2, 3)",
                    "Hint: Cropping1D removes 2 + 3 from a sequence of 5 steps");
  EXPECT_THROW_WITH(layers::Cropping1D({3, 3})(Tensor::zeros({3, 5, 7})), "must be smaller than the input length",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Cropping1D({1, 2, 3}),
                    "The `cropping` argument must be a tuple of 2 integers. Received cropping=(1, 2, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping1D("1"), "Received cropping=1", "Hint:");
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Cropping1D()(Input({28, 28, 1})),
                    "Input 0 of layer \"cropping1d\" is incompatible with the layer: expected ndim=3, found ndim=4",
                    "Hint:", "Cropping2D");
}

TEST(Cropping1D, ConfigAndRegistry) {
  layers::Cropping1D c({1, 2});
  Tensor x = random::normal({1, 5, 2});
  EXPECT_EQ(layers::from_config("Cropping1D", c.impl()->config())(x).to_vector(), c(x).to_vector());
}

#include "keras/layers/reshaping/up_sampling1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(UpSampling1D, Shapes) {
  EXPECT_EQ(layers::UpSampling1D()(Input({5, 3})).shape(), (Shape{None, 10, 3}));  // default 2
  EXPECT_EQ(layers::UpSampling1D(3)(Input({None, 3})).shape(), (Shape{None, None, 3}));
  EXPECT_EQ(layers::UpSampling1D(size = 4)(Tensor::zeros({2, 5, 3})).shape(), (Shape{2, 20, 3}));
}

TEST(UpSampling1D, Values) {
  // Keras's docstring example: (2, 2, 3) with size 2.
  Tensor x = Tensor::arange(12).reshape({2, 2, 3});
  EXPECT_EQ(layers::UpSampling1D(2)(x).to_vector(),
            (std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11}));
}

TEST(UpSampling1D, Gradients) {
  utils::set_random_seed(44);
  Tensor x = random::normal({2, 4, 3});
  layers::UpSampling1D u(3);
  u(x);
  keras::test_support::expect_gradients_match(u, {x});
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = u.impl()->forward(ctx);
  EXPECT_EQ(u.impl()->backward(ctx, {Tensor::ones({2, 12, 3})}).at(0).to_vector(), std::vector<float>(24, 3.0f));
}

TEST(UpSampling1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::UpSampling1D()(Input({8, 8, 3})),
                    "Input 0 of layer \"up_sampling1d\" is incompatible with the layer: expected ndim=3, found ndim=4",
                    "Hint: UpSampling1D needs (batch, steps, features)", "UpSampling2D");
  EXPECT_THROW_WITH(layers::UpSampling1D(0), "Argument `size` should be a positive integer. Received: size=0", "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling1D({2, 2}), "Received: size=(2, 2)", "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling1D(size = None), "Received: size=None", "Hint:");
}

TEST(UpSampling1D, ConfigAndRegistry) {
  layers::UpSampling1D u(3);
  Tensor x = random::normal({1, 2, 2});
  EXPECT_EQ(layers::from_config("UpSampling1D", u.impl()->config())(x).to_vector(), u(x).to_vector());
}

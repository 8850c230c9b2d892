#include "keras/layers/reshaping/flatten.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Flatten, EagerShapesAndView) {
  Tensor x = random::normal({32, 10, 5});
  Tensor y = layers::Flatten()(x);
  EXPECT_EQ(y.shape(), (Shape{32, 50}));
  EXPECT_TRUE(y.shares_storage_with(x));  // channels_last flattening is a view
  EXPECT_EQ(y.to_vector(), x.to_vector());
  // A (batch,) input gains a feature axis.
  EXPECT_EQ(layers::Flatten()(Tensor::zeros({4})).shape(), (Shape{4, 1}));
  EXPECT_EQ(layers::Flatten()(Tensor::zeros({0, 3, 2})).shape(), (Shape{0, 6}));
}

TEST(Flatten, SymbolicShapes) {
  EXPECT_EQ(layers::Flatten()(Input({28, 28, 1})).shape(), (Shape{None, 784}));
  EXPECT_EQ(layers::Flatten()(Input({10, 64})).shape(), (Shape{None, 640}));
  // Any None among the non-batch axes gives None.
  EXPECT_EQ(layers::Flatten()(Input({None, 3})).shape(), (Shape{None, None}));
  EXPECT_EQ(layers::Flatten()(Input(batch_shape = {8, 2, 3})).shape(), (Shape{8, 6}));
  EXPECT_EQ(layers::Flatten().impl()->compute_output_shapes({Shape{None}}).at(0), (Shape{None, 1}));
  Sequential model({layers::Flatten(input_shape = {28, 28, 1}), layers::Dense(10)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 10}));
  EXPECT_EQ(model(Tensor::zeros({3, 28, 28, 1})).shape(), (Shape{3, 10}));
}

TEST(Flatten, ChannelsFirstMovesChannelsLast) {
  Tensor x = Tensor::arange(2 * 3 * 2 * 2).reshape({2, 3, 2, 2});  // (batch, channels, h, w)
  for (const layers::Flatten& f : {layers::Flatten("channels_first"), layers::Flatten(data_format = "channels_first"),
                                   layers::Flatten(data_format = "CHANNELS_FIRST")}) {
    Tensor y = f(x);
    ASSERT_EQ(y.shape(), (Shape{2, 12}));
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t w = 0; w < 2; ++w) EXPECT_EQ(y.at({b, (h * 2 + w) * 3 + c}), x.at({b, c, h, w}));
  }
  // Rank 2 is unchanged by the axis move.
  Tensor z = random::normal({3, 4});
  EXPECT_EQ(layers::Flatten("channels_first")(z).to_vector(), z.to_vector());
}

TEST(Flatten, Gradients) {
  for (const char* df : {"channels_last", "channels_first"}) {
    SCOPED_TRACE(df);
    layers::Flatten f(data_format = df);
    Tensor x = random::normal({2, 3, 4, 2});
    f(x);
    keras::test_support::expect_gradients_match(f, {x});
  }
}

TEST(Flatten, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Flatten()(Tensor::scalar(1.0f)),
                    "Input 0 of layer \"flatten\" is incompatible with the layer: expected min_ndim=1, found ndim=0. "
                    "Full shape received: ()",
                    "Hint: Flatten needs at least the batch axis");
  EXPECT_THROW_WITH(layers::Flatten(data_format = "nhwc"),
                    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                    "data_format=nhwc",
                    "Hint:");
}

TEST(Flatten, ConfigAndRegistry) {
  layers::Flatten f(data_format = "channels_first");
  EXPECT_EQ(*f.impl()->config().get<std::string>("data_format"), "channels_first");
  Layer g = layers::from_config("Flatten", f.impl()->config());
  Tensor x = random::normal({2, 3, 4});
  EXPECT_EQ(g(x).to_vector(), f(x).to_vector());
}

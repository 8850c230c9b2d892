// Issue #4's error scenarios for image models, end to end through Sequential / functional models and fit.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(ConvErrors, FlatDataIntoAConvModelThenTheRightShapeTrains) {
  utils::clear_session();
  utils::set_random_seed(61);
  Sequential model({layers::Conv2D(32, {3, 3}, input_shape = {32, 32, 1}, activation = "relu"),
                    layers::MaxPooling2D(), layers::Flatten(), layers::Dense(10, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  Tensor y = random::randint(0, 10, {100});
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({100, 1024}), y, epochs = 1, verbose = 0), "(None, 32, 32, 1)",
                    "(100, 1024)", "Hint:", "reshape", "100, 32, 32, 1");
  Tensor x = random::uniform({100, 32, 32, 1});
  History h = model.fit(x, y, epochs = 1, batch_size = 32, verbose = 0);
  ASSERT_EQ(h.history.at("loss").size(), 1u);
  EXPECT_TRUE(std::isfinite(h.history.at("loss")[0]));
}

TEST(ConvErrors, EmptyOutputOfAConvOrAPool) {
  utils::clear_session();
  // 10x10 -> conv 3 -> 8x8 -> pool -> 4x4 -> pool -> 2x2 -> conv 3: nothing left.
  EXPECT_THROW_WITH((Sequential({Input({10, 10, 1}), layers::Conv2D(8, 3), layers::MaxPooling2D(),
                                 layers::MaxPooling2D(), layers::Conv2D(16, 3)})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 2, 8)`, "
                    "`kernel shape=(3, 3, 8, 16)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.",
                    "Hint:", "padding=\"same\"");
  EXPECT_THROW_WITH((Sequential({Input({10, 10, 1}), layers::Conv2D(8, 3, strides = 4), layers::MaxPooling2D(3)})),
                    "Computed output size would be zero or negative", "pool_size=[3 3]", "Hint:");
  EXPECT_THROW_WITH(layers::SeparableConv2D(4, 5)(Input({4, 9, 2})), "Computed output size would be zero or "
                    "negative. Received `inputs shape=(None, 4, 9, 2)`, `kernel shape=(5, 5, 2, 4)`", "Hint:");
}

TEST(ConvErrors, RankMistakes) {
  utils::clear_session();
  // Conv layers check min_ndim (InputSpec(min_ndim=rank + 2)); pooling layers check ndim (InputSpec(ndim=rank + 2)).
  EXPECT_THROW_WITH(layers::Conv2D(32, 3)(Tensor::zeros({100, 1024})), "expected min_ndim=4, found ndim=2",
                    "Full shape received: (100, 1024)", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D()(Tensor::zeros({10, 28, 28})), "expected ndim=4, found ndim=3", "Hint:");
  EXPECT_THROW_WITH(layers::Conv1D(8, 3)(layers::Dense(16)(Input({10}))), "expected min_ndim=3, found ndim=2",
                    "Hint:", "Reshape");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3)(Tensor::zeros({10, 28, 28})), "expected min_ndim=4, found ndim=3",
                    "Hint:", "x.reshape({10, 28, 28, 1})");
}

TEST(ConvErrors, ChannelMismatchOnAReusedLayer) {
  utils::clear_session();
  layers::Conv2D shared(8, 3, name = "shared_conv");
  auto rgb = Input({16, 16, 3});
  auto gray = Input({16, 16, 1});
  shared(rgb);
  EXPECT_THROW_WITH(shared(gray),
                    "Input 0 of layer \"shared_conv\" is incompatible with the layer: expected axis -1 of input shape "
                    "to have value 3, but received input with shape (None, 16, 16, 1)",
                    "Hint:", "built for inputs with 3 channels (its kernel has shape (3, 3, 3, 8)) but got 1");
}

TEST(ConvErrors, FlattenForgottenBeforeDense) {
  utils::clear_session();
  utils::set_random_seed(62);
  // Legal in Keras: Dense acts on the channel axis.
  Sequential model({Input({12, 12, 1}), layers::Conv2D(4, 3, activation = "relu"), layers::MaxPooling2D(),
                    layers::Dense(10, activation = "softmax")});
  EXPECT_EQ(model.output_shape(), (Shape{None, 5, 5, 10}));
  const std::string summary = model.summary_string();
  EXPECT_NE(summary.find("dense (Dense)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("(None, 5, 5, 10)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("50"), std::string::npos) << summary;  // Dense(10) on 4 channels: 4*10 + 10 params
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  Tensor x = random::uniform({16, 12, 12, 1});
  Tensor y = random::randint(0, 10, {16});
  EXPECT_THROW_WITH(model.fit(x, y, epochs = 1, verbose = 0),
                    "Arguments `target` and `output` must have the same shape up until the last dimension: "
                    "target.shape=(16,), output.shape=(16, 5, 5, 10)",
                    "Hint:", "Flatten()", "before the first Dense");
}

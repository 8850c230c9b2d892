#include "keras/layers/core/activation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Activation, ConstructionForms) {
  Tensor x({-3.0f, -1.0f, 0.0f, 2.0f}, {1, 4});
  // Keras's docstring example, by name, by function, and by keyword.
  for (const layers::Activation& layer : {layers::Activation("relu"), layers::Activation(activations::relu),
                                          layers::Activation(activation = "relu"),
                                          layers::Activation(activation = activations::relu, name = "act")}) {
    EXPECT_EQ(layer(x).to_vector(), (std::vector<float>{0, 0, 0, 2}));
    EXPECT_EQ(layer.class_name(), "Activation");
  }
  EXPECT_EQ(layers::Activation("relu", name = "my_act").name(), "my_act");
}

TEST(Activation, Shapes) {
  auto y = layers::Activation("tanh")(Input({10, 3}));
  EXPECT_EQ(y.shape(), (Shape{None, 10, 3}));
  EXPECT_EQ(layers::Activation("sigmoid")(random::normal({4, 5, 6})).shape(), (Shape{4, 5, 6}));
  Sequential model({Input({4}), layers::Dense(3), layers::Activation("softmax")});
  EXPECT_EQ(model.output_shape(), (Shape{None, 3}));
  EXPECT_EQ(model(random::normal({2, 4})).shape(), (Shape{2, 3}));
}

TEST(Activation, Values) {
  Tensor x = random::normal({3, 4, 5});
  Tensor s = layers::Activation("sigmoid")(x);
  for (int64_t i = 0; i < x.size(); ++i) EXPECT_NEAR(s.data()[i], 1.0 / (1.0 + std::exp(-x.data()[i])), 1e-6);
  // softmax normalises along the last axis.
  Tensor p = layers::Activation("softmax")(x);
  for (int64_t r = 0; r < 12; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < 5; ++c) sum += p.data()[r * 5 + c];
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  // linear (or None) is the identity.
  EXPECT_EQ(layers::Activation("linear")(x).to_vector(), x.to_vector());
  EXPECT_EQ(layers::Activation(activation = None)(x).to_vector(), x.to_vector());
}

TEST(Activation, Gradients) {
  for (const char* name : {"relu", "tanh", "sigmoid", "softmax", "gelu", "elu", "linear"}) {
    SCOPED_TRACE(name);
    layers::Activation layer(name);
    Tensor x = random::normal({3, 7});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
}

TEST(Activation, GradientsInsideAModel) {
  Sequential model({Input({5}), layers::Dense(4), layers::Activation("tanh"), layers::Dense(2),
                    layers::Activation("softmax")});
  keras::test_support::expect_gradients_match(model, {random::normal({3, 5})}, {.training = true});
}

TEST(Activation, Errors) {
  EXPECT_THROW_WITH(layers::Activation("rellu"), "Could not interpret activation function identifier: rellu",
                    "Hint:", "relu");
  EXPECT_THROW_WITH(layers::Activation(kw::Kwargs{}),
                    "Activation.__init__() missing 1 required positional argument: 'activation'", "Hint:");
}

TEST(Activation, ConfigAndRegistry) {
  layers::Activation layer(activations::softmax);
  EXPECT_EQ(layer.impl()->config().get<ActivationArg>("activation")->name, "softmax");
  Layer copy = layers::from_config("Activation", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "Activation");
  Tensor x = random::normal({2, 3});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
}

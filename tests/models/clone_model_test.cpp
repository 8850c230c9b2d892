// keras.models.clone_model: the same architecture with new layers and new weights, uncompiled, as Keras's; a
// Lambda layer is named in a ValueError.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;

TEST(CloneModel, SameArchitectureNewWeights) {
  utils::set_random_seed(1);
  Sequential model({layers::Input({8}), layers::Dense(16, activation = "relu", name = "hidden"), layers::Dropout(0.2),
                    layers::Dense(3, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  Model clone = models::clone_model(model);
  EXPECT_EQ(clone.summary_string(), model.summary_string());
  EXPECT_FALSE(clone.compiled());  // Keras's clone_model does not compile
  EXPECT_EQ(clone.get_layer("hidden").name(), "hidden");
  // New layers: fresh weights, and training one leaves the other alone.
  const auto original = model.get_weights(), cloned = clone.get_weights();
  ASSERT_EQ(original.size(), cloned.size());
  EXPECT_NE(original[0].to_vector(), cloned[0].to_vector());
  clone.set_weights(original);
  const Tensor x = random::normal({4, 8});
  EXPECT_EQ(clone.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
  clone.compile(optimizer = "sgd", loss = "sparse_categorical_crossentropy");
  clone.fit(x, Tensor({0, 1, 2, 0}, {4}), epochs = 2, verbose = 0);
  EXPECT_EQ(model.get_weights()[0].to_vector(), original[0].to_vector());
  EXPECT_NE(clone.get_weights()[0].to_vector(), original[0].to_vector());
}

TEST(CloneModel, FunctionalWithTwoOutputs) {
  auto in = Input(shape = {4}, name = "features");
  auto h = layers::Dense(5, name = "shared")(in);
  Model model(in, {layers::Dense(1, name = "score")(h), layers::Dense(2, name = "label")(h)});
  Model clone = models::clone_model(model);
  EXPECT_EQ(clone.summary_string(), model.summary_string());
  EXPECT_EQ(clone.outputs().size(), 2u);
  clone.set_weights(model.get_weights());
  const Tensor x = random::normal({3, 4});
  const Prediction a = model.predict(x, verbose = 0), b = clone.predict(x, verbose = 0);
  EXPECT_EQ(a.outputs()[1].to_vector(), b.outputs()[1].to_vector());
}

TEST(CloneModel, LambdaIsNamed) {
  Sequential model({layers::Input({2}), layers::Lambda([](const Tensor& t) { return t * 2.0f; }, name = "twice")});
  const std::string message = test_support::message_of([&] { models::clone_model(model); });
  EXPECT_NE(message.find("clone_model cannot clone model"), std::string::npos) << message;
  EXPECT_NE(message.find("Lambda"), std::string::npos) << message;
  EXPECT_NE(message.find("Hint:"), std::string::npos) << message;
}

// layer.trainable = false, as Keras 3 does it: the setter freezes the variables the layer made trainable and
// propagates to inner layers, so models leave frozen weights out of training.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

// Keras's transfer-learning guide: a layer set trainable=false inside a model keeps its weights through fit, and
// the model's trainable weights leave it out.
TEST(Freezing, AFrozenLayerKeepsItsWeightsThroughFit) {
  utils::set_random_seed(8);
  layers::Dense first(3, activation = "relu"), second(3, activation = "sigmoid");
  Sequential model({Input({3}), first, second});
  first.set_trainable(false);
  EXPECT_EQ(model.trainable_weights().size(), 2u);
  EXPECT_EQ(model.non_trainable_weights().size(), 2u);
  const std::vector<float> kernel = first.get_weights()[0].to_vector(), bias = first.get_weights()[1].to_vector();
  model.compile(optimizer = "adam", loss = "mse");
  model.fit(random::uniform({8, 3}), random::uniform({8, 3}), epochs = 2, verbose = 0);
  EXPECT_EQ(first.get_weights()[0].to_vector(), kernel);
  EXPECT_EQ(first.get_weights()[1].to_vector(), bias);
  EXPECT_NE(second.get_weights()[0].to_vector(), std::vector<float>(9, 0.0f));
}

TEST(Freezing, TrainableIsPropagatedRecursivelyAndOnlyToWeightsMadeTrainable) {
  layers::Dense dense(4);
  layers::BatchNormalization bn;
  Sequential inner({Input({3}), dense, bn});
  Sequential outer({Input({3}), inner, layers::Dense(2, trainable = false)});
  EXPECT_EQ(outer.trainable_weights().size(), 4u);     // dense's kernel and bias, bn's gamma and beta
  EXPECT_EQ(outer.non_trainable_weights().size(), 4u);  // bn's moving statistics, the frozen Dense's two
  outer.set_trainable(false);
  EXPECT_FALSE(inner.trainable());
  EXPECT_FALSE(dense.trainable());
  EXPECT_TRUE(outer.trainable_weights().empty());
  EXPECT_EQ(outer.non_trainable_weights().size(), 8u);
  outer.set_trainable(true);
  EXPECT_EQ(outer.trainable_weights().size(), 6u);      // the last Dense too, now
  EXPECT_EQ(outer.non_trainable_weights().size(), 2u);  // the moving statistics never become trainable
}

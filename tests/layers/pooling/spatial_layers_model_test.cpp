// The pooling, padding, cropping, upsampling and noise layers together in a model that trains.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(SpatialPoolingModel, TrainsAndPredicts) {
  utils::set_random_seed(81);
  Tensor x = random::uniform({64, 8, 8, 2}, 0.0f, 255.0f);
  Tensor y = Tensor::empty({64, 1});
  for (int64_t i = 0; i < 64; ++i) y.data()[i] = x.at({i, 2, 3, 0}) > 127.5f ? 1.0f : 0.0f;
  Sequential model({Input({8, 8, 2}), layers::Rescaling(1.0 / 255), layers::GaussianNoise(0.05, seed = 1),
                    layers::ZeroPadding2D(1),            // 10 x 10
                    layers::MaxPooling2D(),              // 5 x 5
                    layers::SpatialDropout2D(0.1, seed = 2),
                    layers::UpSampling2D(),              // 10 x 10
                    layers::Cropping2D(1),               // 8 x 8
                    layers::AveragePooling2D(3, strides = 2, padding = "same"),  // 4 x 4
                    layers::Dense(8, activation = "relu"), layers::GlobalMaxPooling2D(), layers::Identity(),
                    layers::Dense(1, activation = "sigmoid")});
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  model.compile(optimizer = "adam", loss = "binary_crossentropy");
  History h = model.fit(x, y, epochs = 8, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  // Inference is deterministic: the noise and dropout layers are off.
  EXPECT_EQ(model.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
}

TEST(SpatialPoolingModel, SequenceModelGradients) {
  utils::set_random_seed(82);
  Sequential model({Input({12, 3}), layers::ZeroPadding1D({1, 2}), layers::Cropping1D({2, 1}),
                    layers::UpSampling1D(2), layers::AveragePooling1D(3, strides = 2), layers::SpatialDropout1D(0.3),
                    layers::Dense(4), layers::GlobalAveragePooling1D(), layers::Dense(2)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
  keras::test_support::expect_gradients_match(model, {random::normal({3, 12, 3})});
}

#include "keras/layers/preprocessing/rescaling.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Rescaling, Values) {
  Tensor pixels = Tensor({0, 51, 255, 127.5f}, {2, 2}).astype("uint8");
  Tensor y = layers::Rescaling(1.0 / 255)(pixels);
  EXPECT_EQ(y.dtype(), "float32");
  EXPECT_NEAR(y.data()[0], 0.0f, 1e-7);
  EXPECT_NEAR(y.data()[1], 0.2f, 1e-7);
  EXPECT_NEAR(y.data()[2], 1.0f, 1e-7);
  Tensor z = layers::Rescaling(1.0 / 127.5, -1.0)(Tensor({0, 127.5f, 255}, {1, 3}));
  EXPECT_NEAR(z.data()[0], -1.0f, 1e-6);
  EXPECT_NEAR(z.data()[1], 0.0f, 1e-6);
  EXPECT_NEAR(z.data()[2], 1.0f, 1e-6);
  EXPECT_EQ(layers::Rescaling(scale = 2.0, offset = 0.5)(Tensor({1, 2}, {2})).to_vector(),
            (std::vector<float>{2.5f, 4.5f}));
  // The same in training and inference.
  layers::Rescaling r(3.0);
  Tensor x = random::normal({4, 5});
  EXPECT_EQ(r.impl()->call_eager({x}, true).at(0).to_vector(), r(x).to_vector());
}

TEST(Rescaling, Shapes) {
  EXPECT_EQ(layers::Rescaling(0.5)(Input({28, 28, 1})).shape(), (Shape{None, 28, 28, 1}));
  EXPECT_EQ(layers::Rescaling(0.5)(Input({None})).shape(), (Shape{None, None}));
  Sequential model({Input({28, 28, 1}), layers::Rescaling(1.0 / 255), layers::Flatten(), layers::Dense(10)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 10}));
}

TEST(Rescaling, Gradients) {
  layers::Rescaling r(-2.5, 1.0);
  Tensor x = random::normal({3, 4});
  r(x);
  keras::test_support::expect_gradients_match(r, {x});
}

TEST(Rescaling, Errors) {
  EXPECT_THROW_WITH(layers::Rescaling(kw::Kwargs{}), "Rescaling.__init__() missing 1 required positional argument: "
                    "'scale'", "Hint:", "Rescaling(1.0 / 255)");
  EXPECT_THROW_WITH(layers::Rescaling(offset = 1.0), "missing 1 required positional argument: 'scale'", "Hint:");
}

TEST(Rescaling, ConfigAndRegistry) {
  layers::Rescaling r(0.25, 2.0);
  EXPECT_EQ(*r.impl()->config().get<double>("scale"), 0.25);
  EXPECT_EQ(*r.impl()->config().get<double>("offset"), 2.0);
  Tensor x = random::normal({2, 3});
  EXPECT_EQ(layers::from_config("Rescaling", r.impl()->config())(x).to_vector(), r(x).to_vector());
}

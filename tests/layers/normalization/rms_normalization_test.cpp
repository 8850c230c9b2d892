#include "keras/layers/normalization/rms_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

TEST(RMSNormalization, ShapesWeightsAndErrors) {
  utils::clear_session();
  layers::RMSNormalization rms;
  EXPECT_EQ(rms(Input(shape = {5, 8})).shape(), (Shape{None, 5, 8}));
  EXPECT_EQ(rms.name(), "rms_normalization");
  ASSERT_EQ(rms.impl()->variables().size(), 1u);
  EXPECT_EQ(rms.impl()->variables()[0]->name, "scale");
  EXPECT_EQ(rms.get_weights()[0].dims(), (std::vector<int64_t>{8}));
  EXPECT_EQ(rms.get_weights()[0].to_vector(), std::vector<float>(8, 1.0f));  // initializer "ones"
  layers::RMSNormalization block({1, 2});
  block(Input(shape = {5, 8}));
  EXPECT_EQ(block.count_params(), 40);

  EXPECT_THROW_WITH(layers::RMSNormalization(axis = 3)(Input(shape = {5, 8})),
                    "Axis 3 is out of bounds for input shape (None, 5, 8). Received: axis=3", "Hint:");
  EXPECT_THROW_WITH(layers::RMSNormalization({1, 3})(Input(shape = {2, 3, 4})),
                    "keraspp's RMSNormalization normalizes over adjacent axes only; received axis=(1, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::RMSNormalization()(Input(shape = {5, None})),
                    "Axis -1 of input tensor should have a defined dimension", "Hint:");
  // Built for 8 features, the layer refuses 6: its scale has 8 values.
  EXPECT_THROW_WITH(rms(Tensor::ones({2, 5, 6})), "expected axis -1 of input shape to have value 8", "scale");
}

// y = x * rsqrt(mean(x^2) + epsilon) * scale, in double here, over the last axis, a middle axis and two axes.
TEST(RMSNormalization, ValuesMatchTheDefinition) {
  utils::set_random_seed(7);
  const Tensor x = random::normal({2, 3, 4});
  struct Case {
    std::vector<int64_t> axes;
    layers::RMSNormalization rms;
  };
  for (Case k : {Case{{-1}, layers::RMSNormalization(epsilon = 0.01)},
                 Case{{1}, layers::RMSNormalization(1, epsilon = 0.01)},
                 Case{{1, 2}, layers::RMSNormalization({1, 2}, epsilon = 0.01)}}) {
    const std::vector<int64_t>& axes = k.axes;
    layers::RMSNormalization& rms = k.rms;
    SCOPED_TRACE(axes.size() == 2 ? "axes 1, 2" : "axis " + std::to_string(axes[0]));
    rms(x);
    const Tensor scale = random::uniform(rms.get_weights()[0].dims(), 0.5f, 1.5f);
    rms.set_weights({scale});
    const Tensor y = rms(x);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t c = 0; c < 4; ++c) {
          double ms = 0.0;
          int n = 0;
          for (int64_t r2 = 0; r2 < 3; ++r2)
            for (int64_t c2 = 0; c2 < 4; ++c2) {
              const bool same_slice = axes.size() == 2 || (axes[0] == 1 ? c2 == c : r2 == r);
              if (!same_slice) continue;
              ms += std::pow(x.at({b, r2, c2}), 2);
              ++n;
            }
          ms /= n;
          const float s = axes.size() == 2 ? scale.at({r, c}) : axes[0] == 1 ? scale.at({r}) : scale.at({c});
          EXPECT_NEAR(y.at({b, r, c}), x.at({b, r, c}) / std::sqrt(ms + 0.01) * s, 1e-5);
        }
  }
}

TEST(RMSNormalization, Gradients) {
  utils::set_random_seed(8);
  for (layers::RMSNormalization rms : {layers::RMSNormalization(), layers::RMSNormalization(1),
                                       layers::RMSNormalization({1, 2})}) {
    const Tensor x = random::normal({2, 3, 4});
    rms(x);
    rms.set_weights({random::uniform(rms.get_weights()[0].dims(), 0.5f, 1.5f)});
    kt::expect_gradients_match(rms, {x});
  }
}

TEST(RMSNormalization, SavingAndKerasConfig) {
  auto in = Input(shape = {3, 4});
  auto h = layers::RMSNormalization(epsilon = 1e-5)(in);
  h = layers::RMSNormalization({1, 2})(h);
  Model model(in, layers::Dense(2)(h));
  std::vector<Tensor> w = model.get_weights();
  for (Tensor& t : w) t = t + random::uniform(t.dims(), 0.1f, 0.5f);
  model.set_weights(w);
  Model loaded = kt::expect_keras_round_trip(model, random::normal({5, 3, 4}));
  const std::string json = loaded.to_json();
  EXPECT_NE(json.find("\"class_name\": \"RMSNormalization\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"epsilon\": 1e-05"), std::string::npos) << json;
  EXPECT_NE(json.find("\"axis\": [1, 2]"), std::string::npos) << json;
}

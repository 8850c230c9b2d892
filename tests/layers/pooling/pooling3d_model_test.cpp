// The 3-D pooling layers in a small volumetric model: it trains, its summary shows the pooled shapes, its gradients
// (through Conv3D's relu, which max pooling's backward applies) match finite differences, and it survives .keras.
#include <gtest/gtest.h>

#include <sstream>

#include "keras/keras.hpp"
#include "layers/pooling/pooling3d_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

Sequential volume_classifier() {
  return Sequential({Input({8, 8, 8, 1}), layers::Conv3D(8, 3, padding = "same", activation = "relu"),
                     layers::MaxPooling3D(), layers::GlobalAveragePooling3D(),
                     layers::Dense(1, activation = "sigmoid")});
}

// The summary line of the layer named `layer`.
std::string summary_line(const std::string& summary, const std::string& layer) {
  std::istringstream lines(summary);
  for (std::string line; std::getline(lines, line);)
    if (line.find(layer) != std::string::npos) return line;
  return "";
}

}  // namespace

TEST(Pooling3DModel, TrainsAndSummarizes) {
  utils::clear_session();
  utils::set_random_seed(91);
  Sequential model = volume_classifier();
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  const std::string summary = model.summary_string();
  EXPECT_NE(summary_line(summary, "conv3d (Conv3D)").find("(None, 8, 8, 8, 8)"), std::string::npos) << summary;
  EXPECT_NE(summary_line(summary, "max_pooling3d (MaxPooling3D)").find("(None, 4, 4, 4, 8)"), std::string::npos)
      << summary;
  // The name column wraps "(GlobalAveragePooling3D)" onto a second line.
  EXPECT_NE(summary_line(summary, "global_average_pooling3d").find("(None, 8)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Total params: 233"), std::string::npos) << summary;  // 3*3*3*8 + 8 + 8 + 1

  // Bright volumes against dark ones.
  Tensor x = random::uniform({32, 8, 8, 8, 1}, 0.0f, 1.0f);
  Tensor y = Tensor::empty({32, 1});
  for (int64_t i = 0; i < 32; ++i) {
    const float label = static_cast<float>(i % 2);
    y.data()[i] = label;
    for (int64_t j = 0; j < 512; ++j) x.data()[i * 512 + j] += label;
  }
  model.compile(optimizer = "adam", loss = "binary_crossentropy");
  History h = model.fit(x, y, epochs = 5, batch_size = 8, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  keras::test_support::expect_keras_round_trip(model, x);
}

TEST(Pooling3DModel, Gradients) {
  utils::set_random_seed(92);
  Sequential model({Input({4, 4, 4, 2}), layers::Conv3D(3, 2, padding = "same", activation = "relu"),
                    layers::MaxPooling3D(), layers::AveragePooling3D(2, strides = 1, padding = "same"),
                    layers::GlobalMaxPooling3D(), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {random::normal({2, 4, 4, 4, 2})});
}

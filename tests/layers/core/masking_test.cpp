#include "keras/layers/core/masking.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// (2, 3, 2): sample 0 step 1 and sample 1 step 2 are all zeros; sample 1 step 0 has one zero feature only.
Tensor padded() { return Tensor({1, 2, 0, 0, 3, 4, 0, 5, 6, 7, 0, 0}, {2, 3, 2}); }
}  // namespace

TEST(Masking, ShapesNameAndConfig) {
  layers::Masking m;
  EXPECT_EQ(m.name().rfind("masking", 0), 0u);
  EXPECT_EQ(m.class_name(), "Masking");
  EXPECT_EQ(m(Input({7, 3})).shape(), (Shape{None, 7, 3}));
  EXPECT_EQ(m.impl()->config().get<double>("mask_value"), 0.0);
  EXPECT_EQ(layers::Masking(-1.0).impl()->config().get<double>("mask_value"), -1.0);
  EXPECT_EQ(layers::Masking(mask_value = 2.5).impl()->config().get<double>("mask_value"), 2.5);
  EXPECT_TRUE(m.impl()->supports_masking());
  EXPECT_EQ(m.count_params(), 0);
}

TEST(Masking, ZeroesMaskedStepsAndComputesTheMask) {
  layers::Masking m;
  std::vector<Tensor> masks;
  Tensor y = m.call_masked({padded()}, {}, &masks).at(0);
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1, 2, 0, 0, 3, 4, 0, 5, 6, 7, 0, 0}));
  ASSERT_EQ(masks.size(), 1u);
  ASSERT_TRUE(masks[0].defined());
  EXPECT_EQ(masks[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(masks[0].dtype(), "bool");
  EXPECT_EQ(masks[0].to_vector(), (std::vector<float>{1, 0, 1, 1, 1, 0}));
  EXPECT_EQ(m.compute_mask(padded()).to_vector(), masks[0].to_vector());
}

TEST(Masking, NonZeroMaskValue) {
  layers::Masking m(-1.0);
  Tensor x({-1, -1, 2, -1, 0, 0}, {1, 3, 2});
  std::vector<Tensor> masks;
  Tensor y = m.call_masked({x}, {}, &masks).at(0);
  EXPECT_EQ(y.to_vector(), (std::vector<float>{0, 0, 2, -1, 0, 0}));
  EXPECT_EQ(masks.at(0).to_vector(), (std::vector<float>{0, 1, 1}));
}

TEST(Masking, GradientPassesOnlyThroughUnmaskedSteps) {
  layers::Masking m;
  // Away from the mask value the layer is the identity: the numerical check applies there.
  Tensor x = random::uniform({2, 4, 3}, 0.5f, 1.5f);
  m(x);
  keras::test_support::expect_gradients_match(m, {x});
  // At masked steps the mask is a constant (a step function of x), so the gradient there is 0.
  CallContext ctx;
  ctx.inputs = {padded()};
  ctx.outputs = m.impl()->forward(ctx);
  Tensor g = random::normal({2, 3, 2});
  Tensor dx = m.impl()->backward(ctx, {g}).at(0);
  const std::vector<float> keep{1, 0, 1, 1, 1, 0};
  for (int64_t i = 0; i < dx.size(); ++i) EXPECT_FLOAT_EQ(dx.data()[i], g.data()[i] * keep[static_cast<size_t>(i / 2)]);
}

TEST(Masking, MaskReachesGlobalAveragePooling1DInAModel) {
  Sequential model({layers::Masking(input_shape = {3, 2}), layers::GlobalAveragePooling1D()});
  Tensor y = model.predict(padded(), verbose = 0);
  ASSERT_EQ(y.shape(), (Shape{2, 2}));
  // Sample 0: steps 0 and 2; sample 1: steps 0 and 1 (a zero feature alone does not mask a step).
  EXPECT_FLOAT_EQ(y.at({0, 0}), (1 + 3) / 2.0f);
  EXPECT_FLOAT_EQ(y.at({0, 1}), (2 + 4) / 2.0f);
  EXPECT_FLOAT_EQ(y.at({1, 0}), (0 + 6) / 2.0f);
  EXPECT_FLOAT_EQ(y.at({1, 1}), (5 + 7) / 2.0f);
}

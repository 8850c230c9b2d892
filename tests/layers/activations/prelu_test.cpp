#include "keras/layers/activations/prelu.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// Normal values, none within 0.05 of the kink at 0.
Tensor inputs_off_kink(std::vector<int64_t> shape) {
  Tensor x = random::normal(std::move(shape));
  for (int64_t i = 0; i < x.size(); ++i)
    if (std::fabs(x.data()[i]) < 0.05f) x.data()[i] = x.data()[i] < 0 ? -0.1f : 0.1f;
  return x;
}

Layer find_layer(const Model& model, const std::string& class_name) {
  for (const Layer& l : model.layers())
    if (l.class_name() == class_name) return l;
  ADD_FAILURE() << "no " << class_name << " layer";
  return {};
}
}  // namespace

TEST(PReLU, ConstructionForms) {
  for (const layers::PReLU& layer :
       {layers::PReLU(), layers::PReLU("ones"), layers::PReLU(alpha_initializer = "zeros"),
        layers::PReLU(alpha_initializer = initializers::Constant(0.25), shared_axes = {1, 2}),
        layers::PReLU(shared_axes = 1), layers::PReLU(alpha_regularizer = regularizers::L2(0.01)),
        layers::PReLU(alpha_regularizer = "l1", shared_axes = None, name = "p")})
    EXPECT_EQ(layer.class_name(), "PReLU");
  utils::clear_session();
  EXPECT_EQ(layers::PReLU().name(), "p_re_lu");
  EXPECT_EQ(layers::PReLU().name(), "p_re_lu_1");
}

TEST(PReLU, AlphaShapeIsInputShapeWithoutBatchAndSharedAxesOne) {
  layers::PReLU full;
  EXPECT_EQ(full(random::normal({2, 4, 5, 3})).shape(), (Shape{2, 4, 5, 3}));
  ASSERT_EQ(full.get_weights().size(), 1u);
  EXPECT_EQ(full.get_weights()[0].shape(), (Shape{4, 5, 3}));
  EXPECT_EQ(full.count_params(), 60);
  EXPECT_EQ(full.impl()->own_variables()[0]->name, "alpha");
  EXPECT_EQ(full.trainable_weights().size(), 1u);

  layers::PReLU shared(shared_axes = {1, 2});
  auto y = shared(Input({4, 5, 3}));
  EXPECT_EQ(y.shape(), (Shape{None, 4, 5, 3}));
  EXPECT_EQ(shared.get_weights()[0].shape(), (Shape{1, 1, 3}));
  EXPECT_EQ(shared.count_params(), 3);

  // A shared axis may have any size, even None.
  layers::PReLU seq(shared_axes = 1);
  EXPECT_EQ(seq(Input({None, 6})).shape(), (Shape{None, None, 6}));
  EXPECT_EQ(seq.get_weights()[0].shape(), (Shape{1, 6}));
  EXPECT_EQ(seq(random::normal({2, 7, 6})).shape(), (Shape{2, 7, 6}));
  EXPECT_EQ(seq(random::normal({2, 3, 6})).shape(), (Shape{2, 3, 6}));

  // Default initializer: zeros, so the layer starts as a ReLU.
  Tensor x = random::normal({3, 4});
  layers::PReLU relu_like;
  Tensor r = relu_like(x);
  for (int64_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(r.data()[i], std::max(0.0f, x.data()[i]));
  EXPECT_EQ(relu_like.get_weights()[0].to_vector(), std::vector<float>(4, 0.0f));
}

TEST(PReLU, ValuesWithBroadcastAlpha) {
  utils::set_random_seed(11);
  layers::PReLU layer(shared_axes = {1});
  Tensor x = random::normal({2, 3, 4});
  layer(x);
  Tensor alpha({0.1f, 0.2f, 0.3f, 0.4f}, {1, 4});
  layer.set_weights({alpha});
  Tensor y = layer(x);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 3; ++t)
      for (int64_t c = 0; c < 4; ++c) {
        const float v = x.at({b, t, c});
        EXPECT_FLOAT_EQ(y.at({b, t, c}), v >= 0 ? v : alpha.data()[c] * v);
      }
  layers::PReLU quarter(alpha_initializer = initializers::Constant(0.25));
  Tensor z = quarter(Tensor({-4.0f, -1.0f, 0.0f, 2.0f}, {1, 4}));
  EXPECT_EQ(z.to_vector(), (std::vector<float>{-1.0f, -0.25f, 0.0f, 2.0f}));
}

TEST(PReLU, GradientsIncludingAlpha) {
  utils::set_random_seed(12);
  {
    layers::PReLU layer(alpha_initializer = initializers::RandomUniform(minval = 0.1, maxval = 0.9));
    Tensor x = inputs_off_kink({4, 6});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  {
    layers::PReLU layer(alpha_initializer = initializers::RandomUniform(minval = 0.1, maxval = 0.9),
                        shared_axes = {1, 2});
    Tensor x = inputs_off_kink({3, 4, 5, 2});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  {
    layers::PReLU layer(alpha_initializer = "ones", shared_axes = {2});
    Tensor x = inputs_off_kink({2, 3, 4});
    layer(x);
    layer.set_weights({random::uniform({3, 1}, -0.5f, 1.5f)});
    keras::test_support::expect_gradients_match(layer, {x});
  }
  Sequential model({Input({5}), layers::Dense(4), layers::PReLU(alpha_initializer = "ones"), layers::Dense(2)});
  find_layer(model, "PReLU").set_weights({random::uniform({4}, 0.1f, 0.5f)});
  keras::test_support::expect_gradients_match(model, {inputs_off_kink({3, 5})});
}

TEST(PReLU, AlphaRegularizer) {
  layers::PReLU layer(alpha_initializer = initializers::Constant(0.5), alpha_regularizer = regularizers::L2(0.1));
  EXPECT_DOUBLE_EQ(layer.impl()->regularization_penalty(false), 0.0);  // not built yet
  layer(random::normal({2, 4, 3}));
  EXPECT_NEAR(layer.impl()->regularization_penalty(false), 0.1 * 12 * 0.25, 1e-7);
  auto alpha = layer.impl()->own_variables()[0];
  alpha->grad = Tensor();
  EXPECT_NEAR(layer.impl()->regularization_penalty(true), 0.3, 1e-7);
  ASSERT_TRUE(alpha->grad.defined());
  for (float g : alpha->grad.to_vector()) EXPECT_NEAR(g, 2 * 0.1 * 0.5, 1e-7);
  layers::PReLU plain;
  plain(random::normal({2, 3}));
  EXPECT_DOUBLE_EQ(plain.impl()->regularization_penalty(true), 0.0);
}

TEST(PReLU, TrainsInAModel) {
  utils::set_random_seed(13);
  Tensor x = random::normal({64, 3});
  Tensor y = Tensor::empty({64, 1});
  for (int64_t i = 0; i < 64; ++i) y.data()[i] = x.at({i, 0}) < 0 ? 0.5f * x.at({i, 0}) : x.at({i, 0});
  Sequential model({Input({3}), layers::Dense(1, kernel_initializer = "ones"), layers::PReLU()});
  model.compile(optimizer = optimizers::SGD(learning_rate = 0.05), loss = "mse");
  History h = model.fit(x, y, epochs = 20, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  EXPECT_NE(find_layer(model, "PReLU").get_weights()[0].to_vector(), std::vector<float>{0.0f});  // alpha learned
}

TEST(PReLU, Errors) {
  // Non-shared axes fix the input size, as the weights do.
  layers::PReLU layer;
  layer(random::normal({2, 5}));
  EXPECT_THROW_WITH(layer(random::normal({2, 6})), "Input 0 of layer \"", "of input shape to have value 5",
                    "Hint:");
  EXPECT_THROW_WITH(layers::PReLU(shared_axes = {0})(Input({4, 3})),
                    "Invalid value for argument `shared_axes`: axis 0 is not a non-batch axis of the input shape "
                    "(None, 4, 3)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::PReLU(shared_axes = {3})(Input({4, 3})), "axis 3 is not a non-batch axis", "Hint:");
  EXPECT_THROW_WITH(layers::PReLU()(Input({None, 3})), "PReLU needs the size of every axis it does not share",
                    "Hint:", "shared_axes={1}");
  EXPECT_THROW_WITH(layers::PReLU(alpha_initializer = "zeroes"), "Could not interpret initializer identifier: zeroes");
  EXPECT_THROW_WITH(layers::PReLU(alpha_regularizer = "l3"), "Could not interpret regularizer identifier: l3", "Hint:");
}

TEST(PReLU, ConfigAndRegistry) {
  layers::PReLU layer(alpha_initializer = initializers::Constant(0.3), shared_axes = {1});
  Layer copy = layers::from_config("PReLU", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "PReLU");
  Tensor x = random::normal({2, 3, 4});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
  EXPECT_EQ(copy.get_weights()[0].shape(), (Shape{1, 4}));
}

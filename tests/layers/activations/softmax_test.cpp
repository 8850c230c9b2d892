#include "keras/layers/activations/softmax.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// softmax along `axis` of a rank-3 tensor, the formula written out in double.
Tensor softmax_ref(const Tensor& x, int axis) {
  Tensor y = Tensor::empty(x.dims());
  const auto& d = x.dims();
  for (int64_t a = 0; a < d[0]; ++a)
    for (int64_t b = 0; b < d[1]; ++b)
      for (int64_t c = 0; c < d[2]; ++c) {
        int64_t idx[3] = {a, b, c};
        double m = -1e30, s = 0;
        for (int64_t k = 0; k < d[static_cast<size_t>(axis)]; ++k) {
          int64_t j[3] = {a, b, c};
          j[axis] = k;
          m = std::max(m, static_cast<double>(x.at({j[0], j[1], j[2]})));
        }
        for (int64_t k = 0; k < d[static_cast<size_t>(axis)]; ++k) {
          int64_t j[3] = {a, b, c};
          j[axis] = k;
          s += std::exp(x.at({j[0], j[1], j[2]}) - m);
        }
        y.at({a, b, c}) = static_cast<float>(std::exp(x.at({idx[0], idx[1], idx[2]}) - m) / s);
      }
  return y;
}
}  // namespace

TEST(Softmax, ConstructionForms) {
  for (const layers::Softmax& layer : {layers::Softmax(), layers::Softmax(1), layers::Softmax(axis = -2),
                                       layers::Softmax(axis = None, name = "sm")})
    EXPECT_EQ(layer.class_name(), "Softmax");
  utils::clear_session();
  EXPECT_EQ(layers::Softmax().name(), "softmax");
  EXPECT_EQ(layers::Softmax().name(), "softmax_1");
  EXPECT_TRUE(layers::Softmax().built());  // weightless: built at construction, as in Keras
  EXPECT_EQ(layers::Softmax().count_params(), 0);
}

TEST(Softmax, KerasDocstringExample) {
  Tensor y = layers::Softmax()(Tensor{1.0f, 2.0f, 1.0f});
  EXPECT_NEAR(y.data()[0], 0.21194157, 1e-6);
  EXPECT_NEAR(y.data()[1], 0.5761169, 1e-6);
  EXPECT_NEAR(y.data()[2], 0.21194157, 1e-6);
}

TEST(Softmax, AnyAxis) {
  utils::set_random_seed(21);
  Tensor x = random::normal({3, 4, 5}) * 3.0f;
  for (int axis : {-1, 2, 1, -2, 0, -3}) {
    SCOPED_TRACE(axis);
    Tensor y = layers::Softmax(axis)(x);
    ASSERT_EQ(y.shape(), x.shape());
    Tensor ref = softmax_ref(x, axis < 0 ? axis + 3 : axis);
    EXPECT_LT(max_abs_diff(y, ref), 1e-6);
  }
  // Trailing axes of size 1: still along `axis`.
  Tensor t = random::normal({2, 6, 1});
  Tensor yt = layers::Softmax(1)(t);
  EXPECT_LT(max_abs_diff(yt, softmax_ref(t, 1)), 1e-6);
  // Shapes, symbolically.
  EXPECT_EQ(layers::Softmax(1)(Input({7, 2})).shape(), (Shape{None, 7, 2}));
}

TEST(Softmax, Gradients) {
  utils::set_random_seed(22);
  for (int axis : {-1, 1, 0, 2}) {
    SCOPED_TRACE(axis);
    layers::Softmax layer(axis);
    Tensor x = random::normal({3, 4, 5});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  layers::Softmax trailing(1);
  Tensor t = random::normal({2, 6, 1});
  trailing(t);
  keras::test_support::expect_gradients_match(trailing, {t});
}

TEST(Softmax, Errors) {
  EXPECT_THROW_WITH(layers::Softmax(3)(Input({4, 5})), "axis 3 is out of bounds for array of dimension 3", "Hint:");
  EXPECT_THROW_WITH(layers::Softmax(-4)(random::normal({2, 3, 4})), "axis -4 is out of bounds for array of dimension 3",
                    "Hint:");
}

TEST(Softmax, ConfigAndRegistry) {
  layers::Softmax layer(1);
  Layer copy = layers::from_config("Softmax", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "Softmax");
  Tensor x = random::normal({2, 3, 4});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
}

TEST(Softmax, LossWorksFromTheLogitsOnTheLastAxis) {
  layers::Softmax last, last_explicit(2), middle(1);
  Tensor x = random::normal({2, 3, 4});
  last(x);
  last_explicit(x);
  middle(x);
  EXPECT_EQ(last.impl()->final_activation(), "softmax");
  EXPECT_EQ(last_explicit.impl()->final_activation(), "softmax");
  EXPECT_EQ(middle.impl()->final_activation(), "");
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = last.impl()->forward(ctx);
  EXPECT_TRUE(last.impl()->preactivation(ctx).shares_storage_with(x));
  Tensor g = random::normal({2, 3, 4});
  ctx.grad_wrt_preactivation = true;
  EXPECT_EQ(last.impl()->backward(ctx, {g}).at(0).to_vector(), g.to_vector());
}

namespace {
// Trains `fused` (softmax or sigmoid as its own layer) and `reference` (the same activation inside Dense) for a few
// steps from the same weights: the losses and weights must agree, whichever way the loss computes.
void expect_same_training(Sequential fused, Sequential reference, const Tensor& x, const Tensor& y, const char* loss_name) {
  reference.set_weights(fused.get_weights());
  for (Sequential* m : {&fused, &reference}) m->compile(optimizer = optimizers::SGD(learning_rate = 0.5), loss = loss_name);
  History a = fused.fit(x, y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0);
  History b = reference.fit(x, y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(a.history.at("loss")[i], b.history.at("loss")[i], 1e-5);
  auto wa = fused.get_weights(), wb = reference.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_LT(max_abs_diff(wa[i], wb[i]), 1e-5);
  EXPECT_NEAR(fused.evaluate(x, y, verbose = 0)[0], reference.evaluate(x, y, verbose = 0)[0], 1e-5);
}
}  // namespace

TEST(Softmax, TrainsLikeDenseWithSoftmaxActivation) {
  utils::set_random_seed(23);
  Tensor x = random::normal({32, 5});
  Tensor y = random::randint(0, 3, {32});
  expect_same_training(Sequential({Input({5}), layers::Dense(3), layers::Softmax()}),
                       Sequential({Input({5}), layers::Dense(3, activation = "softmax")}), x, y,
                       "sparse_categorical_crossentropy");
}

TEST(ActivationFusedLoss, SoftmaxAndSigmoidLayersWorkFromTheLogits) {
  layers::Activation softmax("softmax"), sigmoid("sigmoid"), tanh("tanh");
  EXPECT_EQ(softmax.impl()->final_activation(), "softmax");
  EXPECT_EQ(sigmoid.impl()->final_activation(), "sigmoid");
  EXPECT_EQ(tanh.impl()->final_activation(), "");
  Tensor x = random::normal({3, 4});
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = sigmoid.impl()->forward(ctx);
  EXPECT_TRUE(sigmoid.impl()->preactivation(ctx).shares_storage_with(x));
  ctx.grad_wrt_preactivation = true;
  Tensor g = random::normal({3, 4});
  EXPECT_EQ(sigmoid.impl()->backward(ctx, {g}).at(0).to_vector(), g.to_vector());

  utils::set_random_seed(24);
  Tensor xs = random::normal({32, 5});
  Tensor ys = random::randint(0, 3, {32});
  expect_same_training(Sequential({Input({5}), layers::Dense(3), layers::Activation("softmax")}),
                       Sequential({Input({5}), layers::Dense(3, activation = "softmax")}), xs, ys,
                       "sparse_categorical_crossentropy");
  Tensor yb = random::randint(0, 2, {32, 1});
  expect_same_training(Sequential({Input({5}), layers::Dense(1), layers::Activation("sigmoid")}),
                       Sequential({Input({5}), layers::Dense(1, activation = "sigmoid")}), xs, yb,
                       "binary_crossentropy");
}

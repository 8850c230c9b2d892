// activity_regularizer=, which every Keras layer takes: each call adds regularizer(output) to the loss that fit and
// evaluate report, and its gradient to training. Models fuse some layers with their neighbours (a softmax into the
// loss, a relu into the next layer's backward or the previous layer's output, a convolution into its pooling); a
// layer with an activity regularizer must still see its own output, so each of those cases is checked here.
#include <gtest/gtest.h>

#include <cmath>
#include <iterator>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::mse;
namespace kt = keras::test_support;

namespace {

double l2_penalty(const Tensor& t, double l2) {
  double s = 0;
  for (float v : t.to_vector()) s += l2 * static_cast<double>(v) * v;
  return s;
}

double l1_penalty(const Tensor& t, double l1) {
  double s = 0;
  for (float v : t.to_vector()) s += l1 * std::fabs(v);
  return s;
}

}  // namespace

TEST(ActivityRegularizer, EvaluateAddsThePenaltyOfTheLayerOutput) {
  utils::set_random_seed(3);
  auto in = Input(shape = {5});
  auto h = layers::Dense(4, activation = "tanh", activity_regularizer = regularizers::L2(0.1))(in);
  Model model(in, layers::Dense(2)(h));
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  Tensor x = random::normal({6, 5}), y = random::normal({6, 2});
  const Tensor hidden = Model(in, h).predict(x, verbose = 0);
  const double want = mse(model.predict(x, verbose = 0), y) + l2_penalty(hidden, 0.1);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), want, 1e-5);
  History hist = model.fit(x, y, epochs = 1, batch_size = 6, shuffle = false, verbose = 0);
  EXPECT_NEAR(hist.history.at("loss").at(0), want, 1e-5);
}

TEST(ActivityRegularizer, TrainingGradientIncludesThePenalty) {
  utils::set_random_seed(4);
  Sequential model({Input({3}), layers::Dense(4, activation = "tanh", activity_regularizer = "l1"),
                    layers::Dense(2, activity_regularizer = regularizers::L1L2(0.05, 0.1))});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  kt::expect_fit_step_follows_loss_gradient(model, random::normal({4, 3}), random::normal({4, 2}));
}

TEST(ActivityRegularizer, SoftmaxOutputIsNotFusedIntoTheLoss) {
  // The loss normally works from the logits of a softmax output; the penalty is on the softmax itself.
  utils::set_random_seed(5);
  Sequential model({Input({3}), layers::Dense(4, activation = "softmax", activity_regularizer = regularizers::L2(0.5))});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "sparse_categorical_crossentropy");
  Tensor x = random::normal({5, 3});
  Tensor y = Tensor({0, 3, 1, 2, 1}, {5});
  kt::expect_fit_step_follows_loss_gradient(model, x, y);
}

TEST(ActivityRegularizer, ReluLayerFeedingMaxPoolingKeepsItsOutputGradient) {
  // Max pooling usually applies its input's relu gradient itself; a layer with an activity regularizer gets the
  // gradient of its own output instead (for L1 and L2 both ways give the same numbers: their gradient is 0 where the
  // relu is, so this checks the unfolded path, not a difference).
  utils::set_random_seed(6);
  Sequential model({Input({4, 4, 6}),
                    layers::Conv2D(3, 3, padding = "same", activation = "relu", activity_regularizer = "l2"),
                    layers::MaxPooling2D(2), layers::Flatten(), layers::Dense(2)});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  kt::expect_fit_step_follows_loss_gradient(model, random::normal({2, 4, 4, 6}), random::normal({2, 2}));
}

TEST(ActivityRegularizer, ConvolutionIsNotFusedWithItsPooling) {
  // One input channel: without the regularizer the convolution and its pooling run as one kernel.
  utils::set_random_seed(7);
  auto in = Input(shape = {6, 6, 1});
  auto conv = layers::Conv2D(2, 3, activation = "relu", activity_regularizer = "l1")(in);
  Model model(in, layers::Dense(2)(layers::Flatten()(layers::MaxPooling2D(2)(conv))));
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  Tensor x = random::normal({2, 6, 6, 1}), y = random::normal({2, 2});
  const Tensor conv_out = Model(in, conv).predict(x, verbose = 0);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0),
              mse(model.predict(x, verbose = 0), y) + l1_penalty(conv_out, 0.01), 1e-5);
  kt::expect_fit_step_follows_loss_gradient(model, x, y);
}

TEST(ActivityRegularizer, BatchNormalizationPenalizesItsOutputBeforeTheRelu) {
  // A relu layer after BatchNormalization is normally applied by the normalization as it writes its output.
  utils::set_random_seed(8);
  auto in = Input(shape = {4});
  auto bn = layers::BatchNormalization(activity_regularizer = regularizers::L1(0.1))(in);
  Model model(in, layers::ReLU()(bn));
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({6, 4}), y = random::normal({6, 4});
  const Tensor before_relu = Model(in, bn).predict(x, verbose = 0);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0),
              mse(model.predict(x, verbose = 0), y) + l1_penalty(before_relu, 0.1), 1e-5);
}

TEST(ActivityRegularizer, EveryOutputOfALayerIsPenalized) {
  // An LSTM with return_state has three outputs: the sequence's last output, h and c (h is the output again).
  utils::set_random_seed(9);
  auto in = Input(shape = {3, 2});
  auto outs = layers::LSTM(2, return_state = true, activity_regularizer = regularizers::L2(1.0)).call_outputs({in});
  Model model(in, layers::Dense(1)(outs.at(0)));
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({4, 3, 2}), y = random::normal({4, 1});
  Prediction states = Model(in, outs).predict(x, verbose = 0);
  double penalty = 0;
  for (const Tensor& t : states.outputs()) penalty += l2_penalty(t, 1.0);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), mse(model.predict(x, verbose = 0), y) + penalty, 1e-4);
}

TEST(ActivityRegularizer, UnknownNameFailsWhenTheLayerIsMade) {
  EXPECT_THROW_WITH(layers::Dense(2, activity_regularizer = "l3"), "Could not interpret regularizer identifier: l3");
}

TEST(ActivityRegularizer, WrappersRefuseAWrappedLayerWithOne) {
  EXPECT_THROW(layers::TimeDistributed(layers::Dense(2, activity_regularizer = "l2")), ValueError);
  EXPECT_THROW(layers::Bidirectional(layers::LSTM(2, activity_regularizer = "l2")), ValueError);
  EXPECT_THROW(layers::ActivityRegularization(0.1, activity_regularizer = "l2"), ValueError);
}

TEST(ActivityRegularizer, SavedWhereKerasWritesIt) {
  auto in = Input(shape = {4, 4, 2});
  auto c = layers::Conv2D(2, 3)(in);
  auto d = layers::Dense(3, activity_regularizer = regularizers::L2(0.25))(layers::Flatten()(c));
  Model model(in, d);
  Model loaded = kt::expect_keras_round_trip(model, random::normal({2, 4, 4, 2}));
  // Keras 3: Dense leaves it to Layer.get_config (after dtype, only when set); Conv writes it among its own keys.
  const auto dense = kt::saved_layer_config(loaded, "Dense");
  auto key = dense.begin();
  std::advance(key, 3);
  EXPECT_EQ(key.key(), "activity_regularizer");
  EXPECT_EQ((*key)["class_name"], "L2");
  EXPECT_EQ((*key)["config"]["l2"], 0.25);
  EXPECT_TRUE(kt::saved_layer_config(loaded, "Conv2D")["activity_regularizer"].is_null());
  EXPECT_TRUE(kt::saved_layer_config(loaded, "Conv2D")["kernel_constraint"].is_null());
  ASSERT_TRUE(loaded.layers().back().impl()->activity_regularizer());
  EXPECT_EQ(loaded.layers().back().impl()->activity_regularizer()->class_name(), "L2");
  Sequential plain({Input({3}), layers::Dense(2)});
  EXPECT_FALSE(kt::saved_layer_config(plain, "Dense").contains("activity_regularizer"));
}

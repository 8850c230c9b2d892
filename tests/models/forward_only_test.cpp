// predict() and evaluate() drop intermediate values as soon as they are used (models/forward_only.hpp); these
// graphs reuse a value late (a skip connection), expose an intermediate value as an output and end in a fused
// softmax + cross-entropy, the cases where dropping too early would change the numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

void expect_same_tensor(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], b.data()[i]) << "at " << i;
}

}  // namespace

TEST(ForwardOnly, SkipConnectionAndIntermediateOutputMatchTheEagerCall) {
  utils::set_random_seed(3);
  auto x = Input({6});
  auto h1 = layers::Dense(8, activation = "relu")(x);
  auto h2 = layers::Dense(8, activation = "tanh")(h1);
  auto h3 = layers::Dense(8)(h2);
  auto sum = layers::Add()({h1, h3});  // h1 is read again three nodes later
  auto out = layers::Dense(3, activation = "softmax")(sum);
  Model model(x, {out, h2});  // h2 is both an output and an input of a later node
  Tensor data = random::normal({10, 6});
  std::vector<Tensor> eager = model(std::vector<Tensor>{data});
  Prediction p = model.predict(data, batch_size = 4, verbose = 0);
  ASSERT_EQ(p.num_outputs(), 2u);
  expect_same_tensor(p[0], eager[0]);
  expect_same_tensor(p[1], eager[1]);
  Prediction q = model.predict_on_batch(data);
  expect_same_tensor(q[0], eager[0]);
  expect_same_tensor(q[1], eager[1]);
}

TEST(ForwardOnly, EvaluateMatchesTheLossOfPredict) {
  utils::set_random_seed(4);
  auto x = Input({5});
  auto h = layers::Dense(7, activation = "relu")(x);
  auto out = layers::Dense(4, activation = "softmax")(layers::Concatenate()({h, x}));
  Model model(x, out);
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  Tensor data = random::normal({12, 5});
  Tensor labels = Tensor::zeros({12});
  for (int64_t i = 0; i < 12; ++i) labels.data()[i] = static_cast<float>(i % 4);
  std::vector<double> logs = model.evaluate(data, labels, batch_size = 12, verbose = 0);
  Tensor p = model.predict(data, verbose = 0);
  double ce = 0;
  int correct = 0;
  for (int64_t i = 0; i < 12; ++i) {
    const float* row = p.data() + i * 4;
    ce -= std::log(row[i % 4]);
    correct += std::max_element(row, row + 4) - row == i % 4;
  }
  EXPECT_NEAR(logs[0], ce / 12, 1e-5);
  EXPECT_NEAR(logs[1], correct / 12.0, 1e-9);
  // A training step after the forward-only calls still has every context it needs.
  model.fit(data, labels, epochs = 1, batch_size = 4, verbose = 0);
}

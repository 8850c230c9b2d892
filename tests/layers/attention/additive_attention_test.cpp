#include "keras/layers/attention/additive_attention.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

TEST(AdditiveAttention, ShapesWeightsAndErrors) {
  utils::clear_session();
  auto q = Input(shape = {4, 6}), v = Input(shape = {5, 3}), k = Input(shape = {5, 6});
  layers::AdditiveAttention att;
  EXPECT_EQ(att({q, v, k}).shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(att.name(), "additive_attention");
  ASSERT_EQ(att.impl()->variables().size(), 1u);
  EXPECT_EQ(att.impl()->variables()[0]->name, "scale");
  const Tensor scale = att.get_weights()[0];
  EXPECT_EQ(scale.dims(), (std::vector<int64_t>{6}));
  // glorot_uniform on a (6,) vector: fan_in = fan_out = 6, limit sqrt(6 / 12).
  for (float s : scale.to_vector()) EXPECT_LE(std::fabs(s), std::sqrt(0.5f) + 1e-6f);
  EXPECT_EQ(layers::AdditiveAttention(use_scale = false)({q, k}).shape(), (Shape{None, 4, 6}));
  auto [y, scores] = layers::AdditiveAttention()({q, k}, return_attention_scores = true);
  EXPECT_EQ(scores.shape(), (Shape{None, 4, 5}));

  EXPECT_THROW_WITH(layers::AdditiveAttention()({q, Input(shape = {5, 4})}),
                    "must have the same number of features to be scored against each other", "Hint:");
  // Built for 6 query features, its scale has 6 entries.
  EXPECT_THROW_WITH(att({Input(shape = {4, 3}), v, Input(shape = {5, 3})}),
                    "expected axis -1 of input shape to have value 6", "its scale has one entry per feature");
}

// scores = sum(scale * tanh(q_i + k_j)); softmax over j with the value's mask; times the value.
TEST(AdditiveAttention, ValuesMatchTheDefinition) {
  utils::set_random_seed(21);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 5, 2}), k = random::normal({2, 5, 4});
  const Tensor a = random::uniform({4}, -1.0f, 1.0f);
  const std::vector<float> v_mask{1, 0, 1, 1, 1, 0, 1, 1, 0, 1};
  layers::AdditiveAttention att;
  att({q, v, k});
  att.set_weights({a});
  std::vector<Tensor> out = att.call_masked({q, v, k}, {Tensor(), Tensor(v_mask, {2, 5}), Tensor()});
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<double> w(5);
      double top = -1e300, sum = 0.0;
      for (int64_t j = 0; j < 5; ++j) {
        double s = 0.0;
        for (int64_t e = 0; e < 4; ++e) s += a.at({e}) * std::tanh(static_cast<double>(q.at({b, i, e})) + k.at({b, j, e}));
        if (v_mask[static_cast<size_t>(b * 5 + j)] == 0.0f) s = static_cast<float>(s) - 1e9f;
        w[static_cast<size_t>(j)] = s;
        top = std::max(top, s);
      }
      for (double& x : w) sum += (x = std::exp(x - top));
      for (int64_t e = 0; e < 2; ++e) {
        double y = 0.0;
        for (int64_t j = 0; j < 5; ++j) y += w[static_cast<size_t>(j)] / sum * v.at({b, j, e});
        EXPECT_NEAR(out[0].at({b, i, e}), y, 1e-5);
      }
    }
}

TEST(AdditiveAttention, Gradients) {
  utils::set_random_seed(22);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 5, 2}), k = random::normal({2, 5, 4});
  layers::AdditiveAttention att;
  att({q, v, k});
  kt::expect_gradients_match(att, {q, v, k});
  kt::GradCheckOptions opt;
  opt.flags = {{"use_causal_mask", true}, {"return_attention_scores", true}};
  kt::expect_gradients_match(att, {q, v, k}, opt);
  layers::AdditiveAttention plain(use_scale = false);
  const Tensor x = random::normal({2, 4, 3});
  plain({x, x});
  kt::expect_gradients_match(plain, {x, x});
}

TEST(AdditiveAttention, SavingAndKerasConfig) {
  utils::set_random_seed(23);
  auto q = Input(shape = {3, 4}), v = Input(shape = {5, 4});
  Model model({q, v}, layers::AdditiveAttention(dropout = 0.1)({q, v}));
  const std::string json = model.to_json();
  EXPECT_NE(json.find("\"use_scale\": true, \"dropout\": 0.1}"), std::string::npos) << json;
  EXPECT_EQ(json.find("score_mode"), std::string::npos) << json;
  kt::expect_keras_round_trip(model, std::vector<Tensor>{random::normal({2, 3, 4}), random::normal({2, 5, 4})});
}

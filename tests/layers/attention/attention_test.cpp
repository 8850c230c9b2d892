#include "keras/layers/attention/attention.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {

// Keras's Attention._apply_scores in double for given raw scores(b, i, j): the value mask (b, j) and the causal mask
// subtract 1e9 (in float32, as Keras does), softmax over j, times the value; rows where the query mask is 0 are zero.
struct LuongReference {
  std::vector<double> y, weights;
};
LuongReference luong_reference(const std::function<double(int64_t, int64_t, int64_t)>& score, const Tensor& v,
                               int64_t tq, const std::vector<float>& v_mask, const std::vector<float>& q_mask,
                               bool causal) {
  const int64_t B = v.dim(0), tv = v.dim(1), dv = v.dim(2);
  LuongReference r;
  r.y.assign(static_cast<size_t>(B * tq * dv), 0.0);
  r.weights.assign(static_cast<size_t>(B * tq * tv), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < tq; ++i) {
      std::vector<double> s(static_cast<size_t>(tv));
      for (int64_t j = 0; j < tv; ++j) {
        s[static_cast<size_t>(j)] = score(b, i, j);
        const bool masked = (!v_mask.empty() && v_mask[static_cast<size_t>(b * tv + j)] == 0.0f) || (causal && j > i);
        if (masked) s[static_cast<size_t>(j)] = static_cast<float>(s[static_cast<size_t>(j)]) - 1e9f;
      }
      double top = s[0], sum = 0.0;
      for (double x : s) top = std::max(top, x);
      for (double& x : s) sum += (x = std::exp(x - top));
      for (int64_t j = 0; j < tv; ++j) r.weights[static_cast<size_t>((b * tq + i) * tv + j)] = s[static_cast<size_t>(j)] / sum;
      if (!q_mask.empty() && q_mask[static_cast<size_t>(b * tq + i)] == 0.0f) continue;
      for (int64_t e = 0; e < dv; ++e) {
        double y = 0.0;
        for (int64_t j = 0; j < tv; ++j) y += r.weights[static_cast<size_t>((b * tq + i) * tv + j)] * v.at({b, j, e});
        r.y[static_cast<size_t>((b * tq + i) * dv + e)] = y;
      }
    }
  return r;
}


}  // namespace

TEST(Attention, ShapesWeightsAndNames) {
  utils::clear_session();
  auto q = Input(shape = {4, 6}), v = Input(shape = {5, 3}), k = Input(shape = {5, 6});
  layers::Attention att;
  EXPECT_EQ(att({q, v, k}).shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(att.name(), "attention");
  EXPECT_EQ(att.count_params(), 0);
  auto [y, scores] = layers::Attention(use_scale = true, score_mode = "concat")({q, k, k}, return_attention_scores = true);
  EXPECT_EQ(y.shape(), (Shape{None, 4, 6}));
  EXPECT_EQ(scores.shape(), (Shape{None, 4, 5}));
  layers::Attention both(use_scale = true, score_mode = "concat");
  both({q, q});
  ASSERT_EQ(both.impl()->variables().size(), 2u);
  EXPECT_EQ(both.impl()->variables()[0]->name, "scale");
  EXPECT_EQ(both.impl()->variables()[1]->name, "concat_score_weight");
  EXPECT_EQ(both.get_weights()[0].dims(), std::vector<int64_t>{});
  EXPECT_EQ(both.get_weights()[1].to_vector(), std::vector<float>{1.0f});
}

TEST(Attention, ErrorsNameTheLayerAndTheFix) {
  utils::clear_session();
  auto q = Input(shape = {4, 6});
  EXPECT_THROW_WITH(layers::Attention()(q), "Attention layer must be called on a list of inputs, namely [query, value] "
                                            "or [query, value, key].",
                    "({x, x})");
  EXPECT_THROW_WITH(layers::Attention()({q, q, q, q}), "Attention layer accepts inputs list of length 2 or 3",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Attention()({q, Input(shape = {5, 4})}),
                    "The query and the value (which is the key) of layer \"attention_2\" must have the same number of "
                    "features",
                    "layers::Dense(6) on the value");
  EXPECT_THROW_WITH(layers::Attention()({q, Input(shape = {5, 4}), Input(shape = {6, 6})}),
                    "The key and the value of layer \"attention_3\" must have the same number of positions", "Hint:");
  EXPECT_THROW_WITH(layers::Attention()({Input(shape = {6}), q}),
                    "Input 0 of layer \"attention_4\" is incompatible with the layer: expected ndim=3, found ndim=2",
                    "layers::Reshape({1, features})");
  EXPECT_THROW_WITH(layers::Attention(score_mode = "add"),
                    "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: "
                    "score_mode=add",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Attention(dropout = -0.5), "Expected a float value between 0 and 1", "Hint:");
  EXPECT_THROW_WITH(layers::Attention()({q, q}, key = q), "Attention.call() got an unexpected keyword argument 'key'",
                    "{query, value, key}");
}

TEST(Attention, ValuesMatchTheDefinition) {
  utils::set_random_seed(11);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 5, 2}), k = random::normal({2, 5, 4});
  const std::vector<float> v_mask{1, 1, 0, 1, 0, 1, 0, 0, 0, 0};  // sample 1 may attend to position 0 only
  const std::vector<float> q_mask{1, 0, 1, 1, 1, 1};
  auto dot = [&](int64_t b, int64_t i, int64_t j) {
    double s = 0.0;
    for (int64_t e = 0; e < 4; ++e) s += static_cast<double>(q.at({b, i, e})) * k.at({b, j, e});
    return s;
  };
  {
    layers::Attention att(use_scale = true);
    att({q, v, k});
    att.set_weights({Tensor::scalar(0.7f)});
    auto [y, w] = att({q, v, k}, return_attention_scores = true);
    const auto r = luong_reference([&](int64_t b, int64_t i, int64_t j) { return 0.7 * dot(b, i, j); }, v, 3, {}, {},
                                   false);
    kt::expect_near_values(y, r.y);
    kt::expect_near_values(w, r.weights);
    // The value's mask leaves positions out, use_causal_mask the later ones; the query's mask zeroes rows.
    std::vector<Tensor> out = att.impl()->call_eager({q, v, k}, false,
                                                     {Tensor(q_mask, {2, 3}), Tensor(v_mask, {2, 5}), Tensor()},
                                                     nullptr, {{"use_causal_mask", true}});
    kt::expect_near_values(out[0], luong_reference([&](int64_t b, int64_t i, int64_t j) { return 0.7 * dot(b, i, j); }, v,
                                            3, v_mask, q_mask, true)
                                .y);
  }
  {
    layers::Attention att(use_scale = true, score_mode = "concat");
    att({q, v, k});
    att.set_weights({Tensor::scalar(0.8f), Tensor::scalar(1.3f)});
    auto concat = [&](int64_t b, int64_t i, int64_t j) {
      double s = 0.0;
      for (int64_t e = 0; e < 4; ++e) s += std::tanh(0.8 * (q.at({b, i, e}) + k.at({b, j, e})));
      return 1.3 * s;
    };
    std::vector<Tensor> masks;
    std::vector<Tensor> out = att.call_masked({q, v, k}, {Tensor(), Tensor(v_mask, {2, 5}), Tensor()}, &masks);
    kt::expect_near_values(out[0], luong_reference(concat, v, 3, v_mask, {}, false).y);
  }
  // Without a key the value is scored: Attention()({q, v}) with v of the query's size.
  layers::Attention self;
  const Tensor x = random::normal({2, 4, 4});
  kt::expect_near_values(self({x, x}), luong_reference([&](int64_t b, int64_t i, int64_t j) {
                                    double s = 0.0;
                                    for (int64_t e = 0; e < 4; ++e) s += static_cast<double>(x.at({b, i, e})) * x.at({b, j, e});
                                    return s;
                                  },
                                  x, 4, {}, {}, false)
                                  .y);
}

TEST(Attention, Gradients) {
  utils::set_random_seed(12);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 5, 2}), k = random::normal({2, 5, 4});
  for (const char* mode : {"dot", "concat"}) {
    SCOPED_TRACE(mode);
    layers::Attention att(use_scale = true, score_mode = std::string(mode));
    att({q, v, k});
    std::vector<Tensor> w = att.get_weights();
    for (Tensor& t : w) t = random::uniform(t.dims(), 0.5f, 1.5f);
    att.set_weights(w);
    kt::expect_gradients_match(att, {q, v, k});
    kt::GradCheckOptions opt;
    opt.flags = {{"use_causal_mask", true}, {"return_attention_scores", true}};
    // No row is fully masked: there float32 swallows the scores (s - 1e9 == -1e9), so central differences see a flat
    // function where autodiff (Keras's and this backward) differentiates the softmax as usual.
    opt.input_masks = {Tensor({1, 0, 1, 1, 1, 1}, {2, 3}), Tensor({1, 1, 0, 1, 1, 1, 0, 1, 1, 1}, {2, 5}), Tensor()};
    kt::expect_gradients_match(att, {q, v, k}, opt);
  }
  layers::Attention self;
  const Tensor x = random::normal({2, 4, 3});
  self({x, x});
  kt::expect_gradients_match(self, {x, x});
}

// In a model: Embedding(mask_zero=true) masks flow in, the output keeps the query's mask, training runs with
// dropout, and the layer saves with Keras's config.
TEST(Attention, MasksTrainingAndSaving) {
  utils::set_random_seed(13);
  auto in = Input(shape = {6});
  auto e = layers::Embedding(10, 8, mask_zero = true)(in);
  auto a = layers::Attention(use_scale = true, dropout = 0.2)({e, e}, use_causal_mask = true);
  auto h = layers::GlobalAveragePooling1D()(a);  // averages the unmasked positions only
  Model model(in, layers::Dense(1, activation = "sigmoid")(h));
  Tensor x = Tensor::empty({64, 6}), y = Tensor::empty({64, 1});
  for (int i = 0; i < 64; ++i) {
    for (int t = 0; t < 6; ++t) x.data()[i * 6 + t] = t < 2 + i % 4 ? static_cast<float>(1 + (i + t) % 9) : 0.0f;
    y.data()[i] = x.data()[i * 6] > 4 ? 1.0f : 0.0f;
  }
  model.compile(optimizer = "adam", loss = "binary_crossentropy");
  History hist = model.fit(x, y, epochs = 3, batch_size = 16, verbose = 0);
  EXPECT_EQ(hist.history.at("loss").size(), 3u);
  const std::string json = model.to_json();
  EXPECT_NE(json.find("\"use_scale\": true, \"score_mode\": \"dot\", \"dropout\": 0.2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"use_causal_mask\": true"), std::string::npos) << json;
  kt::expect_keras_round_trip(model, x);
}

#include "keras/layers/attention/grouped_query_attention.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {

// A (in, kv_heads, h) kernel or (kv_heads, h) bias with each head repeated `r` times in a row: the weights of the
// MultiHeadAttention that computes what a GroupQueryAttention does.
Tensor repeat_head_axis(const Tensor& w, int64_t r) {
  std::vector<int64_t> dims = w.dims();
  const int64_t h = dims.back(), heads = dims[dims.size() - 2], outer = w.size() / (heads * h);
  dims[dims.size() - 2] = heads * r;
  Tensor out = Tensor::empty(dims);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t n = 0; n < heads * r; ++n)
      for (int64_t e = 0; e < h; ++e) out.data()[(o * heads * r + n) * h + e] = w.data()[(o * heads + n / r) * h + e];
  return out;
}

}  // namespace

TEST(GroupQueryAttention, ShapesWeightsAndNames) {
  utils::clear_session();
  auto q = Input(shape = {5, 8}), v = Input(shape = {6, 8});
  layers::GroupQueryAttention gqa(4, 4, 2);
  auto [y, scores] = gqa(q, v, return_attention_scores = true);
  EXPECT_EQ(gqa.name(), "grouped_query_attention");
  EXPECT_EQ(gqa.class_name(), "GroupedQueryAttention");
  EXPECT_EQ(y.shape(), (Shape{None, 5, 8}));
  EXPECT_EQ(scores.shape(), (Shape{None, 4, 5, 6}));
  const std::vector<Tensor> w = gqa.get_weights();
  ASSERT_EQ(w.size(), 8u);
  EXPECT_EQ(w[0].dims(), (std::vector<int64_t>{8, 4, 4}));  // query
  EXPECT_EQ(w[2].dims(), (std::vector<int64_t>{8, 2, 4}));  // key: the key/value heads
  EXPECT_EQ(w[5].dims(), (std::vector<int64_t>{2, 4}));     // value bias
  EXPECT_EQ(w[6].dims(), (std::vector<int64_t>{4, 4, 8}));  // attention_output
  EXPECT_EQ(gqa.count_params(), 8 * 16 + 16 + 2 * (8 * 8 + 8) + 16 * 8 + 8);

  EXPECT_THROW_WITH(layers::GroupQueryAttention(head_dim = 4),
                    "GroupedQueryAttention.__init__() missing 2 required positional arguments: 'num_query_heads' and "
                    "'num_key_value_heads'",
                    "Hint:");
  EXPECT_THROW_WITH(layers::GroupQueryAttention(4, 6, 4), "`num_query_heads` must be divisible by `num_key_value_heads`.",
                    "num_query_heads=6");
  EXPECT_THROW_WITH(layers::GroupQueryAttention(4, 4, 2)(q, Input(shape = {6, 3})),
                    "The last dimension of `query_shape` and `value_shape` must be equal, but are 8, 3. Received: "
                    "query_shape=(None, 5, 8), value_shape=(None, 6, 3)",
                    "layers::Dense(8)");
  EXPECT_THROW_WITH(layers::GroupQueryAttention(4, 4, 2)(Input(shape = {2, 5, 8}), Input(shape = {2, 5, 8})),
                    "expected ndim=3, found ndim=4", "Hint:");
}

// GroupQueryAttention computes what a MultiHeadAttention does whose key and value heads repeat its own.
TEST(GroupQueryAttention, IsMultiHeadAttentionWithSharedKeyValueHeads) {
  utils::set_random_seed(41);
  const Tensor q = random::normal({2, 4, 6}), v = random::normal({2, 5, 6}), k = random::normal({2, 5, 3});
  Tensor mask = Tensor::ones({2, 4, 5});
  mask.data()[2] = mask.data()[13] = 0.0f;
  layers::GroupQueryAttention gqa(3, 6, 2);
  gqa(q, v, key = k);
  std::vector<Tensor> w;
  for (const Tensor& t : gqa.get_weights()) w.push_back(random::uniform(t.dims(), -0.5f, 0.5f));
  gqa.set_weights(w);
  layers::MultiHeadAttention mha(6, 3);
  mha(q, v, key = k);
  std::vector<Tensor> wide = w;
  for (size_t i : {2, 3, 4, 5}) wide[i] = repeat_head_axis(w[i], 3);
  mha.set_weights(wide);
  auto [a, sa] = gqa(q, v, key = k, attention_mask = mask, use_causal_mask = true, return_attention_scores = true);
  auto [b, sb] = mha(q, v, key = k, attention_mask = mask, use_causal_mask = true, return_attention_scores = true);
  kt::expect_close(a, b, 1e-5f);
  kt::expect_close(sa, sb, 1e-6f);
}

TEST(GroupQueryAttention, Gradients) {
  utils::set_random_seed(42);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 5, 4});
  layers::GroupQueryAttention gqa(2, 4, 2);
  gqa(q, v);
  std::vector<Tensor> w;
  for (const Tensor& t : gqa.get_weights()) w.push_back(random::uniform(t.dims(), -0.6f, 0.6f));
  gqa.set_weights(w);
  kt::expect_gradients_match(gqa, {q, v});
  kt::GradCheckOptions opt;
  opt.flags = {{"return_attention_scores", true}, {"use_causal_mask", true}};
  const Tensor k = random::normal({2, 5, 4});
  kt::expect_gradients_match(gqa, {q, v, k}, opt);
}

TEST(GroupQueryAttention, SavingUsesKerasNamesAndPaths) {
  utils::clear_session();
  auto in = Input(shape = {4, 8});
  layers::GroupQueryAttention gqa(2, 4, 1, dropout = 0.1);
  Model model(in, gqa(in, in, use_causal_mask = true));
  std::vector<Tensor> w;
  for (const Tensor& t : gqa.get_weights()) w.push_back(random::normal(t.dims(), 0.0f, 0.3f));
  gqa.set_weights(w);
  const std::string json = model.to_json();
  EXPECT_NE(json.find("\"class_name\": \"GroupedQueryAttention\", \"config\": {\"name\": \"grouped_query_attention\", "
                      "\"trainable\": true, \"dtype\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"head_dim\": 2, \"num_query_heads\": 4, \"num_key_value_heads\": 1, \"use_bias\": true, "
                      "\"dropout\": 0.1"),
            std::string::npos)
      << json;
  kt::expect_keras_round_trip(model, random::normal({3, 4, 8}));
  kt::ScratchDir dir;
  model.save_weights(dir / "g.weights.h5");
  auto r = kt::open_h5(dir / "g.weights.h5");
  EXPECT_EQ(r.var_shape("layers/grouped_query_attention/_key_dense", 0), (std::vector<int64_t>{8, 1, 2}));
  EXPECT_EQ(r.var_shape("layers/grouped_query_attention/_output_dense", 0), (std::vector<int64_t>{4, 2, 8}));
}

#include "keras/layers/attention/multi_head_attention.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {

// The layer's weights set to random values (biases too, which start at zero).
void randomize_weights(const Layer& mha) {
  std::vector<Tensor> w = mha.get_weights();
  for (Tensor& t : w) t = random::uniform(t.dims(), -0.6f, 0.6f);
  mha.set_weights(w);
}

// Keras's attention for (batch, T, features) inputs, in double, from the layer's weights:
//   qp = q Wq + bq, kp = k Wk + bk, vp = v Wv + bv (per head), scores = softmax(qp kp^T / sqrt(key_dim) + mask),
//   y = (scores vp) Wo + bo. mask (batch, T, S) of 0/1, or empty.
struct MhaReference {
  std::vector<double> y, scores;
};
MhaReference reference_attention(const Layer& mha, const Tensor& q, const Tensor& v, const Tensor& k,
                              const std::vector<float>& mask) {
  const std::vector<Tensor> w = mha.get_weights();
  const Tensor &wq = w[0], &bq = w[1], &wk = w[2], &bk = w[3], &wv = w[4], &bv = w[5], &wo = w[6], &bo = w[7];
  const int64_t B = q.dim(0), T = q.dim(1), S = v.dim(1), N = wq.dim(1), H = wq.dim(2), Hv = wv.dim(2),
                O = wo.dim(2);
  auto project = [](const Tensor& x, const Tensor& kernel, const Tensor& bias, int64_t b, int64_t t, int64_t n,
                    int64_t h) {
    double s = bias.at({n, h});
    for (int64_t c = 0; c < x.dim(2); ++c) s += static_cast<double>(x.at({b, t, c})) * kernel.at({c, n, h});
    return s;
  };
  MhaReference r;
  r.y.assign(static_cast<size_t>(B * T * O), 0.0);
  r.scores.assign(static_cast<size_t>(B * N * T * S), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t t = 0; t < T; ++t) {
        std::vector<double> logits(static_cast<size_t>(S));
        for (int64_t s = 0; s < S; ++s) {
          double dot = 0.0;
          for (int64_t h = 0; h < H; ++h) dot += project(q, wq, bq, b, t, n, h) * project(k, wk, bk, b, s, n, h);
          logits[static_cast<size_t>(s)] = dot / std::sqrt(static_cast<double>(H));
          // Keras adds -1e9 in float32, where it swallows the logit: a fully masked row comes out uniform.
          if (!mask.empty() && mask[static_cast<size_t>((b * T + t) * S + s)] == 0.0f)
            logits[static_cast<size_t>(s)] = static_cast<float>(logits[static_cast<size_t>(s)]) + -1e9f;
        }
        double top = logits[0], sum = 0.0;
        for (double l : logits) top = std::max(top, l);
        for (double& l : logits) sum += (l = std::exp(l - top));
        for (int64_t s = 0; s < S; ++s)
          r.scores[static_cast<size_t>(((b * N + n) * T + t) * S + s)] = logits[static_cast<size_t>(s)] / sum;
      }
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t o = 0; o < O; ++o) {
        double y = bo.at({o});
        for (int64_t n = 0; n < N; ++n)
          for (int64_t h = 0; h < Hv; ++h) {
            double head = 0.0;
            for (int64_t s = 0; s < S; ++s)
              head += r.scores[static_cast<size_t>(((b * N + n) * T + t) * S + s)] * project(v, wv, bv, b, s, n, h);
            y += head * wo.at({n, h, o});
          }
        r.y[static_cast<size_t>((b * T + t) * O + o)] = y;
      }
  return r;
}


}  // namespace

TEST(MultiHeadAttention, ShapesWeightsAndNames) {
  utils::clear_session();
  auto q = Input(shape = {4, 8});
  auto v = Input(shape = {6, 5});
  layers::MultiHeadAttention mha(2, 3);
  EXPECT_EQ(mha.name(), "multi_head_attention");
  EXPECT_EQ(mha(q, v).shape(), (Shape{None, 4, 8}));
  // query (8, 2, 3) + (2, 3), key and value (5, 2, 3) + (2, 3), attention_output (2, 3, 8) + (8).
  EXPECT_EQ(mha.count_params(), 54 + 36 + 36 + 56);
  const std::vector<Tensor> w = mha.get_weights();
  ASSERT_EQ(w.size(), 8u);
  EXPECT_EQ(w[0].dims(), (std::vector<int64_t>{8, 2, 3}));
  EXPECT_EQ(w[2].dims(), (std::vector<int64_t>{5, 2, 3}));
  EXPECT_EQ(w[6].dims(), (std::vector<int64_t>{2, 3, 8}));
  EXPECT_EQ(w[7].dims(), (std::vector<int64_t>{8}));
  EXPECT_EQ(mha.query_dense().name(), "query");
  EXPECT_EQ(mha.key_dense().name(), "key");
  EXPECT_EQ(mha.value_dense().name(), "value");
  EXPECT_EQ(mha.output_dense().name(), "attention_output");
  EXPECT_EQ(mha.impl()->variables()[0]->name, "kernel");
  // Keras's build makes a Softmax and a Dropout, which take those classes' next automatic names.
  EXPECT_EQ(layers::Dropout(0.1).name(), "dropout_1");
  EXPECT_EQ(layers::Softmax().name(), "softmax_1");

  auto [y, scores] = layers::MultiHeadAttention(3, 2, value_dim = 4, output_shape = {2, 5})(
      q, v, key = v, return_attention_scores = true);
  EXPECT_EQ(y.shape(), (Shape{None, 4, 2, 5}));
  EXPECT_EQ(scores.shape(), (Shape{None, 3, 4, 6}));
  layers::MultiHeadAttention plain(1, 4, use_bias = false);
  plain(q, q);
  EXPECT_EQ(plain.get_weights().size(), 4u);
  EXPECT_EQ(plain.count_params(), 32 + 32 + 32 + 32);

  // Every axis between batch and features is attended over by default; attention_axes picks some of them.
  auto img = Input(shape = {3, 4, 8});
  auto [y2, s2] = layers::MultiHeadAttention(2, 3)(img, img, return_attention_scores = true);
  EXPECT_EQ(y2.shape(), (Shape{None, 3, 4, 8}));
  EXPECT_EQ(s2.shape(), (Shape{None, 2, 3, 4, 3, 4}));
  auto [y3, s3] = layers::MultiHeadAttention(2, 3, attention_axes = 2)(img, img, return_attention_scores = true);
  EXPECT_EQ(y3.shape(), (Shape{None, 3, 4, 8}));
  EXPECT_EQ(s3.shape(), (Shape{None, 3, 2, 4, 4}));
}

TEST(MultiHeadAttention, ErrorsNameTheLayerAndTheFix) {
  utils::clear_session();
  auto q = Input(shape = {4, 8});
  EXPECT_THROW_WITH(layers::MultiHeadAttention(num_heads = 2), "missing 1 required positional argument: 'key_dim'",
                    "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(0, 4), "Expected a positive integer. Received: num_heads=0", "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, dropout = 1.5),
                    "Expected a float value between 0 and 1. Received: rate=1.5", "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, dropout = 0.1, flash_attention = true),
                    "Dropout is not supported when flash attention is enabled", "Hint:");
  // A (batch, features) query has no sequence axis to attend over.
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4)(Input(shape = {16}), Input(shape = {16})),
                    "is incompatible with the layer: expected min_ndim=3, found ndim=2. Full shape received: "
                    "(None, 16)",
                    "layers::Reshape({1, 16})");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4)(q, Input(shape = {6, 8}), key = Input(shape = {5, 8})),
                    "All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                    "value_shape=(None, 6, 8) and key_shape=(None, 5, 8)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4)(q, Input(shape = {2, 6, 8})),
                    "must have the same rank: query_shape=(None, 4, 8), value_shape=(None, 2, 6, 8)", "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, attention_axes = 2)(Input(shape = {3, 4, 8}),
                                                                         Input(shape = {5, 4, 8})),
                    "axis 1 is 3 in the query and 5 in the value", "attention_axes=(2,) leaves axis 1");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, attention_axes = 3)(q, q),
                    "Invalid attention_axes=(3,) for inputs of rank 3", "Hint:");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4)(q, Input(shape = {6, 8}), attention_mask = Input(shape = {4, 5})),
                    "The attention_mask of layer \"multi_head_attention_", "mask of shape (None, 4, 6)");
  layers::MultiHeadAttention built(2, 4);
  built(q, q);
  EXPECT_THROW_WITH(built(Input(shape = {4, 6}), q), "expected axis -1 of input shape to have value 8",
                    "built for a query of 8 features");
  EXPECT_THROW_WITH(built(Input(shape = {2, 4, 8}), Input(shape = {2, 4, 8})),
                    "expected ndim=3, found ndim=4", "built for inputs of rank 3");
  EXPECT_THROW_WITH(built(Tensor::ones({2, 4, 8}), Tensor::ones({2, 4, 3})),
                    "Input 1 of layer \"" + built.name() + "\" is incompatible", "value");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, flash_attention = true)(q, q, return_attention_scores = true),
                    "Returning attention scores is not supported when flash attention is enabled", "Hint:");
  // A flag other layers do not take (only reachable through a saved config) is Keras's TypeError.
  EXPECT_THROW_WITH(layers::Dense(2).impl()->call_symbolic({q}, {{"use_causal_mask", true}}),
                    "Dense.call() got an unexpected keyword argument 'use_causal_mask'", "Hint:");
}

// Against Keras's formulas in double: a key of its own size, an attention mask and the causal mask, and the scores.
TEST(MultiHeadAttention, ValuesMatchTheDefinition) {
  utils::set_random_seed(3);
  const Tensor q = random::normal({2, 4, 6}), v = random::normal({2, 5, 3}), k = random::normal({2, 5, 7});
  Tensor mask = Tensor::ones({2, 4, 5});
  mask.data()[3] = mask.data()[7] = mask.data()[24] = 0.0f;
  for (int i = 20; i < 25; ++i) mask.data()[i] = 0.0f;  // batch 1, query 0 may attend to nothing: uniform weights
  layers::MultiHeadAttention mha(2, 3, value_dim = 4);
  mha(q, v, key = k);
  randomize_weights(mha);
  {
    auto [y, scores] = mha(q, v, key = k, return_attention_scores = true);
    const MhaReference r = reference_attention(mha, q, v, k, {});
    kt::expect_near_values(y, r.y);
    kt::expect_near_values(scores, r.scores);
  }
  {
    auto [y, scores] = mha(q, v, key = k, attention_mask = mask, return_attention_scores = true);
    const MhaReference r = reference_attention(mha, q, v, k, mask.to_vector());
    kt::expect_near_values(y, r.y);
    kt::expect_near_values(scores, r.scores);
    for (int s = 0; s < 5; ++s) EXPECT_NEAR(scores.at({1, 0, 0, s}), 0.2f, 1e-6);
  }
  {
    // use_causal_mask: query position t sees source positions s <= t; AND-ed with the given mask.
    std::vector<float> both = mask.to_vector();
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < 4; ++t)
        for (int s = 0; s < 5; ++s)
          if (s > t) both[static_cast<size_t>((b * 4 + t) * 5 + s)] = 0.0f;
    Tensor y = mha(q, v, key = k, attention_mask = mask, use_causal_mask = true);
    kt::expect_near_values(y, reference_attention(mha, q, v, k, both).y);
  }
  // Without a key, the value serves as the key (its projection is the "key" layer's, built for the value's size).
  layers::MultiHeadAttention self(2, 3);
  self(q, q);
  randomize_weights(self);
  kt::expect_near_values(self(q, q), reference_attention(self, q, q, q, {}).y);
}

// Inputs with two position axes: attending over both is attention over their flattened positions; attending over
// one (attention_axes) makes the other a batch axis. Both are checked against the 3-D layer with the same weights.
TEST(MultiHeadAttention, HigherRankInputs) {
  utils::set_random_seed(4);
  const Tensor q = random::normal({2, 3, 4, 5}), v = random::normal({2, 3, 2, 5});
  layers::MultiHeadAttention flat(2, 3), both(2, 3), one(2, 3, attention_axes = {-2});
  flat(q.reshape({2, 12, 5}), v.reshape({2, 6, 5}));
  randomize_weights(flat);
  both(q, v);
  one(q, v);
  both.set_weights(flat.get_weights());
  one.set_weights(flat.get_weights());
  kt::expect_near_values(both(q, v), kt::to_doubles(flat(q.reshape({2, 12, 5}), v.reshape({2, 6, 5}))));
  auto [y, scores] = one(q, v, return_attention_scores = true);
  EXPECT_EQ(scores.dims(), (std::vector<int64_t>{2, 3, 2, 4, 2}));
  auto [rows, row_scores] = flat(q.reshape({6, 4, 5}), v.reshape({6, 2, 5}), return_attention_scores = true);
  kt::expect_near_values(y, kt::to_doubles(rows));
  kt::expect_near_values(scores, kt::to_doubles(row_scores));
}

TEST(MultiHeadAttention, Gradients) {
  utils::set_random_seed(5);
  const Tensor q = random::normal({2, 3, 4}), v = random::normal({2, 4, 3}), k = random::normal({2, 4, 5});
  layers::MultiHeadAttention mha(2, 3, value_dim = 2);
  mha(q, v, key = k);
  randomize_weights(mha);
  kt::expect_gradients_match(mha, {q, v, k});
  // The scores as a second output, an attention mask (no gradient) and the causal mask.
  Tensor mask = Tensor::ones({2, 3, 4});
  mask.data()[1] = mask.data()[14] = 0.0f;
  kt::GradCheckOptions opt;
  opt.skip_inputs = {3};
  opt.flags = {{"return_attention_scores", true}, {"use_causal_mask", true}};
  kt::expect_gradients_match(mha, {q, v, k, mask}, opt);
  // Self-attention: the value's gradient includes what it gets as the key.
  layers::MultiHeadAttention self(2, 2, output_shape = 3);
  self(q, q);
  randomize_weights(self);
  kt::expect_gradients_match(self, {q, q});
  // One attention axis of two.
  const Tensor img = random::normal({2, 2, 3, 4});
  layers::MultiHeadAttention axis(2, 2, attention_axes = 1);
  axis(img, img);
  randomize_weights(axis);
  kt::expect_gradients_match(axis, {img, img});
}

// Keras masks (Embedding(mask_zero=true)) restrict attention as the equivalent attention_mask does: query positions
// by row, value positions by column; the output keeps the query's mask.
TEST(MultiHeadAttention, KerasMasks) {
  utils::set_random_seed(6);
  Tensor tokens({3, 1, 4, 0, 0, 2, 5, 1, 3, 7}, {2, 5});
  auto in = Input(shape = {5});
  layers::Embedding embed(8, 6, mask_zero = true);
  auto e = embed(in);
  layers::MultiHeadAttention mha(2, 3);
  Model model(in, mha(e, e));
  randomize_weights(mha);
  const Tensor x = embed(tokens);
  Tensor attention = Tensor::zeros({2, 5, 5});
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 5; ++t)
      for (int s = 0; s < 5; ++s)
        attention.data()[(b * 5 + t) * 5 + s] = tokens.at({b, t}) != 0 && tokens.at({b, s}) != 0 ? 1.0f : 0.0f;
  kt::expect_near_values(model.predict(tokens, verbose = 0), kt::to_doubles(mha(x, x, attention_mask = attention)));
  std::vector<Tensor> masks;
  mha.call_masked({x, x}, {Tensor({1, 1, 1, 0, 0}, {1, 5}), Tensor()}, &masks);
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0].to_vector(), (std::vector<float>{1, 1, 1, 0, 0}));
}

TEST(MultiHeadAttention, TrainsInAModel) {
  utils::set_random_seed(7);
  // Each sequence of 6 tokens: is token 1 among them? Attention pools the positions.
  const int n = 256;
  Tensor x = Tensor::empty({n, 6}), y = Tensor::empty({n, 1});
  for (int i = 0; i < n; ++i) {
    bool has = false;
    for (int t = 0; t < 6; ++t) {
      const float tok = static_cast<float>(2 + (i * 7 + t * 5 + (i / 3) * t) % 6);
      x.data()[i * 6 + t] = (i % 2 == 0 && t == (i / 2) % 6) ? 1.0f : tok;
      has = has || x.data()[i * 6 + t] == 1.0f;
    }
    y.data()[i] = has ? 1.0f : 0.0f;
  }
  auto in = Input(shape = {6});
  auto h = layers::Embedding(8, 8)(in);
  h = layers::MultiHeadAttention(2, 4, dropout = 0.1)(h, h);
  h = layers::GlobalAveragePooling1D()(h);
  Model model(in, layers::Dense(1, activation = "sigmoid")(h));
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.01), loss = "binary_crossentropy",
                metrics = {"accuracy"});
  History hist = model.fit(x, y, epochs = 15, batch_size = 32, verbose = 0);
  const auto& loss = hist.history.at("loss");
  EXPECT_LT(loss.back(), 0.5 * loss.front());
  EXPECT_GT(hist.history.at("accuracy").back(), 0.9);
}

TEST(MultiHeadAttention, SavingKeepsCallsAndWeights) {
  utils::clear_session();
  auto in = Input(shape = {4, 6});
  auto mask = Input(shape = {4, 4});
  layers::MultiHeadAttention mha(2, 3, value_dim = 2, dropout = 0.2, kernel_initializer = "he_normal");
  auto [y, scores] = mha(in, in, attention_mask = mask, use_causal_mask = true, return_attention_scores = true);
  auto cross = layers::MultiHeadAttention(1, 2, attention_axes = {1})(y, in, key = layers::Dense(3)(in));
  Model model({in, mask}, {cross, scores});
  randomize_weights(mha);
  const std::string json = model.to_json();
  EXPECT_NE(json.find("\"use_causal_mask\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"return_attention_scores\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"attention_mask\": {"), std::string::npos) << json;
  EXPECT_NE(json.find("\"attention_axes\": [1]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"value_dim\": 2"), std::string::npos) << json;
  // Keras's build_from_config calls build(query_shape=..., value_shape=...) from this.
  EXPECT_NE(json.find("\"build_config\": {\"shapes_dict\": {\"query_shape\": [null, 4, 6], \"value_shape\": [null, 4, 6]"),
            std::string::npos)
      << json;
  utils::set_random_seed(8);
  Tensor m = Tensor::ones({3, 4, 4});
  m.data()[5] = 0.0f;
  kt::expect_keras_round_trip(model, std::vector<Tensor>{random::normal({3, 4, 6}), m});

  kt::ScratchDir dir;
  model.save_weights(dir / "m.weights.h5");
  auto r = kt::open_h5(dir / "m.weights.h5");
  EXPECT_EQ(r.string_attr("layers/multi_head_attention/vars", "name"), "multi_head_attention");
  EXPECT_EQ(r.string_attr("layers/multi_head_attention/query_dense/vars", "name"), "query");
  EXPECT_EQ(r.var_shape("layers/multi_head_attention/query_dense", 0), (std::vector<int64_t>{6, 2, 3}));
  EXPECT_EQ(r.var_shape("layers/multi_head_attention/output_dense", 0), (std::vector<int64_t>{2, 2, 6}));
  EXPECT_EQ(r.var_shape("layers/multi_head_attention_1/key_dense", 0), (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(r.count_vars("layers/multi_head_attention/value_dense"), size_t{2});
  const std::vector<Tensor> x{random::normal({2, 4, 6}), Tensor::ones({2, 4, 4})};
  model.save(dir / "m.h5");
  Model legacy = saving::load_model(dir / "m.h5");
  const Prediction a = model.predict(x, verbose = 0), b = legacy.predict(x, verbose = 0);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(a.outputs()[i].to_vector(), b.outputs()[i].to_vector());
}

// A tf.keras 2 graph passes the value (and key, attention_mask) as keyword tensors: [layer, node, tensor] lists;
// Keras 3 records the masks it passed (None here) and tensors as __keras_tensor__ objects.
TEST(MultiHeadAttention, LoadsKerasWrittenCalls) {
  const std::string text = R"({"class_name": "Functional", "config": {"name": "model", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 6], "dtype": "float32", "name": "q"},
     "name": "q", "inbound_nodes": []},
    {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 6], "dtype": "float32", "name": "v"},
     "name": "v", "inbound_nodes": []},
    {"class_name": "MultiHeadAttention", "config": {"name": "mha", "trainable": true, "dtype": "float32",
      "num_heads": 2, "key_dim": 3, "value_dim": 3, "dropout": 0.0, "use_bias": true, "output_shape": null,
      "attention_axes": [1], "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
      "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
      "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
      "query_shape": [null, 4, 6], "key_shape": [null, 5, 6], "value_shape": [null, 5, 6]},
     "name": "mha", "inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0], "use_causal_mask": true,
                                                  "query_mask": null, "value_mask": null}]]]}],
    "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["mha", 0, 0]]}, "keras_version": "2.15.0"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.output_shape(), (Shape{None, 4, 6}));
  const std::string json = model.to_json();
  EXPECT_NE(json.find("\"use_causal_mask\": true"), std::string::npos) << json;

  auto tensor = [](const char* layer, const char* shape) {
    return std::string(R"({"class_name": "__keras_tensor__", "config": {"shape": )") + shape +
           R"(, "dtype": "float32", "keras_history": [")" + layer + R"(", 0, 0]}})";
  };
  const std::string keras3 = std::string(R"({"class_name": "Functional", "config": {"name": "f", "layers": [
    {"class_name": "InputLayer", "config": {"batch_shape": [null, 4, 6], "dtype": "float32", "name": "x"},
     "name": "x", "inbound_nodes": []},
    {"class_name": "InputLayer", "config": {"batch_shape": [null, 4, 4], "dtype": "float32", "name": "m"},
     "name": "m", "inbound_nodes": []},
    {"class_name": "MultiHeadAttention", "config": {"name": "mha", "num_heads": 2, "key_dim": 3},
     "name": "mha", "inbound_nodes": [{"args": [)") + tensor("x", "[null, 4, 6]") + ", " + tensor("x", "[null, 4, 6]") +
      R"(], "kwargs": {"query_mask": null, "value_mask": null, "attention_mask": )" + tensor("m", "[null, 4, 4]") +
      R"(}}]}], "input_layers": [["x", 0, 0], ["m", 0, 0]], "output_layers": [["mha", 0, 0]]}})";
  Model self = models::model_from_json(keras3);
  ASSERT_EQ(self.layers().size(), 3u);
  EXPECT_EQ(self.get_layer("mha").count_params(), 4 * 6 * 6 + 3 * 6 + 6);
  const Tensor none = Tensor::zeros({2, 4, 4}), all = Tensor::ones({2, 4, 4}), x = random::normal({2, 4, 6});
  // A zero mask lets every query attend to every key alike; a full one weighs them: the outputs differ.
  const Tensor masked_out = self.predict({x, none}, verbose = 0), attended = self.predict({x, all}, verbose = 0);
  EXPECT_NE(masked_out.to_vector(), attended.to_vector());
}

// tf.keras 2.13-2.15 walked MultiHeadAttention's private attributes: layers/multi_head_attention/_query_dense/vars.
// Keras 3 writes query_dense; both load.
TEST(MultiHeadAttention, LoadsPrivateAttributePaths) {
  utils::clear_session();
  auto in = Input(shape = {3, 4});
  layers::MultiHeadAttention mha(2, 2);
  Model model(in, mha(in, in));
  std::vector<Tensor> w;
  for (const Tensor& t : mha.get_weights()) w.push_back(random::normal(t.dims()));
  kt::ScratchDir dir;
  {
    saving::detail::H5Writer h5;
    h5.write_vars("", "functional", {});
    h5.write_vars("layers/input_layer", "input_layer", {});
    h5.write_vars("layers/multi_head_attention", "multi_head_attention", {});
    const char* names[] = {"_query_dense", "_key_dense", "_value_dense", "_output_dense"};
    for (size_t i = 0; i < 4; ++i)
      h5.write_vars(std::string("layers/multi_head_attention/") + names[i], "dense", {w[2 * i], w[2 * i + 1]});
    kt::write_bytes(dir / "old.weights.h5", h5.image());
  }
  model.load_weights(dir / "old.weights.h5");
  const std::vector<Tensor> loaded = mha.get_weights();
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(loaded[i].to_vector(), w[i].to_vector()) << i;
}

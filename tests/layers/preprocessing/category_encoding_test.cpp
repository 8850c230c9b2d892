// CategoryEncoding: Keras's docstring and test values for one_hot, multi_hot and count, the shapes for every rank
// (eager and symbolic agree), Keras's argument errors, out-of-range ids, no gradient, and a saved model.
#include "keras/layers/preprocessing/category_encoding.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

TEST(CategoryEncoding, KerasValuesForEveryMode) {
  // Docstrings (num_tokens=4).
  EXPECT_EQ(layers::CategoryEncoding(4, output_mode = "one_hot")(T({3, 2, 0, 1}, {4})).to_vector(),
            (std::vector<float>{0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(layers::CategoryEncoding(4, output_mode = "multi_hot")(T({0, 1, 0, 0, 1, 2, 3, 1}, {4, 2})).to_vector(),
            (std::vector<float>{1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1}));
  // category_encoding_test.py (num_tokens=6).
  Tensor counted = layers::CategoryEncoding(num_tokens = 6, output_mode = "count")(T({1, 2, 3, 1}, {4}));
  EXPECT_EQ(counted.dims(), (std::vector<int64_t>{6}));
  EXPECT_EQ(counted.to_vector(), (std::vector<float>{0, 2, 1, 1, 0, 0}));
  EXPECT_EQ(layers::CategoryEncoding(6, output_mode = "count")(T({1, 2, 3, 1, 0, 3, 1, 0}, {2, 4})).to_vector(),
            (std::vector<float>{0, 2, 1, 1, 0, 0, 2, 1, 0, 1, 0, 0}));
  EXPECT_EQ(layers::CategoryEncoding(6)(T({3, 2, 0, 1}, {4})).to_vector(),  // multi_hot is the default
            (std::vector<float>{1, 1, 1, 1, 0, 0}));
  Tensor rows = layers::CategoryEncoding(6, output_mode = "one_hot")(T({3, 2, 0, 1, 3, 2, 0, 1}, {2, 4}));
  EXPECT_EQ(rows.dims(), (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(rows.data()[6 + 2], 1.0f);  // sample 0, id 2
  // "binary" is Keras's old name for multi_hot; the output is float32.
  Tensor binary = layers::CategoryEncoding(3, output_mode = "binary")(T({2, 2}, {2}));
  EXPECT_EQ(binary.to_vector(), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(binary.dtype(), "float32");
}

TEST(CategoryEncoding, ShapesForEveryRankAgreeWithTheOutputs) {
  struct Case {
    std::string mode;
    std::vector<int64_t> in, out;
  };
  // one_hot drops a trailing 1 (rank > 1); multi_hot/count reduce axis 1 as Keras's eager code does; a scalar is
  // one sample of one id.
  const std::vector<Case> cases = {
      {"one_hot", {4}, {4, 5}},       {"one_hot", {4, 1}, {4, 5}},       {"one_hot", {2, 3, 2}, {2, 3, 2, 5}},
      {"one_hot", {}, {1, 5}},        {"one_hot", {1}, {1, 5}},          {"multi_hot", {4}, {5}},
      {"multi_hot", {3, 4}, {3, 5}},  {"multi_hot", {2, 3, 4}, {2, 4, 5}}, {"count", {}, {5}},
      {"count", {3, 1}, {3, 5}},
  };
  for (const Case& c : cases) {
    layers::CategoryEncoding layer(5, output_mode = c.mode);
    int64_t n = 1;
    for (int64_t d : c.in) n *= d;
    std::vector<float> ids(static_cast<size_t>(n));
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<float>(i % 5);
    EXPECT_EQ(layer(Tensor(ids, c.in)).dims(), c.out) << c.mode << " rank " << c.in.size();
    std::vector<Dim> in_dims(c.in.begin(), c.in.end()), out_dims(c.out.begin(), c.out.end());
    EXPECT_EQ(layer.impl()->compute_output_shapes({Shape(in_dims)}).at(0), Shape(out_dims)) << c.mode;
  }
  Sequential model({Input(shape = {3}), layers::CategoryEncoding(8, output_mode = "count"), layers::Dense(2)});
  EXPECT_EQ(model.layers()[0].output_shape(), (Shape{None, 8}));
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
  EXPECT_EQ(layers::CategoryEncoding(8, output_mode = "one_hot")(Input(shape = {1})).shape(), (Shape{None, 8}));
}

TEST(CategoryEncoding, KerasErrorsAndOutOfRangeIds) {
  std::string m = message_of([] { layers::CategoryEncoding(4, output_mode = "bad"); });
  EXPECT_NE(m.find("Unknown arg for output_mode: bad"), std::string::npos) << m;
  m = message_of([] { layers::CategoryEncoding(output_mode = "count"); });
  EXPECT_NE(m.find("num_tokens must be set to use this layer. If the number of tokens is not known beforehand, use "
                   "the IntegerLookup layer instead."),
            std::string::npos)
      << m;
  m = message_of([] { layers::CategoryEncoding(0); });
  EXPECT_NE(m.find("`num_tokens` must be >= 1. Received: num_tokens=0."), std::string::npos) << m;
  m = message_of([] { layers::CategoryEncoding(4, sparse = true); });
  EXPECT_NE(m.find("`sparse=True` cannot be used with backend keraspp"), std::string::npos) << m;
  // An id past num_tokens (TensorFlow would drop it silently) or not a whole number is named; negative ids give zero
  // rows, as on every Keras backend.
  layers::CategoryEncoding four(4, output_mode = "one_hot");
  m = message_of([&] { four(T({1, 7}, {2})); });
  EXPECT_NE(m.find("received the token id 7, which is not an integer in [0, 4)."), std::string::npos) << m;
  EXPECT_NE(m.find("Hint: raise num_tokens"), std::string::npos) << m;
  m = message_of([&] { four(T({1.5f}, {1})); });
  EXPECT_NE(m.find("token id 1.5"), std::string::npos) << m;
  EXPECT_EQ(four(T({-1, 0}, {2})).to_vector(), (std::vector<float>{0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(layers::CategoryEncoding(3, output_mode = "count")(T({-1, 0, 0, 2, 1, -3}, {2, 3})).to_vector(),
            (std::vector<float>{2, 0, 0, 0, 1, 1}));
}

TEST(CategoryEncoding, PassesNoGradientAndSaves) {
  // The inputs are integer ids (no central difference exists: a fractional id is refused), so the backward pass is
  // checked directly: a zero gradient of the ids' shape.
  layers::CategoryEncoding encode(4, output_mode = "count");
  CallContext ctx;
  ctx.inputs = {T({0, 3, 3}, {1, 3})};
  encode(ctx.inputs[0]);
  const auto grads = encode.impl()->backward(ctx, {Tensor::ones({1, 4})});
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_EQ(grads[0].to_vector(), (std::vector<float>{0, 0, 0}));
  // Ids are data: a model trains the layers after the encoding.
  utils::set_random_seed(2);
  Sequential model({Input(shape = {2}), layers::CategoryEncoding(5, output_mode = "multi_hot"), layers::Dense(1)});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = T({0, 1, 2, 3, 4, 4, 1, 1}, {4, 2}), y = T({1, 0, 1, 0}, {4, 1});
  History h = model.fit(x, y, epochs = 3, verbose = 0);
  EXPECT_LT(h.history["loss"][2], h.history["loss"][0]);
  const std::string path = (std::filesystem::temp_directory_path() / "keraspp_category_encoding.keras").string();
  model.save(path);
  Model loaded = saving::load_model(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
  const auto& config = loaded.layers()[0].impl()->config();
  EXPECT_EQ(*config.get<std::string>("output_mode"), "multi_hot");
  EXPECT_EQ(*config.get<int>("num_tokens"), 5);
}

#include "keras/layers/core/embedding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Embedding, LooksUpRows) {
  utils::clear_session();
  layers::Embedding emb(10, 3);
  EXPECT_EQ(emb.name(), "embedding");
  Tensor idx({4, 0, 9, 4, 2, 7}, {2, 3});
  Tensor y = emb(idx);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 3}));
  Tensor table = emb.embeddings();
  EXPECT_EQ(table.shape(), (Shape{10, 3}));
  ASSERT_EQ(emb.get_weights().size(), 1u);
  EXPECT_EQ(emb.impl()->variables()[0]->name, "embeddings");
  EXPECT_EQ(emb.count_params(), 30);
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_EQ(y.data()[i * 3 + j], table.at({static_cast<int64_t>(idx.data()[i]), j}));
  // Keras's default initializer: uniform in [-0.05, 0.05].
  for (float v : table.to_vector()) {
    EXPECT_GE(v, -0.05f);
    EXPECT_LE(v, 0.05f);
  }
  // Any rank: (...) -> (..., output_dim); indices are truncated as Keras's cast to int does.
  EXPECT_EQ(emb(Tensor({3.7f}, {1})).shape(), (Shape{1, 3}));
  EXPECT_EQ(emb(Tensor({3.7f}, {1})).data()[0], table.at({3, 0}));
  EXPECT_EQ(emb(Tensor::zeros({2, 2, 2})).shape(), (Shape{2, 2, 2, 3}));
  EXPECT_TRUE(layers::is_registered("Embedding"));
}

TEST(Embedding, InputDimIsTheVocabularyNotAShape) {
  utils::clear_session();
  layers::Embedding emb(1000, 64);
  EXPECT_FALSE(emb.impl()->declared_input_shape().has_value());
  auto out = emb(Input({10}));
  EXPECT_EQ(out.shape(), (Shape{None, 10, 64}));
  Sequential model({layers::Input({10}), layers::Embedding(1000, 64), layers::Flatten(), layers::Dense(1)});
  EXPECT_EQ(model.count_params(), 64000 + 641);
  std::string s = model.summary_string();
  EXPECT_NE(s.find("(Embedding)"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 10, 64)"), std::string::npos) << s;
  EXPECT_NE(s.find("64,000"), std::string::npos) << s;
  // Keyword spellings.
  layers::Embedding kwd(input_dim = 5, output_dim = 2, embeddings_initializer = "ones");
  EXPECT_TRUE(allclose(kwd(Tensor({1, 4}, {2})), Tensor::ones({2, 2})));
  layers::Embedding mixed(5, output_dim = 2);
  EXPECT_EQ(mixed(Tensor({1}, {1})).shape(), (Shape{1, 2}));
}

TEST(Embedding, GradientAccumulatesRows) {
  utils::set_random_seed(1);
  layers::Embedding emb(6, 4);
  Tensor idx({1, 3, 1, 5, 0, 1}, {3, 2});
  emb(idx);
  keras::test_support::expect_gradients_match(emb, {idx}, {.skip_inputs = {0}});
  // Directly: index 1 appears three times, so its row's gradient is the sum of three output rows.
  CallContext ctx;
  ctx.inputs = {idx};
  ctx.outputs = emb.impl()->forward(ctx);
  Tensor g = random::normal({3, 2, 4});
  emb.impl()->variables()[0]->grad = Tensor();
  auto gi = emb.impl()->backward(ctx, {g});
  EXPECT_FALSE(gi.at(0).defined());  // the indices get no gradient
  const Tensor& dw = emb.impl()->variables()[0]->grad;
  for (int64_t j = 0; j < 4; ++j) {
    EXPECT_NEAR(dw.at({1, j}), g.data()[0 * 4 + j] + g.data()[2 * 4 + j] + g.data()[5 * 4 + j], 1e-6);
    EXPECT_EQ(dw.at({2, j}), 0.0f);
    EXPECT_EQ(dw.at({5, j}), g.data()[3 * 4 + j]);
  }
}

TEST(Embedding, TrainsInAModel) {
  utils::set_random_seed(2);
  // Label = whether the first token is even.
  Tensor x = Tensor::empty({64, 3});
  Tensor y = Tensor::empty({64, 1});
  for (int64_t i = 0; i < 64; ++i) {
    for (int64_t j = 0; j < 3; ++j) x.data()[i * 3 + j] = static_cast<float>((i * 7 + j * 3) % 8);
    y.data()[i] = static_cast<int64_t>(x.data()[i * 3]) % 2 == 0 ? 1.0f : 0.0f;
  }
  Sequential model({layers::Input({3}), layers::Embedding(8, 4), layers::Flatten(),
                    layers::Dense(1, activation = "sigmoid")});
  // A named list: g++ 12 gives a -Wfree-nonheap-object false positive on the temporary one in this function.
  const std::vector<MetricArg> accuracy{"accuracy"};
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.05), loss = "binary_crossentropy",
                metrics = accuracy);
  History h = model.fit(x, y, epochs = 30, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front() * 0.5);
  EXPECT_GT(h.history.at("accuracy").back(), 0.95);
}

TEST(Embedding, MaskZero) {
  layers::Embedding emb(10, 2, mask_zero = true);
  Tensor idx({0, 3, 0, 9}, {2, 2});
  Tensor m = emb.compute_mask(idx);
  ASSERT_TRUE(m.defined());
  EXPECT_EQ(m.shape(), idx.shape());
  EXPECT_EQ(m.dtype(), "bool");
  EXPECT_EQ(m.to_vector(), (std::vector<float>{0, 1, 0, 1}));
  // Index 0 is still looked up; the mask travels with the output.
  std::vector<Tensor> masks;
  EXPECT_EQ(emb.call_masked({idx}, {}, &masks).at(0).shape(), (Shape{2, 2, 2}));
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0].to_vector(), m.to_vector());
  EXPECT_TRUE(emb.impl()->supports_masking());
  layers::Embedding plain(10, 2);
  EXPECT_FALSE(plain.compute_mask(idx).defined());  // Keras returns None
  EXPECT_FALSE(plain.impl()->supports_masking());   // Keras: supports_masking = mask_zero
  plain.call_masked({idx}, {}, &masks);
  EXPECT_FALSE(masks.at(0).defined());
}

TEST(Embedding, OutOfRangeIndicesAreErrors) {
  layers::Embedding emb(10, 4);
  EXPECT_THROW_WITH(emb(Tensor({1, 2, 3, 10}, {2, 2})), "indices[1,1] = 10 is not in [0, 10)", "input_dim=10",
                    "Hint:", "Embedding(11, 4)");
  EXPECT_THROW_WITH(emb(Tensor({-1}, {1})), "indices[0] = -1 is not in [0, 10)", "Hint:", "non-negative");
  EXPECT_THROW_WITH(emb(Tensor({std::numeric_limits<float>::quiet_NaN()}, {1})), "is not in [0, 10)", "NaN");
  EXPECT_THROW_WITH(emb(Tensor({1e30f}, {1})), "is not in [0, 10)");
  // Training through a model raises the same error rather than crashing.
  Sequential model({layers::Input({2}), layers::Embedding(5, 2), layers::Flatten(), layers::Dense(1)});
  model.compile(optimizer = "sgd", loss = "mse");
  EXPECT_THROW_WITH(model.fit(Tensor({1, 7}, {1, 2}), Tensor::zeros({1, 1}), verbose = 0),
                    "indices[0,1] = 7 is not in [0, 5)");
}

TEST(Embedding, ArgumentErrors) {
  EXPECT_THROW_WITH(layers::Embedding(), "Embedding.__init__() missing 2 required positional arguments: "
                    "'input_dim' and 'output_dim'", "Hint:");
  EXPECT_THROW_WITH(layers::Embedding(10), "missing 1 required positional argument: 'output_dim'");
  EXPECT_THROW_WITH(layers::Embedding(0, 4), "Both `input_dim` and `output_dim` should be positive, Received "
                    "input_dim = 0 and output_dim = 4", "Hint:");
  EXPECT_THROW_WITH(layers::Embedding(3, 4).embeddings(), "You must build the layer before accessing `embeddings`.");
  // input_length (removed in Keras 3) is accepted with a warning.
  layers::Embedding legacy(10, 4, input_length = 5);
  EXPECT_EQ(legacy(Tensor::zeros({2, 5})).shape(), (Shape{2, 5, 4}));
}

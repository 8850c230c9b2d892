#include "keras/layers/rnn/time_distributed.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(TimeDistributed, OutputShapesNameAndWeights) {
  layers::Dense dense(8);
  layers::TimeDistributed td(dense);
  EXPECT_EQ(td.name().rfind("time_distributed", 0), 0u);
  EXPECT_EQ(td.class_name(), "TimeDistributed");
  EXPECT_EQ(td(Input({10, 16})).shape(), (Shape{None, 10, 8}));
  EXPECT_EQ(td.count_params(), 16 * 8 + 8);
  auto w = td.get_weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{16, 8}));  // the wrapped Dense's kernel (in, units)
  EXPECT_TRUE(td.layer() == dense);
  EXPECT_TRUE(dense.built());
  // 5-D input: Conv2D on each of the 10 frames.
  layers::TimeDistributed conv(layers::Conv2D(4, 3));
  EXPECT_EQ(conv(Input({10, 8, 8, 3})).shape(), (Shape{None, 10, 6, 6, 4}));
  EXPECT_EQ(conv.count_params(), 3 * 3 * 3 * 4 + 4);
  // Unknown time axis stays unknown.
  EXPECT_EQ(layers::TimeDistributed(layers::Dense(2))(Input({None, 5})).shape(), (Shape{None, None, 2}));
}

TEST(TimeDistributed, RejectsInputsWithoutATimeAxis) {
  EXPECT_THROW_WITH(layers::TimeDistributed(layers::Dense(4))(Input({10})),
                    "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                    "received: (None, 10)",
                    "Hint:", "return_sequences");
  auto h = layers::Dense(3)(Input({10}));
  EXPECT_THROW_WITH(layers::TimeDistributed(layers::Dense(4))(h), "received: (None, 3)", "previous layer \"dense");
  EXPECT_THROW_WITH((void)layers::TimeDistributed(Layer{}), "Please initialize `TimeDistributed` layer with a "
                                                      "`keras.layers.Layer` instance");
  EXPECT_THROW((void)layers::TimeDistributed(kw::Kwargs{}), TypeError);
}

TEST(TimeDistributed, WrappedLayerChecksEachSlice) {
  layers::TimeDistributed td(layers::Dense(4, input_shape = {5}));
  td(Tensor::zeros({2, 3, 5}));
  EXPECT_THROW_WITH(td(Tensor::zeros({2, 3, 6})), "expected axis -1 of input shape to have value 5",
                    "(2, 6)");
  EXPECT_THROW_WITH(layers::TimeDistributed(layers::Conv2D(2, 3))(Input({4, 8, 3})), "expected min_ndim=4",
                    "found ndim=3");
}

TEST(TimeDistributed, EqualsTheLayerAppliedToEachStep) {
  layers::Dense dense(3, activation = "tanh");
  layers::TimeDistributed td(dense);
  Tensor x = random::normal({4, 5, 6});
  Tensor y = td(x);
  ASSERT_EQ(y.shape(), (Shape{4, 5, 3}));
  for (int64_t t = 0; t < 5; ++t) {
    Tensor step = Tensor::empty({4, 6});
    for (int64_t b = 0; b < 4; ++b)
      for (int64_t f = 0; f < 6; ++f) step.data()[b * 6 + f] = x.at({b, t, f});
    Tensor ys = dense(step);
    for (int64_t b = 0; b < 4; ++b)
      for (int64_t u = 0; u < 3; ++u) EXPECT_FLOAT_EQ(y.at({b, t, u}), ys.at({b, u}));
  }
}

TEST(TimeDistributed, GradientsWithDense) {
  layers::TimeDistributed td(layers::Dense(3, activation = "sigmoid"));
  Tensor x = random::normal({2, 4, 5});
  td(x);
  keras::test_support::expect_gradients_match(td, {x});
}

TEST(TimeDistributed, GradientsWithConv2D) {
  layers::TimeDistributed td(layers::Conv2D(2, 3, padding = "same"));
  Tensor x = random::normal({2, 2, 4, 4, 1});
  td(x);
  keras::test_support::expect_gradients_match(td, {x}, {.tolerance = 5e-3});
}

TEST(TimeDistributed, MaskPassesThrough) {
  layers::TimeDistributed td(layers::Dense(2));
  Tensor mask({1, 0, 1, 1, 1, 0}, {2, 3});
  mask.set_dtype("bool");
  std::vector<Tensor> out_masks;
  td.call_masked({random::normal({2, 3, 4})}, {mask}, &out_masks);
  ASSERT_EQ(out_masks.size(), 1u);
  ASSERT_TRUE(out_masks[0].defined());
  EXPECT_EQ(out_masks[0].to_vector(), mask.to_vector());
  EXPECT_THROW_WITH(td.call_masked({random::normal({2, 3, 4})}, {Tensor::ones({2, 2})}),
                    "`TimeDistributed` Layer should be passed a `mask` of shape (2, 3, ...), received: "
                    "mask.shape=(2, 2)");
}

TEST(TimeDistributed, SummaryShowsTheWrappedParams) {
  Sequential model({Input({10, 16}), layers::TimeDistributed(layers::Dense(8))});
  std::string s = model.summary_string();
  EXPECT_NE(s.find("(TimeDistributed)"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 10, 8)"), std::string::npos) << s;
  EXPECT_NE(s.find("136"), std::string::npos) << s;
}

TEST(TimeDistributed, TrainsWithMaskedSequenceTargets) {
  // Embedding(mask_zero) -> TimeDistributed(Dense(softmax)): the label of a padded step must not matter.
  Sequential model({layers::Embedding(6, 4, mask_zero = true), layers::TimeDistributed(layers::Dense(3,
                                                                                      activation = "softmax"))});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  Tensor x({1, 2, 3, 0, 0, 4, 5, 0}, {2, 4});
  Tensor y({0, 1, 2, 0, 2, 0, 1, 0}, {2, 4});
  Tensor y_other_padding({0, 1, 2, 2, 2, 0, 1, 1}, {2, 4});  // differs only where x == 0
  auto a = model.evaluate(x, y, verbose = 0);
  auto b = model.evaluate(x, y_other_padding, verbose = 0);
  EXPECT_NEAR(a[0], b[0], 1e-6);
  EXPECT_NEAR(a[1], b[1], 1e-6);
  // The loss is the mean cross-entropy over the 5 unmasked steps.
  Tensor p = model.predict(x, verbose = 0);
  const std::vector<std::pair<int64_t, int64_t>> valid{{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}};
  double ce = 0, hits = 0;
  for (auto [s, t] : valid) {
    const auto label = static_cast<int64_t>(y.at({s, t}));
    ce -= std::log(p.at({s, t, label}));
    int64_t best = 0;
    for (int64_t c = 1; c < 3; ++c)
      if (p.at({s, t, c}) > p.at({s, t, best})) best = c;
    hits += best == label ? 1 : 0;
  }
  EXPECT_NEAR(a[0], ce / 5, 1e-5);
  EXPECT_NEAR(a[1], hits / 5, 1e-6);  // accuracy counts the unmasked steps only
  History h = model.fit(x, y, epochs = 20, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
}

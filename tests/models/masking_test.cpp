// Keras mask propagation through models: Embedding(mask_zero) and Masking create masks, layers that support
// masking pass or combine them, the others drop them (with Keras's warning), and losses and metrics weight the
// masked entries 0.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_close;

namespace {

// Masked mean over axis 1 of h (batch, steps, units) where mask (batch, steps) is 1.
Tensor masked_mean(const Tensor& h, const Tensor& mask) {
  const int64_t b = h.dim(0), t = h.dim(1), u = h.dim(2);
  Tensor out = Tensor::zeros({b, u});
  for (int64_t i = 0; i < b; ++i) {
    double n = 0;
    for (int64_t s = 0; s < t; ++s) {
      if (mask.at({i, s}) == 0.0f) continue;
      n += 1;
      for (int64_t k = 0; k < u; ++k) out.data()[i * u + k] += h.at({i, s, k});
    }
    for (int64_t k = 0; k < u; ++k) out.data()[i * u + k] /= static_cast<float>(n);
  }
  return out;
}

Tensor nonzero(const Tensor& x) {
  Tensor m = Tensor::empty(x.dims());
  for (int64_t i = 0; i < x.size(); ++i) m.data()[i] = x.data()[i] != 0.0f ? 1.0f : 0.0f;
  return m;
}

const Tensor kTokens({3, 1, 0, 0, 2, 4, 4, 0, 1, 0, 2, 3}, {3, 4});

}  // namespace

TEST(MaskPropagation, SequentialEmbeddingDenseAveragePoolingGivesTheMaskedMean) {
  layers::Embedding emb(5, 3, mask_zero = true);
  layers::Dense dense(2);
  Sequential model({Input({4}), emb, dense, layers::GlobalAveragePooling1D()});
  Tensor y = model.predict(kTokens, verbose = 0);
  expect_close(y, masked_mean(dense(emb(kTokens)), nonzero(kTokens)));
  // Without mask_zero the same model averages every step.
  EXPECT_GT(std::fabs(y.at({0, 0}) - Sequential({Input({4}), layers::Embedding(5, 3), layers::Dense(2),
                                                  layers::GlobalAveragePooling1D()})
                                          .predict(kTokens, verbose = 0)
                                          .at({0, 0})),
            0.0f);
}

TEST(MaskPropagation, FunctionalModelAndNestedModel) {
  auto in = Input({4});
  layers::Embedding emb(5, 3, mask_zero = true);
  layers::Dense dense(2, activation = "relu");
  auto out = layers::GlobalAveragePooling1D()(dense(emb(in)));
  Model model(in, out);
  Tensor expected = masked_mean(dense(emb(kTokens)), nonzero(kTokens));
  expect_close(model.predict(kTokens, verbose = 0), expected);
  // A model inside a model: its output mask reaches the pooling layer after it.
  auto in2 = Input({4});
  Model inner(in2, dense(emb(in2)));
  auto in3 = Input({4});
  Model outer(in3, layers::GlobalAveragePooling1D()(inner(in3)));
  expect_close(outer.predict(kTokens, verbose = 0), expected);
}

TEST(MaskPropagation, FlattenDropsTheMaskWithKerasWarningOnce) {
  Sequential model({Input({4}), layers::Embedding(5, 3, mask_zero = true), layers::Flatten(name = "flat_nomask"),
                    layers::Dense(1)});
  ::testing::internal::CaptureStderr();
  model.predict(kTokens, verbose = 0);
  model.predict(kTokens, verbose = 0);
  std::string err = ::testing::internal::GetCapturedStderr();
  const std::string warning =
      "UserWarning: Layer 'flat_nomask' (of type Flatten) was passed an input with a mask attached to it. However, "
      "this layer does not support masking and will therefore destroy the mask information. Downstream layers will "
      "not see the mask.\n";
  EXPECT_NE(err.find(warning), std::string::npos) << err;
  EXPECT_EQ(err.find(warning), err.rfind(warning)) << "warned more than once:\n" << err;
}

TEST(MaskPropagation, ReshapeDropsTheMaskSoPoolingAveragesEveryStep) {
  layers::Embedding emb(5, 3, mask_zero = true);
  ::testing::internal::CaptureStderr();
  Sequential model({Input({4}), emb, layers::Reshape({4, 3}), layers::GlobalAveragePooling1D()});
  Tensor y = model.predict(kTokens, verbose = 0);
  ::testing::internal::GetCapturedStderr();
  expect_close(y, masked_mean(emb(kTokens), Tensor::ones({3, 4})));
}

TEST(MaskPropagation, MergeLayersAndTheirMasks) {
  auto a = Input({4});
  auto b = Input({4});
  layers::Embedding ea(5, 3, mask_zero = true), eb(5, 3, mask_zero = true);
  auto pooled = layers::GlobalAveragePooling1D()(layers::Add()({ea(a), eb(b)}));
  Model model({a, b}, pooled);
  Tensor xb({1, 1, 1, 0, 2, 0, 4, 4, 1, 3, 0, 3}, {3, 4});
  Tensor both = nonzero(kTokens);
  Tensor nb = nonzero(xb);
  for (int64_t i = 0; i < both.size(); ++i) both.data()[i] *= nb.data()[i];
  Tensor sum = ea(kTokens) + eb(xb);
  expect_close(model.predict({kTokens, xb}, verbose = 0), masked_mean(sum, both));

  // Merge: AND of the defined masks; none when no input has one.
  std::vector<Tensor> m;
  Tensor x = random::normal({3, 4, 2});
  layers::Multiply().call_masked({x, x}, {nonzero(kTokens), Tensor()}, &m);
  EXPECT_EQ(m.at(0).to_vector(), nonzero(kTokens).to_vector());
  layers::Multiply().call_masked({x, x}, {}, &m);
  EXPECT_FALSE(m.at(0).defined());
}

TEST(MaskPropagation, ConcatenateMasks) {
  Tensor x = random::normal({3, 4, 2});
  Tensor ma = nonzero(kTokens), mb = nonzero(Tensor({0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1}, {3, 4}));
  std::vector<Tensor> m;
  // Along the features: a step is kept if any input keeps it; an unmasked input keeps every step.
  layers::Concatenate().call_masked({x, x}, {ma, mb}, &m);
  for (int64_t i = 0; i < ma.size(); ++i)
    EXPECT_EQ(m.at(0).data()[i], (ma.data()[i] != 0 || mb.data()[i] != 0) ? 1.0f : 0.0f);
  layers::Concatenate().call_masked({x, x}, {ma, Tensor()}, &m);
  EXPECT_EQ(m.at(0).to_vector(), Tensor::ones({3, 4}).to_vector());
  // Along the time axis: the masks are concatenated.
  layers::Concatenate(axis = 1).call_masked({x, x}, {ma, mb}, &m);
  ASSERT_EQ(m.at(0).shape(), (Shape{3, 8}));
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t t = 0; t < 4; ++t) {
      EXPECT_EQ(m[0].at({i, t}), ma.at({i, t}));
      EXPECT_EQ(m[0].at({i, t + 4}), mb.at({i, t}));
    }
}

TEST(MaskPropagation, LayersThatPassOrDropMasksEagerly) {
  Tensor x = random::normal({3, 4, 2});
  Tensor mask = nonzero(kTokens);
  std::vector<Tensor> m;
  for (Layer l : std::vector<Layer>{layers::Dense(3), layers::Activation("relu"), layers::Dropout(0.5),
                                    layers::LayerNormalization(), layers::BatchNormalization(), layers::Identity(),
                                    layers::GaussianNoise(0.1), layers::ReLU(), layers::Softmax(),
                                    layers::Rescaling(2.0)}) {
    l.call_masked({x}, {mask}, &m);
    ASSERT_TRUE(m.at(0).defined()) << l.class_name();
    EXPECT_EQ(m[0].to_vector(), mask.to_vector()) << l.class_name();
  }
  ::testing::internal::CaptureStderr();
  for (Layer l : std::vector<Layer>{layers::Flatten(), layers::GlobalMaxPooling1D(), layers::Conv1D(2, 2)}) {
    l.call_masked({x}, {mask}, &m);
    EXPECT_FALSE(m.at(0).defined()) << l.class_name();
  }
  ::testing::internal::GetCapturedStderr();
  layers::GlobalAveragePooling1D().call_masked({x}, {mask}, &m);
  EXPECT_FALSE(m.at(0).defined());  // the steps axis is gone, and so is the mask
}

TEST(MaskPropagation, GlobalAveragePooling1DMaskedMeanAndGradient) {
  layers::GlobalAveragePooling1D pool;
  Tensor x = random::normal({3, 4, 2});
  Tensor mask = nonzero(kTokens);
  expect_close(pool.call_masked({x}, {mask}).at(0), masked_mean(x, mask));
  keras::test_support::expect_gradients_match(pool, {x}, {.input_masks = {mask}});
  // Every step masked: 0/0, as Keras's masked mean gives.
  Tensor y = pool.call_masked({x}, {Tensor::zeros({3, 4})}).at(0);
  EXPECT_TRUE(std::isnan(y.at({0, 0})));
}

TEST(MaskPropagation, BackwardSeesTheForwardMasks) {
  auto in = Input({4, 3});
  auto h = layers::Dense(4, activation = "tanh")(layers::Masking()(in));
  Model model(in, layers::Dense(1)(layers::GlobalAveragePooling1D()(h)));
  Tensor x = random::normal({2, 4, 3});
  for (int64_t f = 0; f < 3; ++f) {  // padded steps
    x.data()[(0 * 4 + 3) * 3 + f] = 0.0f;
    x.data()[(1 * 4 + 1) * 3 + f] = 0.0f;
    x.data()[(1 * 4 + 2) * 3 + f] = 0.0f;
  }
  model.predict(x, verbose = 0);
  keras::test_support::expect_gradients_match(model, {x}, {.skip_inputs = {0}});
}

TEST(MaskPropagation, LossIgnoresMaskedTimesteps) {
  Sequential model({Input({4}), layers::Embedding(5, 2, mask_zero = true), layers::Dense(1)});
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"});
  Tensor y = random::normal({3, 4, 1});
  Tensor y_other = y.copy();
  for (int64_t i = 0; i < kTokens.size(); ++i)
    if (kTokens.data()[i] == 0.0f) y_other.data()[i] += 10.0f;  // only padded steps differ
  auto a = model.evaluate(kTokens, y, verbose = 0);
  auto b = model.evaluate(kTokens, y_other, verbose = 0);
  EXPECT_NEAR(a[0], b[0], 1e-6);
  EXPECT_NEAR(a[1], b[1], 1e-6);
  // sum over the unmasked steps / their count (Keras's apply_mask with sum_over_batch_size).
  Tensor p = model.predict(kTokens, verbose = 0);
  double se = 0, ae = 0, n = 0;
  for (int64_t i = 0; i < kTokens.size(); ++i) {
    if (kTokens.data()[i] == 0.0f) continue;
    const double d = p.data()[i] - y.data()[i];
    se += d * d;
    ae += std::fabs(d);
    n += 1;
  }
  EXPECT_NEAR(a[0], se / n, 1e-5);
  EXPECT_NEAR(a[1], ae / n, 1e-5);
  // Training: one step from the same weights moves them the same way for both targets.
  auto w0 = model.get_weights();
  model.train_on_batch(kTokens, y);
  auto w1 = model.get_weights();
  model.set_weights(w0);
  model.train_on_batch(kTokens, y_other);
  auto w2 = model.get_weights();
  for (size_t k = 0; k < w1.size(); ++k) expect_close(w1[k], w2[k], 1e-6f);
  EXPECT_GT(std::fabs(w1[1].data()[0] - w0[1].data()[0]), 0.0f);
}

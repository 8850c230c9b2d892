#include "keras/layers/rnn/gru.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_test_support.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::sig;

namespace {

// Keras's GRU equations for one sample, both reset_after conventions, written out plainly.
std::vector<float> reference_gru(const Tensor& x, const std::vector<Tensor>& w, int64_t b, int64_t u, bool after) {
  const int64_t T = x.dim(1), I = x.dim(2);
  std::vector<float> h(u, 0.0f);
  auto bias = [&](int row, int64_t j) { return after ? w[2].at({row, j}) : (row == 0 ? w[2].data()[j] : 0.0f); };
  for (int64_t t = 0; t < T; ++t) {
    std::vector<double> xz(3 * u), hz(3 * u);
    for (int64_t j = 0; j < 3 * u; ++j) {
      xz[j] = bias(0, j);
      for (int64_t i = 0; i < I; ++i) xz[j] += x.at({b, t, i}) * w[0].at({i, j});
      hz[j] = bias(1, j);
      for (int64_t k = 0; k < u; ++k) hz[j] += h[k] * w[1].at({k, j});
    }
    std::vector<float> z(u), r(u), hh(u);
    for (int64_t j = 0; j < u; ++j) {
      z[j] = sig(static_cast<float>(xz[j] + hz[j]));
      r[j] = sig(static_cast<float>(xz[u + j] + hz[u + j]));
    }
    for (int64_t j = 0; j < u; ++j) {
      double rec = 0;
      if (after) {
        rec = r[j] * hz[2 * u + j];
      } else {
        for (int64_t k = 0; k < u; ++k) rec += r[k] * h[k] * w[1].at({k, 2 * u + j});
      }
      hh[j] = std::tanh(static_cast<float>(xz[2 * u + j] + rec));
    }
    for (int64_t j = 0; j < u; ++j) h[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
  }
  return h;
}

}  // namespace

TEST(Gru, ShapesAndWeights) {
  layers::GRU gru(4);
  EXPECT_EQ(gru(random::normal({2, 5, 3})).shape(), (Shape{2, 4}));
  auto w = gru.get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 12}));
  EXPECT_EQ(w[1].shape(), (Shape{4, 12}));
  EXPECT_EQ(w[2].shape(), (Shape{2, 12}));  // reset_after=true: input and recurrent biases
  EXPECT_EQ(gru.count_params(), 3 * (4 * (3 + 4) + 2 * 4));
  layers::GRU before(4, reset_after = false);
  before(random::normal({2, 5, 3}));
  EXPECT_EQ(before.get_weights()[2].shape(), (Shape{12}));
  auto outs = layers::GRU(6, return_sequences = true, return_state = true).call_outputs({Input({5, 3})});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(outs[0].shape(), (Shape{None, 5, 6}));
  EXPECT_EQ(outs[1].shape(), (Shape{None, 6}));
}

TEST(Gru, ComputesKerasEquations) {
  utils::set_random_seed(11);
  Tensor x = random::normal({2, 4, 3});
  for (bool after : {true, false}) {
    SCOPED_TRACE(after ? "reset_after" : "reset_before");
    layers::GRU gru(5, reset_after = after, bias_initializer = "random_normal");
    Tensor y = gru(x);
    auto w = gru.get_weights();
    for (int64_t b = 0; b < 2; ++b) {
      auto ref = reference_gru(x, w, b, 5, after);
      for (int64_t j = 0; j < 5; ++j) EXPECT_NEAR(y.at({b, j}), ref[j], 1e-5);
    }
  }
}

TEST(Gru, GradientsMatchNumerical) {
  utils::set_random_seed(12);
  Tensor x = random::normal({2, 4, 3});
  for (bool after : {true, false})
    for (bool seq : {false, true})
      for (bool back : {false, true}) {
        SCOPED_TRACE(testing::Message() << "reset_after=" << after << " seq=" << seq << " back=" << back);
        layers::GRU gru(3, reset_after = after, return_sequences = seq, go_backwards = back,
                        bias_initializer = "random_normal");
        gru(x);
        keras::test_support::expect_gradients_match(gru, {x});
      }
  for (bool after : {true, false}) {
    SCOPED_TRACE("initial_state, return_state");
    layers::GRU gru(3, reset_after = after, return_state = true);
    Tensor h0 = random::normal({2, 3});
    gru(std::vector<Tensor>{x, h0});
    keras::test_support::expect_gradients_match(gru, {x, h0});
  }
}

TEST(Gru, MaskedGradientsMatchNumerical) {
  utils::set_random_seed(13);
  Tensor x = random::normal({3, 4, 2});
  Tensor mask = keras::test_support::mask_from({1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1}, 3, 4);
  for (bool after : {true, false})
    for (bool seq : {false, true}) {
      SCOPED_TRACE(testing::Message() << "reset_after=" << after << " seq=" << seq);
      layers::GRU gru(3, reset_after = after, return_sequences = seq);
      gru(x);
      keras::test_support::expect_masked_gradients_match(gru, {x}, mask);
    }
}

TEST(Gru, RecurrentDropoutTrainsAndIsOffAtInference) {
  utils::set_random_seed(14);
  Tensor x = random::normal({8, 5, 3});
  for (bool after : {true, false}) {
    layers::GRU gru(4, reset_after = after, dropout = 0.3, recurrent_dropout = 0.3, seed = 2);
    Tensor inf = gru(x);
    EXPECT_LT(max_abs_diff(inf, gru(x)), 1e-7f);
    EXPECT_GT(max_abs_diff(gru.impl()->call_eager({x}, true)[0], inf), 1e-4f);
  }
}

TEST(Gru, FusedPrimitiveMatchesStepLoop) {
  // Keras's default GRU (reset_after=true) without a mask runs as oneDNN's lbr_gru; outputs, input and state
  // gradients and weight gradients must match the step loop's.
  utils::set_random_seed(17);
  Tensor x = random::normal({5, 7, 6});
  Tensor h0 = random::normal({5, 8});
  for (bool back : {false, true})
    for (bool seq : {false, true})
      for (bool bias : {true, false}) {
        SCOPED_TRACE(testing::Message() << "go_backwards=" << back << " return_sequences=" << seq
                                        << " use_bias=" << bias);
        layers::GRU gru(8, return_sequences = seq, return_state = true, go_backwards = back, use_bias = bias,
                        bias_initializer = "random_normal");
        gru(std::vector<Tensor>{x, h0});
        std::vector<Tensor> grads_out{random::normal(seq ? std::vector<int64_t>{5, 7, 8} : std::vector<int64_t>{5, 8}),
                                      random::normal({5, 8})};
        std::vector<std::vector<Tensor>> results;
        for (bool loop : {false, true}) {
          keras::test_support::StepLoopOnly only(loop);
          CallContext ctx;
          ctx.training = true;
          ctx.inputs = {x, h0};
          ctx.outputs = gru.impl()->forward(ctx);
          EXPECT_EQ(ctx.saved.back().defined(), !loop) << "the last saved tensor flags the primitive's run";
          for (const auto& v : gru.impl()->variables()) v->grad = Tensor();
          std::vector<Tensor> r = ctx.outputs;
          for (const Tensor& g : gru.impl()->backward(ctx, grads_out)) r.push_back(g);
          for (const auto& v : gru.impl()->variables()) r.push_back(v->grad.copy());
          results.push_back(r);
        }
        ASSERT_EQ(results[0].size(), results[1].size());
        ASSERT_EQ(results[0].size(), bias ? 7u : 6u);  // y, h; dx, dh0; kernel, recurrent_kernel[, bias]
        for (size_t i = 0; i < results[0].size(); ++i)
          EXPECT_LT(max_abs_diff(results[0][i], results[1][i]), 1e-5f) << i;
      }
  // reset_after=false, other activations, masks and recurrent dropout keep the loop.
  for (auto make : {+[] { return layers::GRU(4, reset_after = false); },
                    +[] { return layers::GRU(4, activation = "relu"); },
                    +[] { return layers::GRU(4, recurrent_activation = "hard_sigmoid"); }}) {
    layers::GRU gru = make();
    CallContext ctx;
    ctx.inputs = {x};
    gru.impl()->check_and_build({x.shape()});
    gru.impl()->forward(ctx);
    EXPECT_FALSE(ctx.saved.back().defined());
  }
  layers::GRU masked(4);
  Tensor mask = Tensor::ones({5, 7});
  CallContext ctx;
  ctx.inputs = {x};
  ctx.input_masks = {mask};
  masked.impl()->check_and_build({x.shape()});
  masked.impl()->forward(ctx);
  EXPECT_FALSE(ctx.saved.back().defined());
}

TEST(Gru, DropoutGradientsMatchNumerical) {
  utils::set_random_seed(19);
  for (bool after : {true, false}) {
    SCOPED_TRACE(after ? "reset_after" : "reset_before");
    keras::test_support::expect_dropout_gradients_for(
        [after](double d, double rd, bool seq, bool back) {
          return layers::GRU(3, reset_after = after, dropout = d, recurrent_dropout = rd, return_sequences = seq,
                             go_backwards = back, return_state = true, bias_initializer = "random_normal");
        },
        3, 1);
  }
}

TEST(Gru, PredictMatchesTheTrainingForward) {
  utils::set_random_seed(23);
  keras::test_support::expect_predict_matches_training_forward(layers::GRU(16, return_sequences = true), 6, 5);
  keras::test_support::expect_predict_matches_training_forward(layers::GRU(16), 6, 5);
}

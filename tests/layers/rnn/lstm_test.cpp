#include "keras/layers/rnn/lstm.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/sequences.hpp"
#include "layers/rnn/rnn_test_support.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::sig;

namespace {

// Keras's LSTM equations written out plainly, one sample at a time (the layer under test never does this).
std::vector<float> reference_lstm(const Tensor& x, const std::vector<Tensor>& w, int64_t b, int64_t u) {
  const int64_t T = x.dim(1), I = x.dim(2);
  std::vector<float> h(u, 0.0f), c(u, 0.0f);
  for (int64_t t = 0; t < T; ++t) {
    std::vector<float> z(4 * u);
    for (int64_t j = 0; j < 4 * u; ++j) {
      double acc = w[2].data()[j];
      for (int64_t i = 0; i < I; ++i) acc += x.at({b, t, i}) * w[0].at({i, j});
      for (int64_t k = 0; k < u; ++k) acc += h[k] * w[1].at({k, j});
      z[j] = static_cast<float>(acc);
    }
    for (int64_t j = 0; j < u; ++j) {
      c[j] = sig(z[u + j]) * c[j] + sig(z[j]) * std::tanh(z[2 * u + j]);
      h[j] = sig(z[3 * u + j]) * std::tanh(c[j]);
    }
  }
  return h;
}

}  // namespace

TEST(Lstm, ShapesWeightsAndDefaults) {
  layers::LSTM lstm(4);
  Tensor y = lstm(random::normal({2, 5, 3}));
  EXPECT_EQ(y.shape(), (Shape{2, 4}));
  auto w = lstm.get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 16}));
  EXPECT_EQ(w[1].shape(), (Shape{4, 16}));
  EXPECT_EQ(w[2].shape(), (Shape{16}));
  std::vector<std::string> names;
  for (const auto& v : lstm.impl()->variables()) names.push_back(v->name);
  EXPECT_EQ(names, (std::vector<std::string>{"kernel", "recurrent_kernel", "bias"}));
  // unit_forget_bias: blocks i, f, c, o start at 0, 1, 0, 0.
  for (int64_t j = 0; j < 16; ++j) EXPECT_EQ(w[2].data()[j], j >= 4 && j < 8 ? 1.0f : 0.0f) << j;
  // Orthogonal recurrent kernel: the whole (4, 16) matrix has orthonormal rows.
  for (int64_t a = 0; a < 4; ++a)
    for (int64_t b = 0; b < 4; ++b) {
      double dot = 0;
      for (int64_t j = 0; j < 16; ++j) dot += w[1].at({a, j}) * w[1].at({b, j});
      EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-4);
    }
  EXPECT_EQ(lstm.count_params(), 4 * (4 * (3 + 4) + 4));
  EXPECT_EQ(lstm.name().rfind("lstm", 0), 0u);
  layers::LSTM no_forget(4, unit_forget_bias = false, use_bias = true);
  no_forget(random::normal({1, 2, 3}));
  EXPECT_FLOAT_EQ(no_forget.get_weights()[2].data()[5], 0.0f);

  auto seq = layers::LSTM(8, return_sequences = true)(Input({7, 3}));
  EXPECT_EQ(seq.shape(), (Shape{None, 7, 8}));
  auto outs = layers::LSTM(8, return_state = true).call_outputs({Input({7, 3})});
  ASSERT_EQ(outs.size(), 3u);
  for (const auto& o : outs) EXPECT_EQ(o.shape(), (Shape{None, 8}));
  auto eager =
      layers::LSTM(8, return_sequences = true, return_state = true)(std::vector<Tensor>{Tensor::zeros({2, 7, 3})});
  ASSERT_EQ(eager.size(), 3u);
  EXPECT_EQ(eager[0].shape(), (Shape{2, 7, 8}));
  EXPECT_EQ(eager[2].shape(), (Shape{2, 8}));
}

TEST(Lstm, ComputesKerasEquations) {
  utils::set_random_seed(3);
  layers::LSTM lstm(5, bias_initializer = "random_normal", unit_forget_bias = false);
  Tensor x = random::normal({3, 4, 2});
  Tensor y = lstm(x);
  auto w = lstm.get_weights();
  for (int64_t b = 0; b < 3; ++b) {
    auto ref = reference_lstm(x, w, b, 5);
    for (int64_t j = 0; j < 5; ++j) EXPECT_NEAR(y.at({b, j}), ref[j], 1e-5);
  }
}

TEST(Lstm, ReturnSequencesStatesAndGoBackwards) {
  utils::set_random_seed(4);
  layers::LSTM seq(3, return_sequences = true, return_state = true);
  Tensor x = random::normal({2, 6, 4});
  auto out = seq(std::vector<Tensor>{x});
  // The last step of the sequence is the h state.
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(out[0].at({b, 5, j}), out[1].at({b, j}));

  // go_backwards processes the reversed sequence and returns outputs in processing order.
  layers::LSTM back(3, return_sequences = true, go_backwards = true);
  back(x);
  back.set_weights(seq.get_weights());
  Tensor xr = Tensor::empty({2, 6, 4});
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 6; ++t)
      for (int64_t i = 0; i < 4; ++i) xr.at({b, t, i}) = x.at({b, 5 - t, i});
  EXPECT_LT(max_abs_diff(back(x), seq(std::vector<Tensor>{xr})[0]), 1e-6f);
}

TEST(Lstm, InitialStateAndStateful) {
  utils::set_random_seed(5);
  Tensor x = random::normal({2, 6, 3});
  layers::LSTM full(4, return_state = true);
  auto whole = full(std::vector<Tensor>{x});
  // Running the first half, then the second half from its states, equals running it all.
  layers::LSTM half(4, return_state = true);
  auto [x1, x2] = keras::test_support::split_in_time(x, 3);
  half(std::vector<Tensor>{x1});
  half.set_weights(full.get_weights());
  auto first = half(std::vector<Tensor>{x1});
  auto second = half(std::vector<Tensor>{x2, first[1], first[2]});
  EXPECT_LT(max_abs_diff(second[0], whole[0]), 1e-5f);
  EXPECT_LT(max_abs_diff(second[2], whole[2]), 1e-5f);

  // stateful=true carries the states between calls; reset_states() zeroes them.
  layers::LSTM st(4, stateful = true, batch_input_shape = {2, 3, 3});
  st(x1);
  st.set_weights(full.get_weights());
  st.reset_states();
  st(x1);
  EXPECT_LT(max_abs_diff(st(x2), whole[0]), 1e-5f);
  st.reset_states();
  EXPECT_LT(max_abs_diff(st(x1), first[0]), 1e-5f);
  EXPECT_THROW_WITH(layers::LSTM(4, stateful = true)(Input({3, 3})),
                    "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: "
                    "sequence.shape=(None, 3, 3)");
}

TEST(Lstm, MaskCarriesStateForward) {
  utils::set_random_seed(6);
  layers::LSTM lstm(3, return_sequences = true, return_state = true);
  Tensor x = random::normal({2, 4, 2});
  lstm(std::vector<Tensor>{x});
  // Sample 0: steps 2 and 3 masked (right padding); sample 1: step 1 masked.
  Tensor mask = keras::test_support::mask_from({1, 1, 0, 0, 1, 0, 1, 1}, 2, 4);
  auto out = keras::test_support::forward_with_mask(lstm, {x}, mask);
  for (int64_t j = 0; j < 3; ++j) {
    EXPECT_FLOAT_EQ(out[0].at({0, 2, j}), out[0].at({0, 1, j}));  // masked output = previous state
    EXPECT_FLOAT_EQ(out[0].at({0, 3, j}), out[0].at({0, 1, j}));
    EXPECT_FLOAT_EQ(out[1].at({0, j}), out[0].at({0, 1, j}));
    EXPECT_FLOAT_EQ(out[0].at({1, 1, j}), out[0].at({1, 0, j}));
  }
  // The first two steps of sample 0 alone give the same state.
  Tensor x0 = Tensor::empty({1, 2, 2});
  for (int64_t t = 0; t < 2; ++t)
    for (int64_t i = 0; i < 2; ++i) x0.at({0, t, i}) = x.at({0, t, i});
  auto alone = lstm(std::vector<Tensor>{x0});
  for (int64_t j = 0; j < 3; ++j) EXPECT_NEAR(alone[1].at({0, j}), out[1].at({0, j}), 1e-6);

  // compute_masks: the mask follows the sequence output only; states carry none.
  auto masks = lstm.impl()->compute_masks({x}, {mask}, 3);
  ASSERT_EQ(masks.size(), 3u);
  EXPECT_TRUE(masks[0].defined());
  EXPECT_FALSE(masks[1].defined());
  EXPECT_TRUE(lstm.impl()->supports_masking());
  layers::LSTM last(3);
  EXPECT_FALSE(last.impl()->compute_masks({x}, {mask}, 1)[0].defined());

  // zero_output_for_mask (what Bidirectional sets): masked outputs are zeros, states still carried.
  layers::LSTM zero(3, return_sequences = true, zero_output_for_mask = true);
  zero(x);
  zero.set_weights(lstm.get_weights());
  Tensor z = keras::test_support::forward_with_mask(zero, {x}, mask)[0];
  EXPECT_EQ(z.at({0, 3, 0}), 0.0f);
  EXPECT_FLOAT_EQ(z.at({1, 2, 0}), out[0].at({1, 2, 0}));
}

TEST(Lstm, GradientsMatchNumerical) {
  utils::set_random_seed(7);
  Tensor x = random::normal({2, 4, 3});
  for (bool seq : {false, true})
    for (bool back : {false, true}) {
      SCOPED_TRACE(testing::Message() << "return_sequences=" << seq << " go_backwards=" << back);
      layers::LSTM lstm(3, return_sequences = seq, go_backwards = back, bias_initializer = "random_normal");
      lstm(x);
      keras::test_support::expect_gradients_match(lstm, {x});
    }
  SCOPED_TRACE("initial_state + return_state");
  layers::LSTM st(3, return_state = true, return_sequences = true);
  Tensor h0 = random::normal({2, 3}), c0 = random::normal({2, 3});
  st(std::vector<Tensor>{x, h0, c0});
  keras::test_support::expect_gradients_match(st, {x, h0, c0});
  SCOPED_TRACE("relu/hard_sigmoid, no bias");
  layers::LSTM other(3, activation = "relu", recurrent_activation = "hard_sigmoid", use_bias = false);
  other(x);
  keras::test_support::expect_gradients_match(other, {x});
}

TEST(Lstm, MaskedGradientsMatchNumerical) {
  utils::set_random_seed(8);
  Tensor x = random::normal({3, 5, 2});
  Tensor mask = keras::test_support::mask_from({1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1}, 3, 5);
  for (bool seq : {false, true})
    for (bool back : {false, true}) {
      SCOPED_TRACE(testing::Message() << "return_sequences=" << seq << " go_backwards=" << back);
      layers::LSTM lstm(3, return_sequences = seq, go_backwards = back, return_state = true);
      lstm(std::vector<Tensor>{x});
      keras::test_support::expect_masked_gradients_match(lstm, {x}, mask);
    }
}

TEST(Lstm, DropoutIsOneMaskPerSequence) {
  // Training with dropout: the output differs from inference; inference ignores dropout.
  utils::set_random_seed(9);
  layers::LSTM lstm(4, dropout = 0.5, recurrent_dropout = 0.3, seed = 1);
  Tensor x = random::normal({8, 5, 3});
  Tensor inf1 = lstm(x);
  EXPECT_LT(max_abs_diff(inf1, lstm(x)), 1e-7f);
  Tensor tr = lstm.impl()->call_eager({x}, true)[0];
  EXPECT_GT(max_abs_diff(tr, inf1), 1e-3f);
  EXPECT_EQ(lstm.impl()->config().get<double>("dropout"), 0.5);
}

TEST(Lstm, Errors) {
  EXPECT_THROW_WITH(layers::LSTM(0), "Received an invalid value for argument `units`, expected a positive integer, "
                    "got 0.");
  EXPECT_THROW_WITH(layers::LSTM(), "missing 1 required positional argument: 'units'");
  EXPECT_THROW_WITH(layers::LSTM(4, activation = "tanhh"), "tanhh");
  EXPECT_THROW_WITH(layers::LSTM(4)(Tensor::zeros({2, 3})),
                    "is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (2, 3)",
                    "RepeatVector", "(samples, timesteps, features)");
  layers::LSTM lstm(4);
  lstm(Tensor::zeros({2, 5, 3}));
  EXPECT_THROW_WITH(lstm(Tensor::zeros({2, 5, 4})), "expected axis -1 of input shape to have value 3");
  EXPECT_THROW_WITH(lstm(std::vector<Tensor>{Tensor::zeros({2, 5, 3}), Tensor::zeros({2, 4})}),
                    "Layer has 2 states but was passed 1 initial states. Received: initial_state=[(2, 4)]", "Hint:",
                    "initial_state={h0, c0}");
  EXPECT_THROW_WITH(lstm(std::vector<Tensor>{Tensor::zeros({2, 5, 3}), Tensor::zeros({2, 5}), Tensor::zeros({2, 4})}),
                    "not compatible with `cell.state_size`", "(2, 5)");
}

TEST(Lstm, FusedPrimitiveMatchesStepLoop) {
  // Without a mask the default LSTM runs as one oneDNN primitive; an all-ones mask sends the same call through the
  // per-step loop. Outputs, input gradients and weight gradients must agree.
  utils::set_random_seed(10);
  Tensor x = random::normal({5, 7, 6});
  Tensor h0 = random::normal({5, 8}), c0 = random::normal({5, 8});
  for (bool back : {false, true}) {
    layers::LSTM lstm(8, return_sequences = true, return_state = true, go_backwards = back,
                      bias_initializer = "random_normal");
    lstm(std::vector<Tensor>{x, h0, c0});
    std::vector<Tensor> grads_out{random::normal({5, 7, 8}), random::normal({5, 8}), random::normal({5, 8})};
    std::vector<std::vector<Tensor>> results;
    for (bool with_mask : {false, true}) {
      CallContext ctx;
      ctx.inputs = {x, h0, c0};
      if (with_mask) ctx.input_masks = {Tensor::ones({5, 7})};
      ctx.outputs = lstm.impl()->forward(ctx);
      for (const auto& v : lstm.impl()->variables()) v->grad = Tensor();
      std::vector<Tensor> r = ctx.outputs;
      for (const Tensor& g : lstm.impl()->backward(ctx, grads_out)) r.push_back(g);
      for (const auto& v : lstm.impl()->variables()) r.push_back(v->grad.copy());
      results.push_back(r);
    }
    ASSERT_EQ(results[0].size(), results[1].size());
    for (size_t i = 0; i < results[0].size(); ++i) EXPECT_LT(max_abs_diff(results[0][i], results[1][i]), 2e-5f) << i;
  }
}

TEST(Lstm, StatefulRejectsAnotherBatchSize) {
  // Keras fails when a stateful layer's states and its batch differ; it used to restart from zeros silently here.
  utils::set_random_seed(15);
  Tensor a = random::normal({2, 3, 3}), b = random::normal({2, 3, 3}), three = random::normal({3, 5, 3});
  layers::LSTM st(4, stateful = true, batch_input_shape = {2, 3, 3}, name = "stateful_lstm");
  layers::LSTM twin(4, stateful = true, batch_input_shape = {2, 3, 3});
  st(a);
  twin(a);
  twin.set_weights(st.get_weights());
  st.reset_state();
  twin.reset_state();
  st(a);
  twin(a);
  try {
    st(three);
    FAIL() << "a batch of 3 after batches of 2";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Input 0 of layer \"stateful_lstm\" is incompatible with the layer: expected "
                           "shape=(2, None, 3), found shape=(3, 5, 3)");
    EXPECT_EQ(e.layer(), "stateful_lstm");
    EXPECT_EQ(e.expected(), "batch size 2");
    EXPECT_EQ(e.received(), "batch size 3");
    for (const char* piece : {"is stateful", "reset_state()", "batch_size=2", "drop_remainder"})
      EXPECT_NE(std::string(e.what()).find(piece), std::string::npos) << piece;
  }
  // The failed call left the states alone: the next batch of 2 goes on from them, as its twin does.
  EXPECT_EQ(max_abs_diff(st(b), twin(b)), 0.0f);
  // reset_state() lets a batch of another size start again from zeros.
  st.reset_state();
  layers::LSTM plain(4);
  plain(three);
  plain.set_weights(st.get_weights());
  EXPECT_LT(max_abs_diff(st(three), plain(three)), 1e-6f);
  EXPECT_THROW_WITH(st(a), "expected shape=(3, None, 3), found shape=(2, 3, 3)");
  // Explicit initial states are held to the same batch size (tf.keras's input spec fixes it for stateful layers).
  EXPECT_THROW_WITH(st(a, initial_state = {Tensor::zeros({2, 4}), Tensor::zeros({2, 4})}),
                    "expected shape=(3, None, 3), found shape=(2, 3, 3)");
  // GRU and SimpleRNN share the check.
  layers::GRU gru(4, stateful = true, name = "stateful_gru");
  gru(a);
  EXPECT_THROW_WITH(gru(three), "Input 0 of layer \"stateful_gru\" is incompatible with the layer: expected "
                                "shape=(2, None, 3), found shape=(3, 5, 3)");
  layers::SimpleRNN rnn(4, stateful = true);
  rnn(three);
  EXPECT_THROW_WITH(rnn(a), "expected shape=(3, None, 3), found shape=(2, 3, 3)");
  // Not stateful: any batch size, every call from zeros.
  layers::LSTM stateless(4);
  stateless(a);
  EXPECT_EQ(stateless(three).shape(), (Shape{3, 4}));
}

TEST(Lstm, StatefulModelRejectsAPartialLastBatch) {
  utils::set_random_seed(16);
  Sequential model({layers::LSTM(4, stateful = true, batch_input_shape = {2, 3, 3})});
  EXPECT_EQ(model.predict(random::normal({4, 3, 3}), batch_size = 2, verbose = 0).shape(), (Shape{4, 4}));
  // 5 samples in batches of 2: the last batch has 1 sample.
  EXPECT_THROW_WITH(model.predict(random::normal({5, 3, 3}), batch_size = 2, verbose = 0),
                    "found shape=(1, 3, 3)", "drop_remainder");
}

TEST(Lstm, DropoutGradientsMatchNumerical) {
  utils::set_random_seed(18);
  keras::test_support::expect_dropout_gradients_for(
      [](double d, double rd, bool seq, bool back) {
        return layers::LSTM(3, dropout = d, recurrent_dropout = rd, return_sequences = seq, go_backwards = back,
                            return_state = true, bias_initializer = "random_normal");
      },
      3, 2);
}

TEST(Lstm, PredictMatchesTheTrainingForward) {
  utils::set_random_seed(23);
  keras::test_support::expect_predict_matches_training_forward(layers::LSTM(16, return_sequences = true), 6, 5);
  keras::test_support::expect_predict_matches_training_forward(layers::LSTM(16), 6, 5);
}

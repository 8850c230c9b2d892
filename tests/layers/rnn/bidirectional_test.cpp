#include "keras/layers/rnn/bidirectional.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_test_support.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

Tensor reverse_time(const Tensor& x) {
  Tensor r = Tensor::empty(x.dims());
  const int64_t T = x.dim(1), F = x.dim(2);
  for (int64_t b = 0; b < x.dim(0); ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t f = 0; f < F; ++f) r.at({b, t, f}) = x.at({b, T - 1 - t, f});
  return r;
}

}  // namespace

TEST(Bidirectional, NamesWeightsAndShapes) {
  utils::clear_session();
  layers::LSTM inner(4);
  layers::Bidirectional bi(inner);
  EXPECT_EQ(bi.name(), "bidirectional");
  EXPECT_EQ(bi.forward_layer().name(), "forward_lstm");
  EXPECT_EQ(bi.backward_layer().name(), "backward_lstm");
  auto out = bi(Input({5, 3}));
  EXPECT_EQ(out.shape(), (Shape{None, 8}));
  EXPECT_EQ(bi.count_params(), 2 * 4 * (4 * (3 + 4) + 4));
  std::vector<std::string> names;
  for (const auto& v : bi.impl()->variables()) names.push_back(v->name);
  EXPECT_EQ(names, (std::vector<std::string>{"kernel", "recurrent_kernel", "bias", "kernel", "recurrent_kernel",
                                             "bias"}));
  EXPECT_FALSE(inner.built());  // the wrapped layer is only a template

  auto in = Input({5, 3});
  EXPECT_EQ(layers::Bidirectional(layers::GRU(4, return_sequences = true), merge_mode = "sum")(in).shape(),
            (Shape{None, 5, 4}));
  auto none = layers::Bidirectional(layers::GRU(4), merge_mode = None).call_outputs({in});
  ASSERT_EQ(none.size(), 2u);
  auto st = layers::Bidirectional(layers::LSTM(4, return_state = true)).call_outputs({in});
  ASSERT_EQ(st.size(), 5u);
  EXPECT_EQ(st[0].shape(), (Shape{None, 8}));
  EXPECT_EQ(st[4].shape(), (Shape{None, 4}));

  Model model(in, layers::Bidirectional(layers::SimpleRNN(2))(in));
  EXPECT_NE(model.summary_string().find("Bidirectional"), std::string::npos);
}

TEST(Bidirectional, MergesForwardAndFlippedBackward) {
  utils::set_random_seed(31);
  Tensor x = random::normal({2, 4, 3});
  for (const char* mode : {"concat", "sum", "ave", "mul"}) {
    SCOPED_TRACE(mode);
    layers::Bidirectional bi(layers::LSTM(3, return_sequences = true), merge_mode = mode);
    Tensor y = bi(x);
    Tensor yf = bi.forward_layer()(x);
    Tensor yb = reverse_time(bi.backward_layer()(x));
    // The backward layer on x equals a forward-time LSTM with its weights on reversed x, read back reversed.
    layers::LSTM plain(3, return_sequences = true);
    plain(x);
    plain.set_weights(bi.backward_layer().get_weights());
    EXPECT_LT(max_abs_diff(yb, reverse_time(plain(reverse_time(x)))), 1e-6f);
    for (int64_t t = 0; t < 4; ++t)
      for (int64_t j = 0; j < 3; ++j) {
        const float f = yf.at({1, t, j}), b = yb.at({1, t, j});
        if (std::string(mode) == "concat") {
          EXPECT_FLOAT_EQ(y.at({1, t, j}), f);
          EXPECT_FLOAT_EQ(y.at({1, t, 3 + j}), b);
        } else {
          const float want = std::string(mode) == "sum" ? f + b : std::string(mode) == "ave" ? (f + b) / 2 : f * b;
          EXPECT_NEAR(y.at({1, t, j}), want, 1e-6);
        }
      }
  }
}

TEST(Bidirectional, GradientsMatchNumerical) {
  utils::set_random_seed(32);
  Tensor x = random::normal({2, 4, 3});
  for (const char* mode : {"concat", "sum", "ave", "mul"})
    for (bool seq : {false, true}) {
      SCOPED_TRACE(testing::Message() << mode << (seq ? " seq" : ""));
      layers::Bidirectional bi(layers::GRU(3, return_sequences = seq), merge_mode = mode);
      bi(x);
      keras::test_support::expect_gradients_match(bi, {x});
    }
  layers::Bidirectional none(layers::LSTM(2, return_sequences = true, return_state = true), merge_mode = None);
  Tensor s = random::normal({2, 2});
  none(std::vector<Tensor>{x, s, s, s, s});
  keras::test_support::expect_gradients_match(none, {x, s, s, s, s});
  // Masks: zero outputs at masked steps in both directions (Keras forces zero_output_for_mask).
  layers::Bidirectional masked(layers::SimpleRNN(2, return_sequences = true));
  masked(x);
  Tensor mask = keras::test_support::mask_from({1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
  keras::test_support::expect_masked_gradients_match(masked, {x}, mask);
  Tensor y = keras::test_support::forward_with_mask(masked, {x}, mask)[0];
  for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(y.at({1, 3, j}), 0.0f);
  auto m = masked.impl()->compute_masks({x}, {mask}, 1);
  EXPECT_TRUE(m[0].defined());
}

TEST(Bidirectional, CustomBackwardLayerAndErrors) {
  layers::Bidirectional bi(layers::LSTM(3, return_sequences = true),
                           backward_layer = layers::GRU(3, go_backwards = true, return_sequences = true));
  EXPECT_EQ(bi(random::normal({2, 4, 2})).shape(), (Shape{2, 4, 6}));
  EXPECT_EQ(bi.backward_layer().class_name(), "GRU");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3), backward_layer = layers::LSTM(3)),
                    "Forward layer and backward layer should have different `go_backwards` value. Received: "
                    "forward_layer.go_backwards False, backward_layer.go_backwards=False");
  EXPECT_THROW_WITH(
      layers::Bidirectional(layers::LSTM(3),
                            backward_layer = layers::LSTM(3, go_backwards = true, return_sequences = true)),
      "Forward layer and backward layer are expected to have the same value for attribute \"return_sequences\", got "
      "\"False\" for forward layer and \"True\" for backward layer");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3), merge_mode = "max"),
                    "Invalid merge mode. Received: max. Merge mode should be one of");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::Dense(3)), "Please initialize `Bidirectional` layer");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3))(Input({4})), "expected ndim=3, found ndim=2",
                    "RepeatVector");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3)).reset_states(), "Layer must be stateful.");
  layers::Bidirectional st(layers::LSTM(3, stateful = true), batch_input_shape = {2, 4, 2});
  Tensor x = random::normal({2, 4, 2});
  Tensor first = st(x);
  EXPECT_GT(max_abs_diff(first, st(x)), 1e-6f);
  st.reset_states();
  EXPECT_LT(max_abs_diff(first, st(x)), 1e-6f);
}

// Keras's Bidirectional wraps any layer with the RNN arguments, ConvLSTM too: two ConvLSTMs, the second with
// go_backwards, merged on the last axis.
TEST(Bidirectional, WrapsConvLstm) {
  utils::clear_session();
  utils::set_random_seed(33);
  const Tensor x = random::normal({2, 3, 4, 4, 2});
  layers::Bidirectional bi(layers::ConvLSTM2D(3, 3, padding = "same", return_sequences = true));
  const Tensor y = bi(x);
  ASSERT_EQ(y.dims(), (std::vector<int64_t>{2, 3, 4, 4, 6}));
  EXPECT_EQ(bi.forward_layer().name(), "forward_conv_lstm2d");
  EXPECT_EQ(bi.backward_layer().name(), "backward_conv_lstm2d");
  EXPECT_EQ(bi.count_params(), 2 * (3 * 3 * 2 * 12 + 3 * 3 * 3 * 12 + 12));

  // Each direction is a plain ConvLSTM2D with that direction's weights; the backward one is read back in time order.
  layers::ConvLSTM2D fwd(3, 3, padding = "same", return_sequences = true);
  layers::ConvLSTM2D bwd(3, 3, padding = "same", return_sequences = true, go_backwards = true);
  fwd(x);
  bwd(x);
  fwd.set_weights(bi.forward_layer().get_weights());
  bwd.set_weights(bi.backward_layer().get_weights());
  EXPECT_LT(keras::test_support::max_concat_error(y, fwd(x), bwd(x)), 1e-6f);

  auto in = Input({3, 4, 4, 2});
  EXPECT_EQ(layers::Bidirectional(layers::ConvLSTM2D(3, 3), merge_mode = "sum")(in).shape(), (Shape{None, 2, 2, 3}));
  auto st = layers::Bidirectional(layers::ConvLSTM2D(3, 3, padding = "same", return_state = true)).call_outputs({in});
  ASSERT_EQ(st.size(), 5u);  // the merged output, then h and c of each direction
  EXPECT_EQ(st[0].shape(), (Shape{None, 4, 4, 6}));
  EXPECT_EQ(st[4].shape(), (Shape{None, 4, 4, 3}));
  // A rank mistake gets ConvLSTM's own hint, not the one for (batch, timesteps, features) sequences.
  EXPECT_THROW_WITH(layers::Bidirectional(layers::ConvLSTM2D(3, 3))(Input({4, 4, 2})), "expected ndim=5, found ndim=4",
                    "add the time axis (Reshape)");
}

TEST(Bidirectional, ConvLstmGradientsAndSaving) {
  utils::clear_session();
  utils::set_random_seed(34);
  const Tensor x = random::normal({2, 3, 5, 2});
  for (const char* mode : {"concat", "mul"}) {
    SCOPED_TRACE(mode);
    layers::Bidirectional bi(layers::ConvLSTM1D(2, 3, padding = "same", return_sequences = true), merge_mode = mode);
    bi(x);
    keras::test_support::expect_gradients_match(bi, {x});
  }
  // Initial states: the forward layer's h and c, then the backward layer's; every state gets its gradient.
  layers::Bidirectional states(layers::ConvLSTM1D(2, 3, padding = "same", return_state = true), merge_mode = None);
  const Tensor s = random::normal({2, 5, 2});
  states(std::vector<Tensor>{x, s, s, s, s});
  keras::test_support::expect_gradients_match(states, {x, s, s, s, s});

  auto in = Input({3, 5, 2});
  Model model(in, layers::Dense(2)(layers::Flatten()(
                      layers::Bidirectional(layers::ConvLSTM1D(2, 3, return_sequences = true))(in))));
  keras::test_support::expect_keras_round_trip(model, x);
}

// keras.layers.RNN over the built-in cells: RNN(XCell(u)) computes what the X(u) layer does with the same weights,
// shares its variables with the cell, and RNN(list of cells) computes what the stacked layers do.
#include "keras/layers/rnn/rnn.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_test_support.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_gradients_match;
using keras::test_support::expect_masked_gradients_match;
using keras::test_support::forward_with_mask;
using keras::test_support::mask_from;

namespace {

struct Kind {
  const char* name;
  std::function<Layer(int)> cell;
  std::function<Layer(int, bool, bool, bool)> layer;  // units, return_sequences, return_state, go_backwards
  int states;
};

std::vector<Kind> kinds() {
  return {
      {"SimpleRNN", [](int u) { return Layer(layers::SimpleRNNCell(u)); },
       [](int u, bool s, bool r, bool b) {
         return Layer(layers::SimpleRNN(u, return_sequences = s, return_state = r, go_backwards = b));
       },
       1},
      {"LSTM", [](int u) { return Layer(layers::LSTMCell(u)); },
       [](int u, bool s, bool r, bool b) {
         return Layer(layers::LSTM(u, return_sequences = s, return_state = r, go_backwards = b));
       },
       2},
      {"GRU", [](int u) { return Layer(layers::GRUCell(u)); },
       [](int u, bool s, bool r, bool b) {
         return Layer(layers::GRU(u, return_sequences = s, return_state = r, go_backwards = b));
       },
       1},
      {"GRU reset_after=false", [](int u) { return Layer(layers::GRUCell(u, reset_after = false)); },
       [](int u, bool s, bool r, bool b) {
         return Layer(
             layers::GRU(u, return_sequences = s, return_state = r, go_backwards = b, reset_after = false));
       },
       1},
  };
}

void expect_same_outputs(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].dims(), b[i].dims()) << "output " << i;
    EXPECT_LT(max_abs_diff(a[i], b[i]), 1e-6f) << "output " << i;
  }
}

}  // namespace

TEST(Rnn, OneCellComputesWhatItsLayerDoes) {
  const Tensor x = random::normal({3, 5, 4});
  const Tensor mask = mask_from({1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1}, 3, 5);
  for (const Kind& kind : kinds())
    for (bool seq : {false, true})
      for (bool state : {false, true})
        for (bool back : {false, true}) {
          SCOPED_TRACE(testing::Message() << kind.name << " return_sequences=" << seq << " return_state=" << state
                                          << " go_backwards=" << back);
          layers::RNN rnn(kind.cell(3), return_sequences = seq, return_state = state, go_backwards = back);
          Layer plain = kind.layer(3, seq, state, back);
          const std::vector<Tensor> got = rnn(std::vector<Tensor>{x});
          plain(x);
          plain.set_weights(rnn.get_weights());
          expect_same_outputs(got, plain(std::vector<Tensor>{x}));
          expect_same_outputs(forward_with_mask(rnn, {x}, mask), forward_with_mask(plain, {x}, mask));
          std::vector<Tensor> with_states{x};
          for (int k = 0; k < kind.states; ++k) with_states.push_back(random::normal({3, 3}));
          expect_same_outputs(rnn(with_states), plain(with_states));
        }
}

TEST(Rnn, VariablesAreTheCells) {
  utils::clear_session();
  layers::LSTMCell cell(4);
  layers::RNN rnn(cell);
  EXPECT_EQ(rnn.name(), "rnn");
  EXPECT_EQ(cell.name(), "lstm_cell");
  EXPECT_EQ(rnn.cell(), cell);
  EXPECT_FALSE(cell.built());
  Sequential model({Input({6, 3}), rnn, layers::Dense(1)});
  EXPECT_TRUE(cell.built());
  EXPECT_EQ(rnn.count_params(), 4 * (4 * (3 + 4) + 4));
  EXPECT_EQ(cell.count_params(), rnn.count_params());
  ASSERT_EQ(rnn.get_weights().size(), 3u);
  // unit_forget_bias, as in LSTM.
  EXPECT_EQ(cell.get_weights()[2].at({5}), 1.0f);
  model.compile(optimizer = "adam", loss = "mse");
  const Tensor x = random::normal({16, 6, 3}), y = random::normal({16, 1});
  const auto before = cell.get_weights();
  model.fit(x, y, epochs = 1, batch_size = 8, verbose = 0);
  const auto after = cell.get_weights(), seen = rnn.get_weights();
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_GT(max_abs_diff(before[i], after[i]), 0.0f) << i;
    EXPECT_EQ(max_abs_diff(after[i], seen[i]), 0.0f) << i;
  }
  // Freezing the RNN freezes its cell, as setting rnn.trainable does in Keras.
  rnn.set_trainable(false);
  EXPECT_TRUE(rnn.trainable_weights().empty());
  EXPECT_EQ(rnn.non_trainable_weights().size(), 3u);
}

TEST(Rnn, TrainingGradientMatchesTheLoss) {
  utils::set_random_seed(3);
  for (const Kind& kind : kinds()) {
    SCOPED_TRACE(kind.name);
    Sequential model({Input({4, 2}), layers::RNN(kind.cell(3)), layers::Dense(1)});
    model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
    keras::test_support::expect_fit_step_follows_loss_gradient(model, random::normal({5, 4, 2}), random::normal({5, 1}));
  }
}

TEST(Rnn, GradientsMatchNumerical) {
  for (const Kind& kind : kinds()) {
    SCOPED_TRACE(kind.name);
    layers::RNN rnn(kind.cell(3), return_sequences = true, return_state = true);
    std::vector<Tensor> in{random::normal({2, 4, 3})};
    for (int k = 0; k < kind.states; ++k) in.push_back(random::normal({2, 3}));
    rnn(in);
    expect_gradients_match(rnn, in);
  }
}

TEST(Rnn, ShapeErrorsNameTheLayer) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::RNN(layers::LSTMCell(4))(Input({10})),
                    "Input 0 of layer \"rnn\" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape "
                    "received: (None, 10)",
                    "RepeatVector");
  EXPECT_THROW_WITH(layers::RNN(layers::Dense(3)),
                    "The RNN cell should have a `state_size` attribute (single integer or list of integers, one "
                    "integer per RNN state). Received: cell=<Dense name=dense, built=False>",
                    "TimeDistributed");
  // A cell built for 3 features cannot run over 5.
  layers::GRUCell cell(2);
  layers::RNN first(cell), second(cell);
  first(random::normal({1, 2, 3}));
  EXPECT_THROW_WITH(second(random::normal({1, 2, 5})),
                    "expected axis -1 of input shape to have value 3, but received input with shape (1, 5)",
                    "built for 3 features");
  layers::RNN lstm(layers::LSTMCell(4));
  EXPECT_THROW_WITH(lstm({random::normal({2, 3, 1}), random::normal({2, 4})}),
                    "Layer has 2 states but was passed 1 initial states.");
  EXPECT_THROW_WITH(layers::RNN(layers::LSTMCell(4), unroll = true)(Input({None, 3})),
                    "Cannot unroll a RNN if the time dimension is undefined.");
}

TEST(Rnn, StackedCellsComputeWhatStackedLayersDo) {
  const Tensor x = random::normal({3, 5, 4});
  const Tensor mask = mask_from({1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1}, 3, 5);
  for (bool seq : {false, true})
    for (bool state : {false, true})
      for (bool back : {false, true}) {
        SCOPED_TRACE("return_sequences=" + std::to_string(seq) + " return_state=" + std::to_string(state) +
                     " go_backwards=" + std::to_string(back));
        layers::RNN rnn({layers::LSTMCell(3), layers::GRUCell(2), layers::SimpleRNNCell(2)}, return_sequences = seq,
                        return_state = state, go_backwards = back);
        layers::LSTM a(3, return_sequences = true, return_state = state, go_backwards = back);
        layers::GRU b(2, return_sequences = true, return_state = state);
        layers::SimpleRNN c(2, return_sequences = seq, return_state = state);
        const std::vector<Tensor> got = rnn(std::vector<Tensor>{x});
        ASSERT_EQ(got.size(), state ? 5u : 1u);
        a(x);
        b(random::normal({3, 5, 3}));
        c(random::normal({3, 5, 2}));
        const auto w = rnn.get_weights();
        ASSERT_EQ(w.size(), 9u);
        a.set_weights({w[0], w[1], w[2]});
        b.set_weights({w[3], w[4], w[5]});
        c.set_weights({w[6], w[7], w[8]});
        // Going backwards, the first layer reverses time and the others follow its order (and its mask's).
        auto run = [&](const Tensor& in, const Tensor& m) {
          std::vector<Tensor> ya = forward_with_mask(a, {in}, m);
          Tensor m2 = m;
          if (back && m.defined()) {
            m2 = Tensor::empty({3, 5});
            for (int64_t i = 0; i < 3; ++i)
              for (int64_t t = 0; t < 5; ++t) m2.data()[i * 5 + t] = m.data()[i * 5 + 4 - t];
            m2.set_dtype("bool");
          }
          std::vector<Tensor> yb = forward_with_mask(b, {ya[0]}, m2);
          std::vector<Tensor> yc = forward_with_mask(c, {yb[0]}, m2);
          std::vector<Tensor> out{yc[0]};
          for (auto* y : {&ya, &yb, &yc}) out.insert(out.end(), y->begin() + 1, y->end());
          return out;
        };
        expect_same_outputs(got, run(x, Tensor()));
        expect_same_outputs(forward_with_mask(rnn, {x}, mask), run(x, mask));
      }
}

TEST(Rnn, StackedCellsGradientsMatchNumerical) {
  layers::RNN rnn({layers::LSTMCell(3), layers::GRUCell(2)}, return_sequences = true, return_state = true,
                  go_backwards = true);
  const std::vector<Tensor> in{random::normal({2, 4, 3}), random::normal({2, 3}), random::normal({2, 3}),
                               random::normal({2, 2})};
  rnn(in);
  EXPECT_EQ(rnn(in).size(), 4u);  // y, then h and c of the LSTM cell, then h of the GRU cell
  expect_gradients_match(rnn, in);
  layers::RNN masked({layers::SimpleRNNCell(3), layers::LSTMCell(2)}, return_sequences = true);
  const Tensor x = random::normal({3, 4, 2});
  masked(x);
  expect_masked_gradients_match(masked, {x}, mask_from({1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1}, 3, 4));
}

TEST(Rnn, StackedCellsTrainInAModel) {
  utils::set_random_seed(5);
  Sequential model({Input({4, 2}), layers::RNN({layers::LSTMCell(3), layers::GRUCell(2)}), layers::Dense(1)});
  EXPECT_EQ(model.layers()[0].count_params(), 4 * (3 * (2 + 3) + 3) + 3 * (2 * (3 + 2)) + 2 * 3 * 2);
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  keras::test_support::expect_fit_step_follows_loss_gradient(model, random::normal({5, 4, 2}), random::normal({5, 1}));
  EXPECT_THROW_WITH(layers::RNN(std::vector<Layer>{layers::LSTMCell(3), layers::Dense(2)}),
                    "All cells must have a `state_size` attribute. Received cell without a `state_size`: <Dense");
}

TEST(Rnn, StatefulKeepsItsStatesUntilReset) {
  for (bool stacked : {false, true}) {
    SCOPED_TRACE(stacked ? "stacked" : "one cell");
    layers::RNN rnn = stacked ? layers::RNN({layers::LSTMCell(3), layers::SimpleRNNCell(2)}, stateful = true,
                                            batch_input_shape = {2, 4, 3})
                              : layers::RNN(layers::LSTMCell(3), stateful = true, batch_input_shape = {2, 4, 3});
    const Tensor x = random::normal({2, 4, 3});
    const Tensor first = rnn(x);
    EXPECT_GT(max_abs_diff(first, rnn(x)), 1e-6f);
    rnn.reset_states();
    EXPECT_LT(max_abs_diff(first, rnn(x)), 1e-6f);
  }
  EXPECT_THROW_WITH(layers::RNN({layers::LSTMCell(3), layers::LSTMCell(2)}).reset_states(), "Layer must be stateful.");
}

TEST(Rnn, BidirectionalGivesEachDirectionItsOwnCell) {
  utils::clear_session();
  layers::Bidirectional bi(layers::RNN(layers::LSTMCell(3), return_sequences = true));
  const Tensor x = random::normal({2, 5, 4});
  EXPECT_EQ(bi(x).shape(), (Shape{2, 5, 6}));
  EXPECT_EQ(bi.count_params(), 2 * 4 * (3 * (4 + 3) + 3));
  const auto w = bi.get_weights();
  EXPECT_GT(max_abs_diff(w[0], w[3]), 0.0f);  // separate kernels
  layers::Bidirectional plain(layers::LSTM(3, return_sequences = true));
  plain(x);
  plain.set_weights(w);
  EXPECT_LT(max_abs_diff(bi(x), plain(x)), 1e-6f);
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTMCell(3)), "Please initialize `Bidirectional` layer");
}

TEST(Rnn, CellsByKeyword) {
  // Keras's positional arguments by keyword: RNN(cell=...), StackedRNNCells(cells=[...]).
  layers::RNN rnn(cell = layers::SimpleRNNCell(3), return_sequences = true);
  EXPECT_EQ(rnn(random::normal({2, 4, 5})).shape(), (Shape{2, 4, 3}));
  layers::StackedRNNCells stacked(cells = std::vector<Layer>{layers::GRUCell(2), layers::LSTMCell(3)});
  layers::RNN over(stacked);
  EXPECT_EQ(over(random::normal({2, 4, 5})).shape(), (Shape{2, 3}));
  EXPECT_EQ(over.cell(), stacked);
  EXPECT_THROW_WITH(layers::RNN(return_sequences = true),
                    "RNN.__init__() missing 1 required positional argument: 'cell'");
}

// Bidirectional(RNN([cells])): each direction stacks its own fresh cells; the backward RNN reverses time in its first
// layer, and Bidirectional reads its sequence back in time order.
TEST(Rnn, BidirectionalOfStackedCells) {
  utils::clear_session();
  utils::set_random_seed(35);
  const Tensor x = random::normal({2, 4, 3});
  layers::Bidirectional bi(layers::RNN({layers::LSTMCell(3), layers::GRUCell(2)}, return_sequences = true));
  const Tensor y = bi(x);
  ASSERT_EQ(y.shape(), (Shape{2, 4, 4}));
  EXPECT_EQ(bi.count_params(), 2 * (4 * (3 * (3 + 3) + 3) + 3 * (2 * (3 + 2) + 2 * 2)));
  layers::RNN fwd({layers::LSTMCell(3), layers::GRUCell(2)}, return_sequences = true);
  layers::RNN bwd({layers::LSTMCell(3), layers::GRUCell(2)}, return_sequences = true, go_backwards = true);
  fwd(x);
  bwd(x);
  fwd.set_weights(bi.forward_layer().get_weights());
  bwd.set_weights(bi.backward_layer().get_weights());
  EXPECT_LT(keras::test_support::max_concat_error(y, fwd(x), bwd(x)), 1e-6f);

  // States: h and c of the LSTMCell, h of the GRUCell, for each direction in turn.
  layers::Bidirectional states(layers::RNN({layers::LSTMCell(2), layers::GRUCell(2)}, return_state = true),
                               merge_mode = "sum");
  const Tensor s = random::normal({2, 2});
  const auto outs = states.call_outputs({Input({4, 3})});
  EXPECT_EQ(outs.size(), 7u);
  states(std::vector<Tensor>{x, s, s, s, s, s, s});
  expect_gradients_match(states, {x, s, s, s, s, s, s});
  EXPECT_THROW_WITH(states(std::vector<Tensor>{x, s, s}), "Layer has 6 states but was passed 2 initial states.",
                    "initial_state=the forward layer's 3 states (every cell's, in order) then the backward layer's.");
  // Masked steps give zeros in both directions (Keras forces zero_output_for_mask on the wrapped layers).
  layers::Bidirectional masked(layers::RNN({layers::SimpleRNNCell(2), layers::GRUCell(2)}, return_sequences = true));
  masked(x);
  const Tensor mask = mask_from({1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
  expect_masked_gradients_match(masked, {x}, mask);
  const Tensor ym = forward_with_mask(masked, {x}, mask)[0];
  for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(ym.at({1, 3, j}), 0.0f);

  auto in = Input({4, 3});
  Model model(in, layers::Dense(1)(layers::Bidirectional(layers::RNN({layers::LSTMCell(2), layers::GRUCell(2)}))(in)));
  keras::test_support::expect_keras_round_trip(model, x);
}

// The RNN cells called on their own: one timestep, cell({x, states...}) -> {output, new states...}, which is one
// timestep of the matching layer; and StackedRNNCells, which runs its cells in turn.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_gradients_match;

namespace {

// One timestep of `layer` (return_state=true) from the given states.
std::vector<Tensor> one_step_of(const Layer& layer, const Tensor& x, const std::vector<Tensor>& states) {
  std::vector<Tensor> in{x.reshape({x.dim(0), 1, x.dim(1)})};
  in.insert(in.end(), states.begin(), states.end());
  return layer(in);
}

}  // namespace

TEST(RnnCells, OneCallIsOneTimestepOfTheLayer) {
  utils::clear_session();
  const Tensor x = random::normal({3, 4});
  const Tensor h = random::normal({3, 5}), c = random::normal({3, 5});
  struct Case {
    Layer cell, layer;
    std::vector<Tensor> states;
  };
  std::vector<Case> cases{
      {layers::LSTMCell(5), layers::LSTM(5, return_state = true), {h, c}},
      {layers::GRUCell(5), layers::GRU(5, return_state = true), {h}},
      {layers::GRUCell(5, reset_after = false), layers::GRU(5, return_state = true, reset_after = false), {h}},
      {layers::SimpleRNNCell(5, activation = "relu"), layers::SimpleRNN(5, return_state = true, activation = "relu"),
       {h}},
  };
  for (Case& k : cases) {
    SCOPED_TRACE(k.cell.class_name());
    std::vector<Tensor> in{x};
    in.insert(in.end(), k.states.begin(), k.states.end());
    const std::vector<Tensor> got = k.cell(in);
    ASSERT_EQ(got.size(), 1 + k.states.size());  // Keras's `h, [h, c]`, flattened
    one_step_of(k.layer, x, k.states);
    k.layer.set_weights(k.cell.get_weights());
    const std::vector<Tensor> want = one_step_of(k.layer, x, k.states);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].shape(), (Shape{3, 5}));
      EXPECT_LT(max_abs_diff(got[i], want[i]), 1e-6f) << i;
    }
    // No states: zeros, as a layer starts.
    EXPECT_LT(max_abs_diff(k.cell(x), one_step_of(k.layer, x, {})[0]), 1e-6f);
  }
  EXPECT_EQ(cases[0].cell.name(), "lstm_cell");
  EXPECT_EQ(cases[1].cell.name(), "gru_cell");
  EXPECT_EQ(cases[2].cell.name(), "gru_cell_1");
  EXPECT_EQ(cases[3].cell.name(), "simple_rnn_cell");
}

TEST(RnnCells, SymbolicCallsAndShapes) {
  auto x = Input({4});
  auto h = Input({5});
  auto c = Input({5});
  layers::LSTMCell cell(5);
  auto outs = cell.call_outputs({x, h, c});
  ASSERT_EQ(outs.size(), 3u);
  EXPECT_EQ(outs[0].shape(), (Shape{None, 5}));
  EXPECT_EQ(outs[2].shape(), (Shape{None, 5}));
  Model model({x, h, c}, {outs[0]});
  EXPECT_EQ(model.count_params(), 4 * (5 * (4 + 5) + 5));
}

TEST(RnnCells, GradientsMatchNumerical) {
  for (Layer cell : {Layer(layers::LSTMCell(3)), Layer(layers::GRUCell(3)), Layer(layers::SimpleRNNCell(3))}) {
    SCOPED_TRACE(cell.class_name());
    std::vector<Tensor> in{random::normal({2, 4}), random::normal({2, 3})};
    if (cell.class_name() == "LSTMCell") in.push_back(random::normal({2, 3}));
    cell(in);
    expect_gradients_match(cell, in);
  }
}

TEST(RnnCells, ShapeErrorsNameTheCell) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::LSTMCell(4)(random::normal({2, 3, 5})),
                    "Input 0 of layer \"lstm_cell\" is incompatible with the layer: expected ndim=2, found ndim=3.",
                    "wrap it: layers::RNN(lstm_cell)");
  EXPECT_THROW_WITH(layers::LSTMCell(4)({random::normal({2, 3}), random::normal({2, 4})}),
                    "Layer has 2 states but was passed 1 initial states.");
  EXPECT_THROW_WITH(layers::GRUCell(4)({random::normal({2, 3}), random::normal({2, 3})}),
                    "An `initial_state` was passed that is not compatible with `cell.state_size`.");
  EXPECT_THROW_WITH(layers::LSTMCell(), "LSTMCell.__init__() missing 1 required positional argument: 'units'");
  EXPECT_THROW_WITH(layers::SimpleRNNCell(0), "Received an invalid value for argument `units`");
}

TEST(StackedRnnCells, RunsItsCellsInTurn) {
  layers::LSTMCell a(4);
  layers::GRUCell b(3);
  layers::StackedRNNCells stacked({a, b});
  EXPECT_EQ(stacked.name(), "stacked_rnn_cells");
  const Tensor x = random::normal({2, 5});
  const std::vector<Tensor> s{random::normal({2, 4}), random::normal({2, 4}), random::normal({2, 3})};
  const std::vector<Tensor> got = stacked({x, s[0], s[1], s[2]});
  ASSERT_EQ(got.size(), 4u);  // the output, then h and c of the LSTMCell, then h of the GRUCell
  const std::vector<Tensor> ya = a({x, s[0], s[1]});
  const std::vector<Tensor> yb = b({ya[0], s[2]});
  EXPECT_EQ(max_abs_diff(got[0], yb[0]), 0.0f);
  EXPECT_EQ(max_abs_diff(got[1], ya[1]), 0.0f);
  EXPECT_EQ(max_abs_diff(got[2], ya[2]), 0.0f);
  EXPECT_EQ(max_abs_diff(got[3], yb[1]), 0.0f);
  EXPECT_EQ(stacked.get_weights().size(), 6u);
  EXPECT_EQ(stacked.cells().size(), 2u);
  expect_gradients_match(stacked, {x, s[0], s[1], s[2]});
  EXPECT_THROW_WITH(layers::StackedRNNCells(std::vector<Layer>{}), "StackedRNNCells needs at least one cell.");
  EXPECT_THROW_WITH(stacked({x, s[0]}), "Layer has 3 states but was passed 1 initial states.");
}

// Models let BatchNormalization apply the plain relu layer that reads it (CallContext::relu_epilogue): the relu
// layer's node then passes the tensor through. Values, moving statistics and gradients must be exactly those of the
// two layers run apart, and it must happen only where sound.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"
#include "models/relu_folding.hpp"
#include "support/gradient_check.hpp"
#include "support/graph_backward.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

struct Pass {
  std::vector<float> output;
  std::vector<std::vector<float>> grads;  // the input's, then every weight's
  std::vector<std::vector<float>> weights;  // after the call: BatchNormalization's moving statistics moved
  std::vector<bool> epilogue;  // per node: relu_epilogue
  std::vector<const float*> output_data;  // per node: where its output lives
};

Pass backward_pass(Model& model, const Tensor& x, bool folding) {
  for (const auto& v : model.graph().variables()) v->value = v->value.copy();  // fresh buffers, same values
  const std::vector<Tensor> before = model.get_weights();
  keras::detail::set_relu_folding(folding);
  const keras::test_support::GraphBackward b = keras::test_support::graph_backward(model, x);
  keras::detail::set_relu_folding(true);
  Pass out;
  out.output = b.ctx.children.back().outputs.at(0).to_vector();
  out.grads.push_back(b.input_grads.at(0).to_vector());
  out.grads.insert(out.grads.end(), b.weight_grads.begin(), b.weight_grads.end());
  for (const Tensor& w : model.get_weights()) out.weights.push_back(w.to_vector());
  for (const CallContext& c : b.ctx.children) {
    out.epilogue.push_back(c.relu_epilogue);
    out.output_data.push_back(c.outputs.empty() || !c.outputs[0].defined() ? nullptr : c.outputs[0].data());
  }
  model.set_weights(before);
  return out;
}

void expect_same_pass(const Pass& a, const Pass& b) {
  EXPECT_EQ(a.output, b.output);
  ASSERT_EQ(a.grads.size(), b.grads.size());
  for (size_t i = 0; i < a.grads.size(); ++i) EXPECT_EQ(a.grads[i], b.grads[i]) << "gradient " << i;
  EXPECT_EQ(a.weights, b.weights);
}

}  // namespace

TEST(ReluEpilogue, BatchNormalizationAppliesTheReluAfterIt) {
  utils::set_random_seed(41);
  Sequential model({Input({9, 9, 2}), layers::Conv2D(4, 3, use_bias = false), layers::BatchNormalization(),
                    layers::Activation("relu"), layers::MaxPooling2D(), layers::Conv2D(3, 2),
                    layers::BatchNormalization(axis = -1, gamma_initializer = "random_normal"), layers::ReLU(),
                    layers::Flatten(), layers::Dense(5)});
  const Tensor x = random::normal({4, 9, 9, 2});
  const Pass fused = backward_pass(model, x, true), apart = backward_pass(model, x, false);
  expect_same_pass(fused, apart);
  // The BatchNormalization nodes (1 and 5) applied the relu; the relu nodes (2 and 6) handed on their output.
  const std::vector<bool> want{false, true, false, false, false, true, false, false, false};
  EXPECT_EQ(fused.epilogue, want);
  EXPECT_EQ(apart.epilogue, std::vector<bool>(want.size(), false));
  EXPECT_EQ(fused.output_data[2], fused.output_data[1]);
  EXPECT_EQ(fused.output_data[6], fused.output_data[5]);
  EXPECT_NE(apart.output_data[2], apart.output_data[1]);

  // predict (inference, values dropped as used) and a short fit agree too.
  keras::detail::set_relu_folding(false);
  const std::vector<float> predicted_apart = model.predict(x, verbose = 0).to_vector();
  keras::detail::set_relu_folding(true);
  EXPECT_EQ(model.predict(x, verbose = 0).to_vector(), predicted_apart);
  const std::vector<Tensor> start = model.get_weights();
  const Tensor y = random::uniform({4, 5});
  std::vector<std::vector<double>> losses;
  std::vector<std::vector<Tensor>> finals;
  for (bool folding : {true, false}) {
    model.set_weights(start);
    model.compile(optimizer = "adam", loss = "mse");
    keras::detail::set_relu_folding(folding);
    History h = model.fit(x, y, epochs = 3, batch_size = 2, shuffle = false, verbose = 0);
    keras::detail::set_relu_folding(true);
    losses.push_back(h.history.at("loss"));
    finals.push_back(model.get_weights());
  }
  EXPECT_EQ(losses[0], losses[1]);
  for (size_t i = 0; i < finals[0].size(); ++i) EXPECT_EQ(finals[0][i].to_vector(), finals[1][i].to_vector());

  // And against central differences, in training mode (batch statistics).
  utils::set_random_seed(5);
  Sequential small({Input({5, 3}), layers::Dense(4), layers::BatchNormalization(), layers::Activation("relu"),
                    layers::Dense(2)});
  keras::test_support::expect_gradients_match(small, {random::normal({6, 5, 3})}, {.training = true});
}

TEST(ReluEpilogue, OnlyWhereSound) {
  utils::set_random_seed(42);
  auto in = Input({6, 4});
  // The normalized values also feed another layer, which must see them before the relu.
  auto shared = layers::BatchNormalization()(in);
  auto a = layers::Activation("relu")(shared);
  auto b = layers::Dense(2)(shared);
  // relu6 and a leaky ReLU are not the plain relu; LayerNormalization cannot apply one.
  auto capped = layers::Activation("relu6")(layers::BatchNormalization()(in));
  auto leaky = layers::ReLU(negative_slope = 0.1)(layers::BatchNormalization()(in));
  auto ln = layers::Activation("relu")(layers::LayerNormalization()(in));
  Model model(in, layers::Dense(1)(layers::Concatenate()({a, b, capped, leaky, ln})));
  const Tensor x = random::normal({3, 6, 4});
  const Pass fused = backward_pass(model, x, true), apart = backward_pass(model, x, false);
  expect_same_pass(fused, apart);
  EXPECT_EQ(fused.epilogue, std::vector<bool>(fused.epilogue.size(), false));

  // A BatchNormalization that is also a model output keeps its own values.
  auto in2 = Input({4});
  auto normalized = layers::BatchNormalization()(in2);
  Model two(in2, std::vector<KerasTensor>{normalized, layers::Activation("relu")(normalized)});
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {random::normal({5, 4})};
  std::vector<Tensor> outs = two.graph().forward(ctx);
  for (const CallContext& c : ctx.children) EXPECT_FALSE(c.relu_epilogue);
  bool negative = false;
  for (float v : outs[0].to_vector()) negative = negative || v < 0;
  EXPECT_TRUE(negative);
}

// keras.layers.EinsumDense: Keras's shape rules and messages, values against a plain einsum written as loops over
// every label, gradients, and Keras's files.
#include "keras/layers/core/einsum_dense.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_gradients_match;

namespace {

// numpy.einsum for two operands with explicit labels (no ellipsis), as nested loops over every label's values.
Tensor einsum(const std::string& in, const std::string& ker, const std::string& out, const Tensor& x,
              const Tensor& k) {
  std::map<char, int64_t> size;
  for (size_t i = 0; i < in.size(); ++i) size[in[i]] = x.dim(static_cast<int>(i));
  for (size_t i = 0; i < ker.size(); ++i) size[ker[i]] = k.dim(static_cast<int>(i));
  std::vector<char> labels;
  for (const auto& [c, n] : size) labels.push_back(c);
  std::vector<int64_t> odims;
  for (char c : out) odims.push_back(size[c]);
  std::vector<double> acc(static_cast<size_t>(Tensor::zeros(odims).size()), 0.0);
  std::map<char, int64_t> at;
  for (char c : labels) at[c] = 0;
  auto flat = [&](const std::string& spec, const std::vector<int64_t>& dims) {
    int64_t f = 0;
    for (size_t i = 0; i < spec.size(); ++i) f = f * dims[i] + at[spec[i]];
    return f;
  };
  while (true) {
    acc[static_cast<size_t>(flat(out, odims))] += static_cast<double>(x.data()[flat(in, x.dims())]) *
                                                  k.data()[flat(ker, k.dims())];
    size_t i = 0;
    for (; i < labels.size(); ++i) {
      if (++at[labels[i]] < size[labels[i]]) break;
      at[labels[i]] = 0;
    }
    if (i == labels.size()) break;
  }
  Tensor y = Tensor::empty(odims);
  for (size_t i = 0; i < acc.size(); ++i) y.data()[i] = static_cast<float>(acc[i]);
  return y;
}

}  // namespace

TEST(EinsumDense, KerasExamplesShapes) {
  utils::clear_session();
  layers::EinsumDense dense("ab,bc->ac", 64, bias_axes = "c");
  EXPECT_EQ(dense(Input({32})).shape(), (Shape{None, 64}));
  EXPECT_EQ(dense.name(), "einsum_dense");
  EXPECT_EQ(dense.get_weights()[0].shape(), (Shape{32, 64}));
  EXPECT_EQ(dense.get_weights()[1].shape(), (Shape{64}));
  layers::EinsumDense seq("abc,cd->abd", {None, 64}, bias_axes = "d");
  EXPECT_EQ(seq(Input({32, 128})).shape(), (Shape{None, 32, 64}));
  layers::EinsumDense any("...x,xy->...y", 64, bias_axes = "y");
  EXPECT_EQ(any(Input({32, 128})).shape(), (Shape{None, 32, 64}));
  EXPECT_EQ(any.count_params(), 128 * 64 + 64);
  // Multi-head projections as MultiHeadAttention makes them: (batch, seq, dim) -> (batch, seq, heads, key_dim).
  layers::EinsumDense heads("abc,cde->abde", {None, 4, 16}, bias_axes = "de");
  EXPECT_EQ(heads(Input({10, 32})).shape(), (Shape{None, 10, 4, 16}));
  EXPECT_EQ(heads.get_weights()[0].shape(), (Shape{32, 4, 16}));
  EXPECT_EQ(heads.get_weights()[1].shape(), (Shape{4, 16}));
  layers::EinsumDense back("abcd,cde->abe", {None, 32}, bias_axes = "e");
  EXPECT_EQ(back(Input({10, 4, 16})).shape(), (Shape{None, 10, 32}));
  // A bias on an axis before the last: Keras's bias shape runs from it to the end, with ones elsewhere.
  layers::EinsumDense mid("abc,cde->abde", {None, 4, 16}, bias_axes = "d");
  mid(Input({10, 32}));
  EXPECT_EQ(mid.get_weights()[1].shape(), (Shape{4, 1}));
  layers::EinsumDense right("ab...,bc->ac...", 8, bias_axes = "c");
  EXPECT_EQ(right(Input({5, 3, 2})).shape(), (Shape{None, 8, 3, 2}));
  EXPECT_EQ(right.get_weights()[1].shape(), (Shape{8, 1, 1}));
}

TEST(EinsumDense, ComputesTheEinsum) {
  struct Case {
    std::string equation, in, ker, out;
    OutputShapeArg output_shape;
    std::string bias;
    std::vector<int64_t> x;
  };
  const std::vector<Case> cases{
      {"ab,bc->ac", "ab", "bc", "ac", 5, "c", {3, 4}},
      {"abc,cd->abd", "abc", "cd", "abd", {None, 5}, "d", {2, 3, 4}},
      {"abc,cde->abde", "abc", "cde", "abde", {None, 2, 3}, "de", {2, 3, 4}},
      {"abcd,cde->abe", "abcd", "cde", "abe", {None, 5}, "e", {2, 3, 2, 4}},
      {"abc,cd->ad", "abc", "cd", "ad", 5, "", {2, 3, 4}},          // b summed out of the input alone
      {"abc,bcd->adb", "abc", "bcd", "adb", {5, 3}, "d", {2, 3, 4}},  // b in every operand
      {"...x,xy->...y", "pqx", "xy", "pqy", 5, "y", {2, 3, 4}},
      {"ab...,bc->ac...", "abq", "bc", "acq", 5, "c", {2, 4, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.equation);
    layers::EinsumDense layer = c.bias.empty() ? layers::EinsumDense(c.equation, c.output_shape)
                                               : layers::EinsumDense(c.equation, c.output_shape, bias_axes = c.bias);
    const Tensor x = random::normal(c.x);
    const Tensor y = layer(x);
    auto w = layer.get_weights();
    for (Tensor& t : w) t = random::normal(t.dims());
    layer.set_weights(w);
    Tensor want = einsum(c.in, c.ker, c.out, x, w[0]);
    if (!c.bias.empty()) want = want + w[1];
    const Tensor got = layer(x);
    ASSERT_EQ(got.dims(), want.dims());
    EXPECT_LT(max_abs_diff(got, want), 1e-5f);
    (void)y;
    expect_gradients_match(layer, {x});
  }
}

TEST(EinsumDense, MatchesDense) {
  layers::EinsumDense e("ab,bc->ac", 6, bias_axes = "c", activation = "tanh");
  layers::Dense d(6, activation = "tanh");
  const Tensor x = random::normal({4, 5});
  e(x);
  d(x);
  auto w = d.get_weights();
  w[1] = random::normal({6});
  d.set_weights(w);
  e.set_weights(w);
  EXPECT_LT(max_abs_diff(e(x), d(x)), 1e-6f);
  expect_gradients_match(e, {x});
}

TEST(EinsumDense, TrainingGradientMatchesTheLoss) {
  utils::set_random_seed(9);
  Sequential model({Input({3, 4}), layers::EinsumDense("abc,cde->abde", {None, 2, 2}, bias_axes = "e",
                                                       kernel_regularizer = "l2"),
                    layers::Flatten(), layers::Dense(1)});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  keras::test_support::expect_fit_step_follows_loss_gradient(model, random::normal({4, 3, 4}), random::normal({4, 1}));
}

TEST(EinsumDense, ErrorsInKerasWords) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::EinsumDense("ab.bc->ac", 4),
                    "Invalid einsum equation 'ab.bc->ac'. Equations must be in the form [X],[Y]->[Z], "
                    "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....");
  EXPECT_THROW_WITH(layers::EinsumDense("abc,cd->abd", {16, 4})(Input({8, 3})),
                    "Input shape and output shape do not match at shared dimension 'b'. Input shape is 8, and output "
                    "shape is 16.",
                    "put 8 (or None)");
  EXPECT_THROW_WITH(layers::EinsumDense("ab,bc->az", 4)(Input({3})),
                    "Dimension 'z' was specified in the output 'az' but has no corresponding dim in the input spec "
                    "'ab' or weight spec 'bc'");
  EXPECT_THROW_WITH(layers::EinsumDense("ab,bz->ab", {None})(Input({3})),
                    "Weight dimension 'z' did not have a match in either the input spec 'ab' or the output spec 'ab'. "
                    "For this layer, the weight must be fully specified.");
  EXPECT_THROW_WITH(layers::EinsumDense("ab,bc->ac", 4, bias_axes = "b")(Input({3})),
                    "Bias dimension 'b' was requested, but is not part of the output spec 'ac'");
  EXPECT_THROW_WITH(layers::EinsumDense("abc,cd->abd", {None, 4})(Input({3})),
                    "the equation 'abc,cd->abd' takes inputs of rank 3, but received input with shape (None, 3)");
  EXPECT_THROW_WITH(layers::EinsumDense("abc,cd->abd", 4)(Input({5, 3})), "does not match the equation",
                    "output_shape leaves out the batch axis");
  EXPECT_THROW_WITH(layers::EinsumDense(equation = "ab,bc->ac"),
                    "EinsumDense.__init__() missing 1 required positional argument: 'output_shape'");
  EXPECT_THROW_WITH(layers::EinsumDense("ab,bc->ac", 4, lora_rank = 2), "does not support `lora_rank`");
  layers::EinsumDense built("ab,bc->ac", 4);
  built(Input({3}));
  EXPECT_THROW_WITH(built(random::normal({2, 5})), "expected axis -1 of input shape to have value 3");
}

TEST(EinsumDense, SavesAsKerasDoes) {
  utils::clear_session();
  Sequential model({Input({6, 8}), layers::EinsumDense("abc,cde->abde", {None, 2, 3}, bias_axes = "de",
                                                       activation = "relu"),
                    layers::EinsumDense("...de,de->...d", {None}, name = "reduce")});
  const auto saved = nlohmann::ordered_json::parse(model.to_json());
  const auto& c = saved["config"]["layers"][1]["config"];
  EXPECT_EQ(c["equation"], "abc,cde->abde");
  EXPECT_EQ(c["output_shape"], nlohmann::ordered_json::parse("[null, 2, 3]"));
  EXPECT_EQ(c["bias_axes"], "de");
  EXPECT_EQ(c["activation"], "relu");
  keras::test_support::expect_keras_round_trip(model, random::normal({3, 6, 8}));
  // Keras's own config for EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c").
  const std::string text = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "in"}},
      {"module": "keras.layers", "class_name": "EinsumDense", "config": {"name": "einsum_dense", "trainable": true,
       "dtype": "float32", "output_shape": [4], "equation": "ab,bc->ac", "activation": "linear",
       "bias_axes": "c", "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
       "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
       "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
       "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
       "bias_constraint": null}}]}})";
  Model loaded = models::model_from_json(text);
  EXPECT_EQ(loaded.output_shape(), (Shape{None, 4}));
  EXPECT_EQ(loaded.count_params(), 16);
}

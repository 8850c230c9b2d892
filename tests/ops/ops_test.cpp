#include "keras/ops/ops.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
namespace kt = keras::test_support;

namespace ops_test {

// Checks the recorded gradient of f against central differences, through a Lambda (the public path that
// differentiates user code).
void expect_differentiable(const std::function<Tensor(const std::vector<Tensor>&)>& f, std::vector<Tensor> inputs,
                           double tolerance = 2e-3) {
  layers::Lambda layer(f);
  layer(inputs);
  kt::GradCheckOptions options;
  options.tolerance = tolerance;
  kt::expect_gradients_match(layer, std::move(inputs), options);
}

// Values in (lo, hi), away from the kinks of relu & co.
Tensor values_between(std::vector<int64_t> dims, float lo, float hi) { return random::uniform(std::move(dims), lo, hi); }

// Values whose magnitude is at least 0.1, so that a difference step of 1e-3 never crosses 0.
Tensor off_zero(std::vector<int64_t> dims) {
  Tensor t = random::uniform(std::move(dims), 0.1f, 2.0f);
  for (int64_t i = 0; i < t.size(); i += 2) t.data()[i] = -t.data()[i];
  return t;
}

}  // namespace ops_test

using namespace ops_test;

TEST(Ops, ValuesAsKeras) {
  const Tensor x({-1.0f, 0.0f, 1.0f}, {3});
  EXPECT_NEAR(ops::gelu(x).to_vector()[2], 0.8411920f, 1e-6);  // approximate=True, Keras's default
  EXPECT_NEAR(ops::gelu(x, false).to_vector()[2], 0.8413447f, 1e-6);
  EXPECT_NEAR(ops::leaky_relu(x).to_vector()[0], -0.2f, 1e-7);  // negative_slope=0.2
  EXPECT_NEAR(ops::elu(x).to_vector()[0], -0.6321206f, 1e-6);
  EXPECT_NEAR(ops::silu(x).to_vector()[2], 0.7310586f, 1e-6);
  EXPECT_NEAR(ops::softplus(x).to_vector()[1], 0.6931472f, 1e-6);
  EXPECT_EQ(ops::relu6(Tensor({-2.0f, 3.0f, 8.0f}, {3})).to_vector(), (std::vector<float>{0, 3, 6}));
  EXPECT_EQ(ops::clip(Tensor({-2.0f, 0.5f, 8.0f}, {3}), 0.0f, 1.0f).to_vector(), (std::vector<float>{0, 0.5f, 1}));
  const Tensor m({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(ops::sum(m).item(), 21.0f);
  EXPECT_EQ(ops::sum(m, 0).to_vector(), (std::vector<float>{5, 7, 9}));
  EXPECT_EQ(ops::sum(m, -1, true).dims(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(ops::mean(m, {0, 1}).item(), 3.5f);
  EXPECT_EQ(ops::max(m, 1).to_vector(), (std::vector<float>{3, 6}));
  EXPECT_EQ(ops::min(m, 0).to_vector(), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(ops::transpose(m).to_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(ops::matmul(m, Tensor({1, 0, 1}, {3})).to_vector(), (std::vector<float>{4, 10}));  // 1-D x2: a column
  EXPECT_EQ(ops::matmul(Tensor({1, 1}, {2}), m).to_vector(), (std::vector<float>{5, 7, 9}));   // 1-D x1: a row
  EXPECT_EQ(ops::matmul(ops::reshape(m, {1, 2, 3}), ops::transpose(m)).dims(), (std::vector<int64_t>{1, 2, 2}));
  EXPECT_EQ(ops::matmul(Tensor({1, 2}, {2}), Tensor({3, 4}, {2})).item(), 11.0f);  // two 1-D: a scalar
  EXPECT_EQ(ops::matmul(Tensor::ones({2, 0}), Tensor::ones({0, 3})).to_vector(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(ops::concatenate({m, m}, 1).dims(), (std::vector<int64_t>{2, 6}));
  EXPECT_EQ(ops::concatenate({m, m}).dims(), (std::vector<int64_t>{4, 3}));  // axis=0, Keras's default
  EXPECT_EQ(ops::expand_dims(m, -1).dims(), (std::vector<int64_t>{2, 3, 1}));
  EXPECT_EQ(ops::squeeze(ops::expand_dims(m, 0)).dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ops::where(Tensor({1, 0, 1}, {3}), m, Tensor::scalar(-1.0f)).to_vector(),
            (std::vector<float>{1, -1, 3, 4, -1, 6}));
  const Tensor s = ops::softmax(m);
  EXPECT_NEAR(ops::sum(s, 1).to_vector()[0], 1.0f, 1e-6);
  EXPECT_NEAR(ops::log_softmax(m).to_vector()[2], std::log(s.to_vector()[2]), 1e-6);
  EXPECT_NEAR(ops::softmax(m, 0).to_vector()[3], 1.0f / (1.0f + std::exp(-3.0f)), 1e-6);
}

TEST(Ops, UnaryGradients) {
  utils::set_random_seed(3);
  const std::vector<int64_t> d{3, 5};
  using F = std::function<Tensor(const Tensor&)>;
  const std::vector<std::pair<const char*, F>> anywhere{
      {"negative", [](const Tensor& x) { return ops::negative(x); }},
      {"square", [](const Tensor& x) { return ops::square(x); }},
      {"exp", [](const Tensor& x) { return ops::exp(x); }},
      {"tanh", [](const Tensor& x) { return ops::tanh(x); }},
      {"sigmoid", [](const Tensor& x) { return ops::sigmoid(x); }},
      {"softplus", [](const Tensor& x) { return ops::softplus(x); }},
      {"silu", [](const Tensor& x) { return ops::silu(x); }},
      {"gelu", [](const Tensor& x) { return ops::gelu(x); }},
      {"gelu exact", [](const Tensor& x) { return ops::gelu(x, false); }},
      {"softmax", [](const Tensor& x) { return ops::softmax(x); }},
      {"softmax axis 0", [](const Tensor& x) { return ops::softmax(x, 0); }},
      {"log_softmax", [](const Tensor& x) { return ops::log_softmax(x); }},
      {"arithmetic", [](const Tensor& x) { return 2.0f - (x * 3.0f + 1.0f) / 4.0f - 1.5f / (x * x + 1.0f); }},
  };
  for (const auto& [name, f] : anywhere) {
    SCOPED_TRACE(name);
    expect_differentiable([f](const std::vector<Tensor>& xs) { return f(xs[0]); }, {random::normal(d)});
  }
  // Ops with a kink at 0 (or a domain): values kept off it.
  const std::vector<std::pair<const char*, F>> off_kinks{
      {"abs", [](const Tensor& x) { return ops::abs(x); }},
      {"relu", [](const Tensor& x) { return ops::relu(x); }},
      {"relu6", [](const Tensor& x) { return ops::relu6(x * 4.0f); }},
      {"elu", [](const Tensor& x) { return ops::elu(x, 0.5f); }},
      {"leaky_relu", [](const Tensor& x) { return ops::leaky_relu(x); }},
      {"clip", [](const Tensor& x) { return ops::clip(x, -0.05f, 0.05f) + ops::clip(x, -1.05f, 1.05f); }},
  };
  for (const auto& [name, f] : off_kinks) {
    SCOPED_TRACE(name);
    expect_differentiable([f](const std::vector<Tensor>& xs) { return f(xs[0]); }, {off_zero(d)});
  }
  for (const F& f : std::vector<F>{[](const Tensor& x) { return ops::sqrt(x); },
                                   [](const Tensor& x) { return ops::log(x); },
                                   [](const Tensor& x) { return ops::power(x, 2.5f); }})
    expect_differentiable([f](const std::vector<Tensor>& xs) { return f(xs[0]); }, {values_between(d, 0.5f, 2.0f)});
}

TEST(Ops, BroadcastingGradientsSumOverTheBroadcastAxes) {
  utils::set_random_seed(5);
  using F2 = std::function<Tensor(const Tensor&, const Tensor&)>;
  const std::vector<std::pair<const char*, F2>> binaries{
      {"add", ops::add}, {"subtract", ops::subtract}, {"multiply", ops::multiply},
      {"divide", [](const Tensor& a, const Tensor& b) { return ops::divide(a, ops::exp(b)); }},
      {"maximum", ops::maximum}, {"minimum", ops::minimum},
  };
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes{
      {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{5}, {2, 5}}};
  for (const auto& [name, f] : binaries)
    for (const auto& [da, db] : shapes) {
      SCOPED_TRACE(std::string(name) + " " + to_string(Shape::of(da)) + " " + to_string(Shape::of(db)));
      // a and b apart by more than the difference step, so that maximum's choice does not flip.
      expect_differentiable([f](const std::vector<Tensor>& v) { return f(v[0], v[1]); },
                            {random::uniform(da, 0.0f, 1.0f), random::uniform(db, 2.1f, 3.0f)});
    }
  const Tensor condition({1, 0, 0, 1}, {4});
  expect_differentiable([condition](const std::vector<Tensor>& v) { return ops::where(condition, v[0], v[1]); },
                        {random::normal({3, 4}), random::normal({1})});
  // The same tensor on both sides gets both gradients: d(x * x) = 2x.
  expect_differentiable([](const std::vector<Tensor>& v) { return v[0] * v[0] + v[0]; }, {random::normal({2, 3})});
}

TEST(Ops, ReductionGradients) {
  utils::set_random_seed(7);
  const Tensor x = random::normal({2, 3, 4});
  using F = std::function<Tensor(const Tensor&)>;
  for (const F& f : std::vector<F>{
           [](const Tensor& t) { return ops::sum(t); }, [](const Tensor& t) { return ops::sum(t, 1); },
           [](const Tensor& t) { return ops::sum(t, {0, 2}, true); }, [](const Tensor& t) { return ops::mean(t); },
           [](const Tensor& t) { return ops::mean(t, -1, true); }, [](const Tensor& t) { return ops::max(t, 1); },
           [](const Tensor& t) { return ops::min(t, {0, -1}); }, [](const Tensor& t) { return ops::max(t); }})
    expect_differentiable([f](const std::vector<Tensor>& v) { return f(v[0]); }, {x});
  // Tied maxima share the gradient, as TensorFlow's reduce_max.
  const Tensor tied({2.0f, 5.0f, 5.0f, 1.0f}, {4});
  layers::Lambda top([](const Tensor& t) { return ops::max(t, true); });
  top(tied);
  CallContext ctx;
  ctx.inputs = {tied};
  ctx.outputs = top.impl()->forward(ctx);
  EXPECT_EQ(top.impl()->backward(ctx, {Tensor({1.0f}, {1})}).at(0).to_vector(),
            (std::vector<float>{0, 0.5f, 0.5f, 0}));
}

TEST(Ops, ShapeOpGradients) {
  utils::set_random_seed(9);
  using F = std::function<Tensor(const std::vector<Tensor>&)>;
  const Tensor a = random::normal({2, 3, 4}), b = random::normal({2, 3, 2});
  const std::vector<std::pair<const char*, F>> cases{
      {"matmul", [](const std::vector<Tensor>& v) { return ops::matmul(v[1], ops::reshape(v[0], {2, 2, 6})); }},
      {"matmul broadcast", [](const std::vector<Tensor>& v) {
         return ops::matmul(v[0], ops::reshape(v[1], {4, 3})) + ops::matmul(v[0], ops::reshape(v[1], {1, 4, 3}));
       }},
      {"matmul 1-D", [](const std::vector<Tensor>& v) { return ops::matmul(v[0][0][0], ops::reshape(v[0], {4, 6})); }},
      {"transpose", [](const std::vector<Tensor>& v) { return ops::transpose(v[0], {2, 0, 1}) * 2.0f; }},
      {"concatenate", [](const std::vector<Tensor>& v) { return ops::concatenate({v[0], v[1], v[0]}, -1); }},
      {"expand/squeeze", [](const std::vector<Tensor>& v) { return ops::squeeze(ops::expand_dims(v[1], 1), 1) * v[1]; }},
      {"slice, take, []", [](const std::vector<Tensor>& v) {
         return ops::concatenate({v[0].slice(1, 2), v[0].take({1, 0, 1}), ops::expand_dims(v[0][0], 0)}, 0);
       }},
      {"copy and +=", [](const std::vector<Tensor>& v) {
         Tensor y = v[0].copy();
         y += v[0];  // rebinds while recording: y is 2 * v[0]
         y *= 3.0f;
         return y;
       }},
  };
  for (const auto& [name, f] : cases) {
    SCOPED_TRACE(name);
    expect_differentiable(f, {a, b});
  }
}

TEST(Ops, StopGradientAndConstants) {
  layers::Lambda detached([](const Tensor& x) { return ops::stop_gradient(x) * x; });
  const Tensor x({1.0f, 2.0f, 3.0f}, {1, 3});
  detached(x);
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = detached.impl()->forward(ctx);
  // d(c * x) with c = x held constant: c, not 2x.
  EXPECT_EQ(detached.impl()->backward(ctx, {Tensor::ones({1, 3})}).at(0).to_vector(), x.to_vector());
}

TEST(Ops, ShapeErrorsInKerasWords) {
  kt::expect_error_says([] { ops::matmul(Tensor::ones({2, 3}), Tensor::ones({4, 5})); },
                        {"Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
                         "`x1.shape=(2, 3)` and `x2.shape=(4, 5)`.",
                         "Hint:"});
  kt::expect_error_says([] { ops::concatenate({Tensor::ones({2, 3}), Tensor::ones({3, 4})}, 1); },
                        {"Every value in `xs` must have the same shape except on the `axis` dim. But found element of "
                         "shape (3, 4), which is different from the first element's shape (2, 3).",
                         "Hint:"});
  kt::expect_error_says([] { ops::sum(Tensor::ones({2, 3}), 2); },
                        {"axis 2 is out of bounds for array of dimension 2", "Hint:"});
  kt::expect_error_says([] { ops::transpose(Tensor::ones({2, 3}), {0}); }, {"axes don't match array"});
  kt::expect_error_says([] { ops::squeeze(Tensor::ones({2, 3}), 0); }, {"cannot select an axis to squeeze out"});
  kt::expect_error_says([] { ops::add(Tensor::ones({2, 3}), Tensor::ones({4})); },
                        {"operands could not be broadcast together with shapes (2, 3) (4,)"});
  // Changing a tensor in place while it is differentiated is refused, not silently wrong.
  layers::Lambda filler([](const Tensor& x) {
    Tensor y = x * 2.0f;
    y.fill(1.0f);
    return y;
  });
  Sequential model({layers::Input({3}), layers::Dense(3), filler, layers::Dense(1)});
  model.compile(kw::optimizer = "sgd", kw::loss = "mse");
  kt::expect_error_says([&] { model.fit(Tensor::ones({4, 3}), Tensor::ones({4, 1}), kw::epochs = 1, kw::verbose = 0); },
                        {"An in-place fill changed a tensor that is being differentiated.", "Hint:"});
}

#include "keras/layers/core/lambda_layer.hpp"

#include <gtest/gtest.h>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

TEST(Lambda, InfersOrTakesTheOutputShape) {
  utils::clear_session();
  layers::Lambda twice([](const Tensor& x) { return x * 2.0f; });
  EXPECT_EQ(twice.name(), "lambda");
  EXPECT_EQ(twice(Input(shape = {5})).shape(), (Shape{None, 5}));
  // The batch axis follows the input; a fixed reshape keeps its sizes.
  auto image = layers::Lambda([](const Tensor& x) { return x.reshape({-1, 28, 28}); })(Input(shape = {784}));
  EXPECT_EQ(image.shape(), (Shape{None, 28, 28}));
  // A None time axis stays None.
  EXPECT_EQ(layers::Lambda([](const Tensor& x) { return x * x; })(Input(shape = {None, 3})).shape(),
            (Shape{None, None, 3}));
  auto a = Input(shape = {4}), b = Input(shape = {4});
  auto diff = layers::Lambda([](const std::vector<Tensor>& xs) { return xs[0] - xs[1]; })({a, b});
  EXPECT_EQ(diff.shape(), (Shape{None, 4}));
  // output_shape= after the batch axis, or as a function of the whole input shape.
  EXPECT_EQ(layers::Lambda([](const Tensor& x) { return x; }, output_shape = {2, 2})(Input(shape = {4})).shape(),
            (Shape{None, 2, 2}));
  auto by_fn = layers::Lambda([](const Tensor& x) { return x; },
                              output_shape = [](const Shape& s) { return Shape{s[0], s[1]}; });
  EXPECT_EQ(by_fn(Input(shape = {6})).shape(), (Shape{None, 6}));
  EXPECT_EQ(twice(Tensor::ones({2, 5})).to_vector(), std::vector<float>(10, 2.0f));
}

TEST(Lambda, ErrorsSayWhatToDo) {
  utils::clear_session();
  // A function that cannot run on the input's shape: Keras's message, then what keraspp tried.
  layers::Lambda bad([](const Tensor& x) { return x.reshape({-1, 7}); });
  try {
    bad(Input(shape = {5}));
    ADD_FAILURE() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("We could not automatically infer the shape of the Lambda's output. Please specify the "
                        "`output_shape` argument for this Lambda layer."),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("Hint: layer \"lambda\" called its function on zeros of shape (None, 5)"), std::string::npos)
        << what;
  }
  // The shape check of the next layer applies to the inferred shape, before any data.
  auto x = layers::Lambda([](const Tensor& t) { return t.reshape({-1, 2, 3}); })(Input(shape = {6}));
  layers::Dense five(4);
  five(Input(shape = {5}));
  EXPECT_THROW_WITH(five(x), "expected axis -1 of input shape to have value 5", "Hint:");
  // A model file cannot hold C++ code.
  auto in = Input(shape = {3});
  Model model(in, layers::Lambda([](const Tensor& t) { return t + 1.0f; })(in));
  kt::ScratchDir dir;
  EXPECT_THROW_WITH(model.save(dir / "m.keras"), "keraspp cannot save layer 'lambda_2' (Lambda): its function is C++ code",
                    "save_weights");
}

// A Lambda right after the inputs needs no gradient; deeper in, training differentiates its function, or uses the
// gradient given.
TEST(Lambda, TrainingAndGradients) {
  utils::set_random_seed(31);
  const Tensor x = random::uniform({64, 4}, 0.0f, 255.0f);
  Tensor y = Tensor::empty({64, 1});
  for (int i = 0; i < 64; ++i) y.data()[i] = x.at({i, 0}) > x.at({i, 1}) ? 1.0f : 0.0f;
  Sequential scaled({layers::Input({4}), layers::Lambda([](const Tensor& t) { return t / 255.0f; }),
                     layers::Dense(8, activation = "relu"), layers::Dense(1, activation = "sigmoid")});
  scaled.compile(optimizer = "adam", loss = "binary_crossentropy");
  EXPECT_EQ(scaled.fit(x, y, epochs = 2, batch_size = 16, verbose = 0).history.at("loss").size(), 2u);

  // Written with Tensor arithmetic (or keras::ops), the function is differentiated: no gradient= needed.
  auto square = [](const Tensor& t) { return t * t; };
  Sequential deep({layers::Input({4}), layers::Dense(8), layers::Lambda(square), layers::Dense(1)});
  deep.compile(optimizer = "adam", loss = "mse");
  const auto derived = deep.fit(x / 255.0f, y, epochs = 20, batch_size = 16, verbose = 0).history.at("loss");
  EXPECT_LT(derived.back(), derived.front());
  layers::Lambda gelu_scaled([](const Tensor& t) { return ops::gelu(t) * 0.5f + ops::sum(ops::square(t), -1, true); });
  gelu_scaled(random::normal({3, 4}));
  kt::expect_gradients_match(gelu_scaled, {random::normal({3, 4})});
  // A function computed by a loop over data() has no recorded path: training asks for its gradient.
  auto looped = [](const Tensor& t) {
    Tensor out = Tensor::empty(t.dims());
    for (int64_t i = 0; i < t.size(); ++i) out.data()[i] = t.data()[i] * t.data()[i];
    return out;
  };
  Sequential opaque({layers::Input({4}), layers::Dense(8), layers::Lambda(looped), layers::Dense(1)});
  opaque.compile(optimizer = "adam", loss = "mse");
  try {
    opaque.fit(x / 255.0f, y, epochs = 1, verbose = 0);
    ADD_FAILURE() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("keraspp cannot differentiate the function of layer \"lambda_"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("keras::ops"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("gradient=[]"), std::string::npos);
  }
  layers::Lambda with_grad(square, gradient = [](const Tensor& in, const Tensor&, const Tensor& dy) {
    return dy * in * 2.0f;
  });
  Sequential trained({layers::Input({4}), layers::Dense(8), with_grad, layers::Dense(1)});
  trained.compile(optimizer = "adam", loss = "mse");
  const auto losses = trained.fit(x / 255.0f, y, epochs = 20, batch_size = 16, verbose = 0).history.at("loss");
  EXPECT_LT(losses.back(), losses.front());
  kt::expect_gradients_match(with_grad, {random::normal({3, 4})});
  // A list function's gradient gives one tensor per input.
  layers::Lambda product([](const std::vector<Tensor>& v) { return v[0] * v[1]; },
                         gradient = [](const std::vector<Tensor>& v, const Tensor&, const Tensor& dy) {
                           return std::vector<Tensor>{dy * v[1], dy * v[0]};
                         });
  const Tensor p = random::normal({2, 3}), q = random::normal({2, 3});
  product({p, q});
  kt::expect_gradients_match(product, {p, q});
  // A gradient of the wrong shape is reported, not used.
  layers::Lambda wrong(square, gradient = [](const Tensor&, const Tensor&, const Tensor&) { return Tensor::ones({1}); });
  Sequential broken({layers::Input({4}), layers::Dense(2), wrong, layers::Dense(1)});
  broken.compile(optimizer = "sgd", loss = "mse");
  EXPECT_THROW_WITH(broken.fit(x, y, epochs = 1, verbose = 0), "returned a gradient of shape (1,) for input 0",
                    "Hint:");
}

// mask= gives the output's Keras mask; without it the mask stops at the Lambda, as in Keras.
TEST(Lambda, Masks) {
  const Tensor x = Tensor({1, 2, 3, 4, 5, 6}, {1, 3, 2});
  const Tensor m({1, 1, 0}, {1, 3});
  std::vector<Tensor> out_masks;
  layers::Lambda keep([](const Tensor& t) { return t * 2.0f; },
                      mask = [](const Tensor&, const Tensor& in_mask) { return in_mask; });
  keep.call_masked({x}, {m}, &out_masks);
  ASSERT_EQ(out_masks.size(), 1u);
  EXPECT_EQ(out_masks[0].to_vector(), m.to_vector());
  layers::Lambda fixed([](const Tensor& t) { return t; }, mask = Tensor({1, 0, 0}, {1, 3}));
  fixed.call_masked({x}, {Tensor()}, &out_masks);
  EXPECT_EQ(out_masks[0].to_vector(), (std::vector<float>{1, 0, 0}));
}

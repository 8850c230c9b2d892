// keras.layers.ConvLSTM2D against Keras 3's ConvLSTMCell equations written out plainly, its gradients, shapes,
// errors and training; ConvLSTM1D and ConvLSTM3D against ConvLSTM2D with a spatial axis of size 1.
#include "keras/layers/rnn/conv_lstm2d.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/rnn/conv_lstm_impl.hpp"
#include "layers/rnn/rnn_test_support.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_gradients_match;
using keras::test_support::expect_masked_gradients_match;
using keras::test_support::forward_with_mask;
using keras::test_support::mask_from;

namespace {

double sigmoid_double(double v) { return 1.0 / (1.0 + std::exp(-v)); }

struct Window {
  int kh, kw, sh, sw, dh, dw;
  bool same;
};

struct Pad {
  int out, before;
};
Pad pad_of(int in, int k, int s, int d, bool same) {
  if (!same) return {(in - d * (k - 1) - 1) / s + 1, 0};
  const int out = (in - 1) / s + 1;
  const int total = std::max((out - 1) * s + (k - 1) * d + 1 - in, 0);
  return {out, total / 2};
}

// One image (H, W, C) through a kernel (kh, kw, C, O) whose output channels [o0, o0 + n) are taken: (Ho, Wo, n).
std::vector<double> conv(const std::vector<double>& img, int H, int W, int C, const Tensor& k, int o0, int n,
                         const Window& w) {
  const Pad ph = pad_of(H, w.kh, w.sh, w.dh, w.same), pw = pad_of(W, w.kw, w.sw, w.dw, w.same);
  const int O = static_cast<int>(k.dim(3));
  std::vector<double> out(static_cast<size_t>(ph.out * pw.out * n), 0.0);
  for (int y = 0; y < ph.out; ++y)
    for (int x = 0; x < pw.out; ++x)
      for (int o = 0; o < n; ++o) {
        double acc = 0;
        for (int i = 0; i < w.kh; ++i)
          for (int j = 0; j < w.kw; ++j) {
            const int iy = y * w.sh + i * w.dh - ph.before, ix = x * w.sw + j * w.dw - pw.before;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (int c = 0; c < C; ++c)
              acc += img[static_cast<size_t>((iy * W + ix) * C + c)] * k.data()[((i * w.kw + j) * C + c) * O + o0 + o];
          }
        out[static_cast<size_t>((y * pw.out + x) * n + o)] = acc;
      }
  return out;
}

// Keras 3's ConvLSTMCell, step by step, for sample b of x (B, T, H, W, C) from zero states: every h, (T, Ho, Wo, F).
std::vector<std::vector<double>> conv_lstm2d_reference(const Tensor& x, int64_t b, const std::vector<Tensor>& w, int F,
                                                       const Window& win) {
  const int T = static_cast<int>(x.dim(1)), H = static_cast<int>(x.dim(2)), W = static_cast<int>(x.dim(3)),
            C = static_cast<int>(x.dim(4));
  const Pad ph = pad_of(H, win.kh, win.sh, win.dh, win.same), pw = pad_of(W, win.kw, win.sw, win.dw, win.same);
  const int P = ph.out * pw.out;
  std::vector<double> h(static_cast<size_t>(P * F), 0.0), c = h;
  const Window rec{win.kh, win.kw, 1, 1, 1, 1, true};
  std::vector<std::vector<double>> hs;
  for (int t = 0; t < T; ++t) {
    std::vector<double> img(static_cast<size_t>(H * W * C));
    for (size_t i = 0; i < img.size(); ++i) img[i] = x.data()[(b * T + t) * H * W * C + static_cast<int64_t>(i)];
    std::vector<std::vector<double>> z(4);
    for (int g = 0; g < 4; ++g) {
      z[g] = conv(img, H, W, C, w[0], g * F, F, win);
      const std::vector<double> r = conv(h, ph.out, pw.out, F, w[1], g * F, F, rec);
      for (size_t i = 0; i < z[g].size(); ++i) z[g][i] += r[i] + w[2].data()[g * F + static_cast<int>(i % F)];
    }
    for (size_t i = 0; i < h.size(); ++i) {
      c[i] = sigmoid_double(z[1][i]) * c[i] + sigmoid_double(z[0][i]) * std::tanh(z[2][i]);
      h[i] = sigmoid_double(z[3][i]) * std::tanh(c[i]);
    }
    hs.push_back(h);
  }
  return hs;
}

// numpy.transpose(t, axes) for a small tensor.
Tensor permuted(const Tensor& t, const std::vector<int>& axes) {
  std::vector<int64_t> dims;
  for (int a : axes) dims.push_back(t.dim(a));
  Tensor out = Tensor::empty(dims);
  std::vector<int64_t> strides(t.dims().size(), 1);
  for (int i = static_cast<int>(strides.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * t.dim(i + 1);
  for (int64_t flat = 0; flat < out.size(); ++flat) {
    int64_t rest = flat, src = 0;
    for (int i = static_cast<int>(dims.size()) - 1; i >= 0; --i) {
      src += (rest % dims[i]) * strides[axes[i]];
      rest /= dims[i];
    }
    out.data()[flat] = t.data()[src];
  }
  return out;
}

void set_uniform_weights(const Layer& layer) {
  auto w = layer.get_weights();
  for (Tensor& t : w) t = random::uniform(t.dims(), -0.4f, 0.4f);
  layer.set_weights(w);
}

}  // namespace

TEST(ConvLstm2d, MatchesKerasEquations) {
  const Tensor x = random::normal({2, 3, 7, 6, 2});
  struct Case {
    Window w;
    layers::ConvLSTM2D layer;
  };
  std::vector<Case> cases{
      {{3, 2, 2, 1, 1, 1, true}, layers::ConvLSTM2D(3, {3, 2}, strides = {2, 1}, padding = "same",
                                                    return_sequences = true)},
      {{2, 3, 1, 1, 2, 1, false}, layers::ConvLSTM2D(3, {2, 3}, dilation_rate = {2, 1}, return_sequences = true)},
  };
  for (Case& k : cases) {
    SCOPED_TRACE(k.layer.name());
    k.layer(x);
    set_uniform_weights(k.layer);
    const Tensor y = k.layer(x);
    const auto w = k.layer.get_weights();
    for (int64_t b = 0; b < 2; ++b) {
      const auto hs = conv_lstm2d_reference(x, b, w, 3, k.w);
      for (int64_t t = 0; t < 3; ++t)
        for (size_t i = 0; i < hs[0].size(); ++i)
          ASSERT_NEAR(y.data()[(b * 3 + t) * static_cast<int64_t>(hs[0].size()) + static_cast<int64_t>(i)],
                      hs[static_cast<size_t>(t)][i], 1e-5)
              << "b=" << b << " t=" << t << " i=" << i;
    }
  }
}

TEST(ConvLstm2d, ShapesWeightsAndDefaults) {
  utils::clear_session();
  // Keras's next-frame prediction example: ConvLSTM2D(64, (5, 5), padding="same", return_sequences=True) on
  // (None, None, 64, 64, 1) frames has 416,256 parameters.
  layers::ConvLSTM2D frames(64, {5, 5}, padding = "same", return_sequences = true);
  auto out = frames(Input({None, 64, 64, 1}));
  EXPECT_EQ(out.shape(), (Shape{None, None, 64, 64, 64}));
  EXPECT_EQ(frames.count_params(), 416256);
  EXPECT_EQ(frames.name(), "conv_lstm2d");
  std::vector<std::string> names;
  for (const auto& v : frames.impl()->variables()) names.push_back(v->name);
  EXPECT_EQ(names, (std::vector<std::string>{"kernel", "recurrent_kernel", "bias"}));
  const auto w = frames.get_weights();
  EXPECT_EQ(w[0].shape(), (Shape{5, 5, 1, 256}));
  EXPECT_EQ(w[1].shape(), (Shape{5, 5, 64, 256}));
  EXPECT_EQ(w[2].shape(), (Shape{256}));
  for (int64_t j = 0; j < 256; ++j) EXPECT_EQ(w[2].data()[j], j >= 64 && j < 128 ? 1.0f : 0.0f) << j;
  layers::ConvLSTM2D last(4, 3, strides = 2, return_state = true);
  auto outs = last.call_outputs({Input({5, 9, 9, 3})});
  ASSERT_EQ(outs.size(), 3u);
  for (const auto& o : outs) EXPECT_EQ(o.shape(), (Shape{None, 4, 4, 4}));
  layers::ConvLSTM2D cf(4, 3, data_format = "channels_first", return_sequences = true);
  EXPECT_EQ(cf(Input({5, 3, 9, 8})).shape(), (Shape{None, 5, 4, 7, 6}));
}

TEST(ConvLstm2d, ChannelsFirstMatchesChannelsLast) {
  const Tensor x = random::normal({2, 3, 5, 4, 2});
  layers::ConvLSTM2D last(3, {3, 2}, padding = "same", return_sequences = true);
  layers::ConvLSTM2D first(3, {3, 2}, padding = "same", return_sequences = true, data_format = "channels_first");
  const Tensor y = last(x);
  const Tensor xt = permuted(x, {0, 1, 4, 2, 3});
  first(xt);
  first.set_weights(last.get_weights());
  EXPECT_LT(max_abs_diff(permuted(first(xt), {0, 1, 3, 4, 2}), y), 1e-5f);
}

TEST(ConvLstm2d, GradientsMatchNumerical) {
  for (bool back : {false, true})
    for (bool cf : {false, true}) {
      SCOPED_TRACE("go_backwards=" + std::to_string(back) + " channels_first=" + std::to_string(cf));
      layers::ConvLSTM2D layer(2, {2, 3}, padding = "same", strides = {2, 1}, return_sequences = true,
                               return_state = true, go_backwards = back,
                               data_format = cf ? "channels_first" : "channels_last");
      const Tensor x = cf ? random::normal({2, 3, 2, 4, 3}) : random::normal({2, 3, 4, 3, 2});
      const std::vector<int64_t> sd = cf ? std::vector<int64_t>{2, 2, 2, 3} : std::vector<int64_t>{2, 2, 3, 2};
      const std::vector<Tensor> in{x, random::normal(sd), random::normal(sd)};
      layer(in);
      set_uniform_weights(layer);
      expect_gradients_match(layer, in);
    }
  layers::ConvLSTM2D masked(2, 3, padding = "same", return_sequences = true);
  const Tensor x = random::normal({3, 4, 3, 3, 1});
  masked(x);
  expect_masked_gradients_match(masked, {x}, mask_from({1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1}, 3, 4));
}

TEST(ConvLstm2d, DropoutGradientsMatchNumerical) {
  layers::ConvLSTM2D layer(2, 3, padding = "same", dropout = 0.3, recurrent_dropout = 0.3, return_sequences = true);
  const Tensor x = random::normal({2, 3, 3, 3, 2});
  layer(x);
  auto* impl = dynamic_cast<layers::rnn_detail::ConvLSTMImpl*>(layer.impl().get());
  ASSERT_NE(impl, nullptr);
  impl->reseed(4);
  const Tensor a = layer.impl()->call_eager({x}, true)[0];
  impl->reseed(4);
  EXPECT_EQ(max_abs_diff(a, layer.impl()->call_eager({x}, true)[0]), 0.0f);
  EXPECT_GT(max_abs_diff(a, layer(x)), 1e-4f);  // the masks are drawn in training only
  keras::test_support::GradCheckOptions opt;
  opt.training = true;
  opt.before_forward = [impl] { impl->reseed(4); };
  expect_gradients_match(layer, {x}, opt);
}

TEST(ConvLstm2d, MasksCarryTheStates) {
  layers::ConvLSTM2D layer(2, 3, padding = "same", return_sequences = true);
  const Tensor x = random::normal({2, 4, 3, 3, 1});
  const Tensor mask = mask_from({1, 1, 1, 1, 1, 0, 1, 0}, 2, 4);
  const Tensor y = forward_with_mask(layer, {x}, mask)[0];
  // Sample 1's masked steps 1 and 3 repeat the output of the step before.
  for (int64_t i = 0; i < 18; ++i) {
    EXPECT_EQ(y.data()[(4 + 1) * 18 + i], y.data()[(4 + 0) * 18 + i]);
    EXPECT_EQ(y.data()[(4 + 3) * 18 + i], y.data()[(4 + 2) * 18 + i]);
  }
  EXPECT_GT(max_abs_diff(y, layer(x)), 1e-4f);
}

TEST(ConvLstm2d, TrainingGradientMatchesTheLoss) {
  utils::set_random_seed(6);
  Sequential model({Input({3, 4, 4, 1}), layers::ConvLSTM2D(2, 3, padding = "same", recurrent_regularizer = "l2"),
                    layers::Flatten(), layers::Dense(1)});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  keras::test_support::expect_fit_step_follows_loss_gradient(model, random::normal({3, 3, 4, 4, 1}),
                                                        random::normal({3, 1}));
}

TEST(ConvLstm2d, StatefulKeepsItsStatesUntilReset) {
  layers::ConvLSTM2D layer(2, 3, stateful = true, batch_input_shape = {2, 3, 4, 4, 1});
  const Tensor x = random::normal({2, 3, 4, 4, 1});
  const Tensor first = layer(x);
  EXPECT_GT(max_abs_diff(first, layer(x)), 1e-6f);
  layer.reset_states();
  EXPECT_LT(max_abs_diff(first, layer(x)), 1e-6f);
  EXPECT_THROW_WITH(layer(random::normal({3, 3, 4, 4, 1})), "expected shape=(2, None, 4, 4, 1)",
                    "is stateful");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(2, 3).reset_states(), "Layer must be stateful.");
}

TEST(ConvLstm2d, ErrorsNameTheLayer) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8, 3)(Input({28, 28, 1})),
                    "Input 0 of layer \"conv_lstm2d\" is incompatible with the layer: expected ndim=5, found ndim=4. "
                    "Full shape received: (None, 28, 28, 1)",
                    "add the time axis (Reshape), or use Conv2D; for sequences of 1-D inputs, use ConvLSTM1D.");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8, 5)(Input({4, 3, 3, 1})), "Computed output size would be zero or negative.");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8), "ConvLSTM2D.__init__() missing 1 required positional argument: "
                                           "'kernel_size'");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(0, 3), "Invalid value for argument `filters`.");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8, {3, 3, 3}), "The `kernel_size` argument must be a tuple of 2 integers.");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8, 3, strides = 2, dilation_rate = 2),
                    "`strides > 1` not supported in conjunction with `dilation_rate > 1`.");
  EXPECT_THROW_WITH(layers::ConvLSTM1D(8, 3, padding = "causal"),
                    "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: causal");
  EXPECT_THROW_WITH(layers::ConvLSTM2D(8, 3)(Input({4, None, 6, 1})),
                    "ConvLSTM layers only support static input shapes for the spatial dimension.");
  layers::ConvLSTM2D lstm(2, 3, padding = "same");
  EXPECT_THROW_WITH(lstm({random::normal({1, 2, 4, 4, 1}), random::normal({1, 4, 4, 2})}),
                    "Layer has 2 states but was passed 1 initial states.");
  EXPECT_THROW_WITH(lstm({random::normal({1, 2, 4, 4, 1}), random::normal({1, 4, 4, 3}), random::normal({1, 4, 4, 3})}),
                    "An `initial_state` was passed that is not compatible with `cell.state_size`.");
}

TEST(ConvLstm1d3d, MatchConvLstm2dWithAnAxisOfOne) {
  const Tensor x = random::normal({2, 3, 6, 2});
  layers::ConvLSTM1D one(3, 3, padding = "same", strides = 2, return_sequences = true);
  layers::ConvLSTM2D two(3, {3, 1}, padding = "same", strides = {2, 1}, return_sequences = true);
  const Tensor y1 = one(x);
  const Tensor x2 = x.reshape({2, 3, 6, 1, 2});
  two(x2);
  set_uniform_weights(one);
  auto w = one.get_weights();
  two.set_weights({w[0].reshape({3, 1, 2, 12}), w[1].reshape({3, 1, 3, 12}), w[2]});
  EXPECT_EQ(one(x).shape(), (Shape{2, 3, 3, 3}));
  EXPECT_LT(max_abs_diff(one(x).reshape({2, 3, 3, 1, 3}), two(x2)), 1e-5f);
  (void)y1;

  const Tensor v = random::normal({2, 2, 1, 5, 4, 1});
  layers::ConvLSTM3D three(2, {1, 3, 2}, return_sequences = true);
  layers::ConvLSTM2D flat(2, {3, 2}, return_sequences = true);
  three(v);
  set_uniform_weights(three);
  const Tensor v2 = v.reshape({2, 2, 5, 4, 1});
  flat(v2);
  w = three.get_weights();
  flat.set_weights({w[0].reshape({3, 2, 1, 8}), w[1].reshape({3, 2, 2, 8}), w[2]});
  EXPECT_EQ(three(v).shape(), (Shape{2, 2, 1, 3, 3, 2}));
  EXPECT_LT(max_abs_diff(three(v).reshape({2, 2, 3, 3, 2}), flat(v2)), 1e-5f);
  expect_gradients_match(one, {x});
  expect_gradients_match(three, {v});
}

#pragma once
// What the image preprocessing layer tests share: ramp images (bilinear sampling reproduces a linear ramp exactly),
// the gradient check with every forward drawing the same parameters, and the rank error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"
#include "support/train_call.hpp"

namespace keras::test_support::image_checks {

// The shared helpers these tests use, under one name: `using namespace keras::test_support::image_checks;`.
using keras::test_support::expect_seeds_reproduce;
using keras::test_support::message_of;
using keras::test_support::train_call;

// Image b, row y, column x, channel c of a (batch, h, w, channels) batch: 100 b + 10 y + x + 0.5 c.
inline Tensor ramp_images(int64_t batch, int64_t h, int64_t w, int64_t channels) {
  std::vector<float> v;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t c = 0; c < channels; ++c) v.push_back(static_cast<float>(100 * b + 10 * y + x) + 0.5f * c);
  return Tensor(v, {batch, h, w, channels});
}

// Values in [-1, 1] for gradient checks (central differences of float32 lose digits on the ramp's large values).
inline Tensor small_images(int64_t batch, int64_t h, int64_t w, int64_t channels) {
  utils::set_random_seed(29);
  return random::uniform({batch, h, w, channels}, -1.0f, 1.0f);
}

// The message starts with Keras's text.
inline bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

inline float pixel_at(const Tensor& t, int64_t b, int64_t y, int64_t x, int64_t c = 0) {
  const auto& d = t.dims();
  return t.data()[((b * d[1] + y) * d[2] + x) * d[3] + c];
}

// Central differences in training mode, every forward drawing the same parameters (the global stream reseeded).
inline void expect_training_gradients(const Layer& layer, const Tensor& x, double tolerance = 2e-3) {
  train_call(layer, x);  // builds it
  test_support::GradCheckOptions opt;
  opt.training = true;
  opt.tolerance = tolerance;
  opt.before_forward = [] { utils::set_random_seed(17); };
  test_support::expect_gradients_match(layer, {x}, opt);
}

// A model whose input is flat images: the layer's rank message and hint, at definition.
inline std::string rank_error_of(const Layer& layer) {
  return message_of([&] { Sequential({Input(kw::shape = {784}), layer}); });
}

}  // namespace keras::test_support::image_checks

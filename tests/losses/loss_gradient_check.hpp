#pragma once
// The gradient check every loss test uses: central differences in double against call()'s gradient.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keras/losses/loss.hpp"

namespace keras::test_support {

// Central differences in double of the loss with respect to each element of y_pred.
inline void expect_gradient(const losses::Loss& loss, const Tensor& y_true, const Tensor& y_pred0,
                     const Tensor* sample_weight = nullptr, bool from_logits_path = false, double tol = 2e-4) {
  Tensor y_pred = y_pred0.copy();
  auto eval = [&](Tensor* g) {
    return from_logits_path ? loss.call_from_logits(y_true, y_pred, sample_weight, g)
                            : loss.call(y_true, y_pred, sample_weight, g);
  };
  Tensor grad;
  double value = eval(&grad);
  EXPECT_NEAR(value, eval(nullptr), 1e-12);
  ASSERT_EQ(grad.dims(), y_pred.dims());
  for (int64_t i = 0; i < y_pred.size(); ++i) {
    float orig = y_pred.data()[i];
    const float h = 1.0f / 1024.0f;
    float up = orig + h, down = orig - h;
    y_pred.data()[i] = up;
    double lp = eval(nullptr);
    y_pred.data()[i] = down;
    double lm = eval(nullptr);
    y_pred.data()[i] = orig;
    double numeric = (lp - lm) / (static_cast<double>(up) - static_cast<double>(down));
    EXPECT_NEAR(grad.data()[i], numeric, tol * std::max(1.0, std::abs(numeric)))
        << loss.name() << " element " << i << (from_logits_path ? " (from logits)" : "");
  }
}

}  // namespace keras::test_support

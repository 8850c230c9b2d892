#pragma once
// Checks the whole training gradient of a compiled model, penalties included: one fit step with SGD at learning rate
// 1 moves each trainable weight by minus its gradient, which must match central differences of evaluate's loss.
// The model must be compiled with optimizers::SGD(learning_rate=1.0), have no random layers and no non-trainable
// weights (evaluate's loss would depend on them, fit does not move them by a gradient).
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"

namespace keras::test_support {

inline void expect_fit_step_follows_loss_gradient(Model model, const Tensor& x, const Data& y, double tolerance = 2e-3,
                                                  float eps = 1e-3f) {
  const std::vector<Tensor> w0 = model.get_weights();
  std::vector<Tensor> numeric;
  for (size_t k = 0; k < w0.size(); ++k) {
    Tensor g = Tensor::zeros(w0[k].dims());
    for (int64_t i = 0; i < w0[k].size(); ++i) {
      std::vector<Tensor> w = w0;
      w[k] = w0[k].copy();
      w[k].data()[i] += eps;
      model.set_weights(w);
      const double up = model.evaluate(x, y, kw::verbose = 0).at(0);
      w[k].data()[i] -= 2 * eps;
      model.set_weights(w);
      const double down = model.evaluate(x, y, kw::verbose = 0).at(0);
      g.data()[i] = static_cast<float>((up - down) / (2 * eps));
    }
    numeric.push_back(g);
  }
  model.set_weights(w0);
  model.fit(x, y, kw::epochs = 1, kw::batch_size = static_cast<int>(x.dims()[0]), kw::shuffle = false,
            kw::verbose = 0);
  const std::vector<Tensor> w1 = model.get_weights();
  for (size_t k = 0; k < w0.size(); ++k)
    for (int64_t i = 0; i < w0[k].size(); ++i)
      EXPECT_NEAR(w0[k].data()[i] - w1[k].data()[i], numeric[k].data()[i], tolerance)
          << "weight " << k << " entry " << i;
}

}  // namespace keras::test_support

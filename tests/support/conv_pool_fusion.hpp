#pragma once
// Turns the few-channel convolution kernels (backend/conv_pool_fused.hpp: models' fused convolution + max pooling,
// and Conv2D's own kernel gradient) on or off for a scope, and back on after it: for tests that compare them with
// oneDNN's path, or that look at the unfused layers.
#include "backend/conv_pool_fused.hpp"

namespace keras::test_support {

class ConvPoolFusionScope {
 public:
  explicit ConvPoolFusionScope(bool on) { backend::set_conv_pool_fusion(on); }
  ~ConvPoolFusionScope() { backend::set_conv_pool_fusion(true); }
  ConvPoolFusionScope(const ConvPoolFusionScope&) = delete;
  ConvPoolFusionScope& operator=(const ConvPoolFusionScope&) = delete;
};

}  // namespace keras::test_support

#pragma once
// keras.layers.DepthwiseConv2D: each input channel convolved with its own depth_multiplier filters, e.g.
// DepthwiseConv2D({3, 3}, input_shape={28, 28, 32}): (batch, 28, 28, 32) -> (batch, 26, 26, 32).
// See base_depthwise_conv.hpp for the keywords and weights.
#include "keras/layers/convolutional/base_depthwise_conv.hpp"

namespace keras::layers {

class DepthwiseConv2D : public Layer {
 public:
  using keywords = depthwise_conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit DepthwiseConv2D(A&&... a) : DepthwiseConv2D(kw::collect<DepthwiseConv2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit DepthwiseConv2D(IntTuple kernel_size, A&&... a)
      : DepthwiseConv2D(kw::collect<DepthwiseConv2D>(kw::kernel_size = std::move(kernel_size),
                                           std::forward<A>(a)...)) {}
  explicit DepthwiseConv2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

#pragma once
// keras.layers.DepthwiseConv1D: each input channel convolved with its own depth_multiplier filters, e.g.
// DepthwiseConv1D(3, depth_multiplier=2, input_shape={100, 8}): (batch, 100, 8) -> (batch, 98, 16).
// See base_depthwise_conv.hpp for the keywords and weights.
#include "keras/layers/convolutional/base_depthwise_conv.hpp"

namespace keras::layers {

class DepthwiseConv1D : public Layer {
 public:
  using keywords = depthwise_conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit DepthwiseConv1D(A&&... a) : DepthwiseConv1D(kw::collect<DepthwiseConv1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit DepthwiseConv1D(IntTuple kernel_size, A&&... a)
      : DepthwiseConv1D(kw::collect<DepthwiseConv1D>(kw::kernel_size = std::move(kernel_size),
                                           std::forward<A>(a)...)) {}
  explicit DepthwiseConv1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

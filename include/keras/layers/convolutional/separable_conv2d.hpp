#pragma once
// keras.layers.SeparableConv2D: a depthwise 2-D convolution followed by a pointwise (1x1) one, e.g.
// SeparableConv2D(64, {3, 3}, input_shape={28, 28, 32}): (batch, 28, 28, 32) -> (batch, 26, 26, 64).
// See base_separable_conv.hpp for the keywords and weights.
#include "keras/layers/convolutional/base_separable_conv.hpp"

namespace keras::layers {

class SeparableConv2D : public Layer {
 public:
  using keywords = separable_conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SeparableConv2D(A&&... a) : SeparableConv2D(kw::collect<SeparableConv2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SeparableConv2D(int filters, A&&... a)
      : SeparableConv2D(kw::collect<SeparableConv2D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit SeparableConv2D(int filters, IntTuple kernel_size, A&&... a)
      : SeparableConv2D(kw::collect<SeparableConv2D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
          std::forward<A>(a)...)) {}
  explicit SeparableConv2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

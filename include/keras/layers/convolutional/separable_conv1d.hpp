#pragma once
// keras.layers.SeparableConv1D: a depthwise 1-D convolution followed by a pointwise (size 1) one, e.g.
// SeparableConv1D(32, 3, input_shape={100, 8}): (batch, 100, 8) -> (batch, 98, 32).
// See base_separable_conv.hpp for the keywords and weights.
#include "keras/layers/convolutional/base_separable_conv.hpp"

namespace keras::layers {

class SeparableConv1D : public Layer {
 public:
  using keywords = separable_conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SeparableConv1D(A&&... a) : SeparableConv1D(kw::collect<SeparableConv1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SeparableConv1D(int filters, A&&... a)
      : SeparableConv1D(kw::collect<SeparableConv1D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit SeparableConv1D(int filters, IntTuple kernel_size, A&&... a)
      : SeparableConv1D(kw::collect<SeparableConv1D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
          std::forward<A>(a)...)) {}
  explicit SeparableConv1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

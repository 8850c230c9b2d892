#pragma once
// keras.layers.Conv3D: a 3-D convolution over inputs (batch, depth, height, width, channels) (channels_last), e.g.
//   Conv3D(8, 3, input_shape={16, 16, 16, 1}): (batch, 16, 16, 16, 1) -> (batch, 14, 14, 14, 8).
// See base_conv.hpp for the keywords, shapes and padding rules.
#include "keras/layers/convolutional/base_conv.hpp"

namespace keras::layers {

class Conv3D : public Layer {
 public:
  using keywords = conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv3D(A&&... a) : Conv3D(kw::collect<Conv3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv3D(int filters, A&&... a)
      : Conv3D(kw::collect<Conv3D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv3D(int filters, IntTuple kernel_size, A&&... a)
      : Conv3D(kw::collect<Conv3D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                   std::forward<A>(a)...)) {}
  explicit Conv3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

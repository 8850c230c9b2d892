#pragma once
// keras.layers.Conv3DTranspose: the transposed 3-D convolution, e.g.
// Conv3DTranspose(4, 2, strides=2, input_shape={4, 4, 4, 8}): -> (batch, 8, 8, 8, 4).
// See base_conv_transpose.hpp for the keywords, kernel layout and output sizes.
#include "keras/layers/convolutional/base_conv_transpose.hpp"

namespace keras::layers {

class Conv3DTranspose : public Layer {
 public:
  using keywords = conv_transpose_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv3DTranspose(A&&... a) : Conv3DTranspose(kw::collect<Conv3DTranspose>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv3DTranspose(int filters, A&&... a)
      : Conv3DTranspose(kw::collect<Conv3DTranspose>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv3DTranspose(int filters, IntTuple kernel_size, A&&... a)
      : Conv3DTranspose(kw::collect<Conv3DTranspose>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
          std::forward<A>(a)...)) {}
  explicit Conv3DTranspose(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

#pragma once
// keras.layers.Conv2DTranspose: the transposed 2-D convolution (the gradient of Conv2D with respect to its input),
// e.g. Conv2DTranspose(16, 3, strides=2, padding="same", input_shape={7, 7, 32}): -> (batch, 14, 14, 16).
// See base_conv_transpose.hpp for the keywords, kernel layout and output sizes.
#include "keras/layers/convolutional/base_conv_transpose.hpp"

namespace keras::layers {

class Conv2DTranspose : public Layer {
 public:
  using keywords = conv_transpose_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv2DTranspose(A&&... a) : Conv2DTranspose(kw::collect<Conv2DTranspose>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv2DTranspose(int filters, A&&... a)
      : Conv2DTranspose(kw::collect<Conv2DTranspose>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv2DTranspose(int filters, IntTuple kernel_size, A&&... a)
      : Conv2DTranspose(kw::collect<Conv2DTranspose>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
          std::forward<A>(a)...)) {}
  explicit Conv2DTranspose(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

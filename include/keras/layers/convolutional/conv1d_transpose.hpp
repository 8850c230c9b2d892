#pragma once
// keras.layers.Conv1DTranspose: the transposed 1-D convolution (the gradient of Conv1D with respect to its input),
// e.g. Conv1DTranspose(8, 3, strides=2, input_shape={50, 16}): (batch, 50, 16) -> (batch, 101, 8).
// See base_conv_transpose.hpp for the keywords, kernel layout and output sizes.
#include "keras/layers/convolutional/base_conv_transpose.hpp"

namespace keras::layers {

class Conv1DTranspose : public Layer {
 public:
  using keywords = conv_transpose_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv1DTranspose(A&&... a) : Conv1DTranspose(kw::collect<Conv1DTranspose>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv1DTranspose(int filters, A&&... a)
      : Conv1DTranspose(kw::collect<Conv1DTranspose>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv1DTranspose(int filters, IntTuple kernel_size, A&&... a)
      : Conv1DTranspose(kw::collect<Conv1DTranspose>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
          std::forward<A>(a)...)) {}
  explicit Conv1DTranspose(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

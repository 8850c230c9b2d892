#pragma once
// keras.layers.Conv2D: a 2-D convolution over inputs (batch, height, width, channels) (channels_last), e.g.
//   Conv2D(32, {3, 3}, activation="relu", input_shape={28, 28, 1}): (batch, 28, 28, 1) -> (batch, 26, 26, 32).
// See base_conv.hpp for the keywords, shapes and padding rules.
#include "keras/layers/convolutional/base_conv.hpp"

namespace keras::layers {

class Conv2D : public Layer {
 public:
  using keywords = conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv2D(A&&... a) : Conv2D(kw::collect<Conv2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv2D(int filters, A&&... a)
      : Conv2D(kw::collect<Conv2D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv2D(int filters, IntTuple kernel_size, A&&... a)
      : Conv2D(kw::collect<Conv2D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                   std::forward<A>(a)...)) {}
  explicit Conv2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

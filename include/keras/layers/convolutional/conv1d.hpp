#pragma once
// keras.layers.Conv1D: a 1-D convolution over inputs (batch, steps, channels) (channels_last), e.g.
//   Conv1D(32, 3, activation="relu", input_shape={100, 8}): (batch, steps, channels) -> (batch, 98, 32).
// See base_conv.hpp for the keywords, shapes and padding rules;
// padding="causal" (output[t] sees inputs up to t) is accepted too.
#include "keras/layers/convolutional/base_conv.hpp"

namespace keras::layers {

class Conv1D : public Layer {
 public:
  using keywords = conv_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv1D(A&&... a) : Conv1D(kw::collect<Conv1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Conv1D(int filters, A&&... a)
      : Conv1D(kw::collect<Conv1D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Conv1D(int filters, IntTuple kernel_size, A&&... a)
      : Conv1D(kw::collect<Conv1D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                   std::forward<A>(a)...)) {}
  explicit Conv1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

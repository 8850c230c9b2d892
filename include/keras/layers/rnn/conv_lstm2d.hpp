#pragma once
// keras.layers.ConvLSTM2D(filters, kernel_size, ...): a 2-D convolutional LSTM, e.g.
// ConvLSTM2D(32, {3, 3}, padding="same") on (batch, time, rows, cols, channels), the usual layer for video frames.
// See conv_lstm.hpp.
#include "keras/layers/rnn/conv_lstm.hpp"

namespace keras::layers {

class ConvLSTM2D : public RecurrentLayer {
 public:
  using keywords = conv_lstm_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM2D(A&&... a) : ConvLSTM2D(kw::collect<ConvLSTM2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM2D(int filters, A&&... a)
      : ConvLSTM2D(kw::collect<ConvLSTM2D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit ConvLSTM2D(int filters, IntTuple kernel_size, A&&... a)
      : ConvLSTM2D(kw::collect<ConvLSTM2D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                               std::forward<A>(a)...)) {}
  explicit ConvLSTM2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

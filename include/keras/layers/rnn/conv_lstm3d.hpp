#pragma once
// keras.layers.ConvLSTM3D(filters, kernel_size, ...): a 3-D convolutional LSTM, e.g.
// ConvLSTM3D(8, {3, 3, 3}) on (batch, time, depth, rows, cols, channels). See conv_lstm.hpp.
#include "keras/layers/rnn/conv_lstm.hpp"

namespace keras::layers {

class ConvLSTM3D : public RecurrentLayer {
 public:
  using keywords = conv_lstm_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM3D(A&&... a) : ConvLSTM3D(kw::collect<ConvLSTM3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM3D(int filters, A&&... a)
      : ConvLSTM3D(kw::collect<ConvLSTM3D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit ConvLSTM3D(int filters, IntTuple kernel_size, A&&... a)
      : ConvLSTM3D(kw::collect<ConvLSTM3D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                               std::forward<A>(a)...)) {}
  explicit ConvLSTM3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

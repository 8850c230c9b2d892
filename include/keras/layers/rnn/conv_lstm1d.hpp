#pragma once
// keras.layers.ConvLSTM1D(filters, kernel_size, ...): a 1-D convolutional LSTM, e.g.
// ConvLSTM1D(16, 3, return_sequences=true) on (batch, time, steps, channels). See conv_lstm.hpp.
#include "keras/layers/rnn/conv_lstm.hpp"

namespace keras::layers {

class ConvLSTM1D : public RecurrentLayer {
 public:
  using keywords = conv_lstm_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM1D(A&&... a) : ConvLSTM1D(kw::collect<ConvLSTM1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ConvLSTM1D(int filters, A&&... a)
      : ConvLSTM1D(kw::collect<ConvLSTM1D>(kw::filters = filters, std::forward<A>(a)...)) {}
  template <class... A>
  explicit ConvLSTM1D(int filters, IntTuple kernel_size, A&&... a)
      : ConvLSTM1D(kw::collect<ConvLSTM1D>(kw::filters = filters, kw::kernel_size = std::move(kernel_size),
                                               std::forward<A>(a)...)) {}
  explicit ConvLSTM1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

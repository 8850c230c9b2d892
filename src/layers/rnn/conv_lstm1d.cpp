#include "keras/layers/rnn/conv_lstm1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/rnn/conv_lstm_impl.hpp"

namespace keras::layers {

ConvLSTM1D::ConvLSTM1D(const kw::Kwargs& kwargs)
    : RecurrentLayer(std::make_shared<rnn_detail::ConvLSTMImpl>(1, "ConvLSTM1D", kwargs)) {}

KERAS_REGISTER_LAYER(ConvLSTM1D)

}  // namespace keras::layers

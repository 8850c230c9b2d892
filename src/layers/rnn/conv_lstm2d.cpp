#include "keras/layers/rnn/conv_lstm2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/rnn/conv_lstm_impl.hpp"

namespace keras::layers {

ConvLSTM2D::ConvLSTM2D(const kw::Kwargs& kwargs)
    : RecurrentLayer(std::make_shared<rnn_detail::ConvLSTMImpl>(2, "ConvLSTM2D", kwargs)) {}

KERAS_REGISTER_LAYER(ConvLSTM2D)

}  // namespace keras::layers

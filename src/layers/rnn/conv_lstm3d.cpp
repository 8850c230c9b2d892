#include "keras/layers/rnn/conv_lstm3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/rnn/conv_lstm_impl.hpp"

namespace keras::layers {

ConvLSTM3D::ConvLSTM3D(const kw::Kwargs& kwargs)
    : RecurrentLayer(std::make_shared<rnn_detail::ConvLSTMImpl>(3, "ConvLSTM3D", kwargs)) {}

KERAS_REGISTER_LAYER(ConvLSTM3D)

}  // namespace keras::layers

#include "keras/layers/convolutional/conv1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv1D::Conv1D(const kw::Kwargs& kwargs) : Layer(detail::make_conv_layer(1, "Conv1D", kwargs)) {}

KERAS_REGISTER_LAYER(Conv1D)

}  // namespace keras::layers

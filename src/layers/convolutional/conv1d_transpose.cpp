#include "keras/layers/convolutional/conv1d_transpose.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv1DTranspose::Conv1DTranspose(const kw::Kwargs& kwargs)
    : Layer(detail::make_conv_transpose_layer(1, "Conv1DTranspose", kwargs)) {}

KERAS_REGISTER_LAYER(Conv1DTranspose)

}  // namespace keras::layers

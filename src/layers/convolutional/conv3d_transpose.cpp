#include "keras/layers/convolutional/conv3d_transpose.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv3DTranspose::Conv3DTranspose(const kw::Kwargs& kwargs)
    : Layer(detail::make_conv_transpose_layer(3, "Conv3DTranspose", kwargs)) {}

KERAS_REGISTER_LAYER(Conv3DTranspose)

}  // namespace keras::layers

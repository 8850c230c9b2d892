#include "keras/layers/convolutional/conv2d_transpose.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv2DTranspose::Conv2DTranspose(const kw::Kwargs& kwargs)
    : Layer(detail::make_conv_transpose_layer(2, "Conv2DTranspose", kwargs)) {}

KERAS_REGISTER_LAYER(Conv2DTranspose)

}  // namespace keras::layers

#include "keras/layers/convolutional/conv2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv2D::Conv2D(const kw::Kwargs& kwargs) : Layer(detail::make_conv_layer(2, "Conv2D", kwargs)) {}

KERAS_REGISTER_LAYER(Conv2D)

}  // namespace keras::layers

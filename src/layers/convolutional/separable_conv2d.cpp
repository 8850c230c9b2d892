#include "keras/layers/convolutional/separable_conv2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

SeparableConv2D::SeparableConv2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_separable_conv_layer(2, "SeparableConv2D", kwargs)) {}

KERAS_REGISTER_LAYER(SeparableConv2D)

}  // namespace keras::layers

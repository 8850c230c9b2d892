#include "keras/layers/convolutional/depthwise_conv2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

DepthwiseConv2D::DepthwiseConv2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_depthwise_conv_layer(2, "DepthwiseConv2D", kwargs)) {}

KERAS_REGISTER_LAYER(DepthwiseConv2D)

}  // namespace keras::layers

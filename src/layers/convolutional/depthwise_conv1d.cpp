#include "keras/layers/convolutional/depthwise_conv1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

DepthwiseConv1D::DepthwiseConv1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_depthwise_conv_layer(1, "DepthwiseConv1D", kwargs)) {}

KERAS_REGISTER_LAYER(DepthwiseConv1D)

}  // namespace keras::layers

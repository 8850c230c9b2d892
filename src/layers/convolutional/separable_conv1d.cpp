#include "keras/layers/convolutional/separable_conv1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

SeparableConv1D::SeparableConv1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_separable_conv_layer(1, "SeparableConv1D", kwargs)) {}

KERAS_REGISTER_LAYER(SeparableConv1D)

}  // namespace keras::layers

#include "keras/layers/convolutional/conv3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/convolutional/base_conv.hpp"

namespace keras::layers {

Conv3D::Conv3D(const kw::Kwargs& kwargs) : Layer(detail::make_conv_layer(3, "Conv3D", kwargs)) {}

KERAS_REGISTER_LAYER(Conv3D)

}  // namespace keras::layers

#pragma once
// The implementation shared by Conv1D, Conv2D and Conv3D (Keras's BaseConv).
#include <memory>
#include <string>

#include "keras/layers/layer.hpp"

namespace keras::layers::detail {

// A convolution layer over `rank` spatial axes, named class_name in messages ("Conv2D").
std::shared_ptr<LayerImpl> make_conv_layer(int rank, const std::string& class_name, const kw::Kwargs& kwargs);

}  // namespace keras::layers::detail

namespace keras::layers::detail {

// Conv{1,2,3}DTranspose, DepthwiseConv{1,2}D and SeparableConv{1,2}D.
std::shared_ptr<LayerImpl> make_conv_transpose_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs);
std::shared_ptr<LayerImpl> make_depthwise_conv_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs);
std::shared_ptr<LayerImpl> make_separable_conv_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs);

}  // namespace keras::layers::detail

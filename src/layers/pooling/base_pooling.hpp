#pragma once
// The shared implementations of the pooling layers (Keras's BasePooling and BaseGlobalPooling).
#include <memory>
#include <string>

#include "keras/core/kw.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers::detail {

enum class PoolMode { max, average };

// MaxPooling1D/2D/3D, AveragePooling1D/2D/3D: pool_size, strides, padding, data_format.
std::shared_ptr<LayerImpl> make_pooling(const std::string& class_name, int spatial_dims, PoolMode mode,
                                        const kw::Kwargs& kwargs);
// GlobalMaxPooling1D/2D/3D, GlobalAveragePooling1D/2D/3D: data_format, keepdims.
std::shared_ptr<LayerImpl> make_global_pooling(const std::string& class_name, int spatial_dims, PoolMode mode,
                                               const kw::Kwargs& kwargs);

}  // namespace keras::layers::detail

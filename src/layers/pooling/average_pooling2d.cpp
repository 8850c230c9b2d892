#include "keras/layers/pooling/average_pooling2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

AveragePooling2D::AveragePooling2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("AveragePooling2D", 2, detail::PoolMode::average, kwargs)) {}

KERAS_REGISTER_LAYER(AveragePooling2D)

}  // namespace keras::layers

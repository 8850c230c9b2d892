#include "keras/layers/pooling/max_pooling2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

MaxPooling2D::MaxPooling2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("MaxPooling2D", 2, detail::PoolMode::max, kwargs)) {}

KERAS_REGISTER_LAYER(MaxPooling2D)

}  // namespace keras::layers

#include "keras/layers/pooling/average_pooling1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

AveragePooling1D::AveragePooling1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("AveragePooling1D", 1, detail::PoolMode::average, kwargs)) {}

KERAS_REGISTER_LAYER(AveragePooling1D)

}  // namespace keras::layers

#include "keras/layers/pooling/max_pooling1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

MaxPooling1D::MaxPooling1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("MaxPooling1D", 1, detail::PoolMode::max, kwargs)) {}

KERAS_REGISTER_LAYER(MaxPooling1D)

}  // namespace keras::layers

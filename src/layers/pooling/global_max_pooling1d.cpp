#include "keras/layers/pooling/global_max_pooling1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalMaxPooling1D::GlobalMaxPooling1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalMaxPooling1D", 1, detail::PoolMode::max,
                                        kwargs)) {}

KERAS_REGISTER_LAYER(GlobalMaxPooling1D)

}  // namespace keras::layers

#pragma once
// Keywords of the normalization layers (BatchNormalization, LayerNormalization, GroupNormalization).
// scale= is kw::scale (declared with the initializers, as a number: scale=false reads as 0, i.e. false) and
// groups= is kw::groups (declared with the convolutions).
#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::kw {
KERAS_KEYWORD(center, bool);
KERAS_KEYWORD(beta_initializer, InitializerArg);
KERAS_KEYWORD(gamma_initializer, InitializerArg);
KERAS_KEYWORD(moving_mean_initializer, InitializerArg);
KERAS_KEYWORD(moving_variance_initializer, InitializerArg);
KERAS_KEYWORD(beta_regularizer, RegularizerArg);
KERAS_KEYWORD(gamma_regularizer, RegularizerArg);
}  // namespace keras::kw

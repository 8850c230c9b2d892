#pragma once
// Arguments of the dropout layers, checked with Keras's messages: GaussianDropout's and AlphaDropout's `rate`, and
// the `noise_shape` of Dropout and AlphaDropout.
#include <optional>
#include <string>

#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"

namespace keras::layers::regularization {

// rate= from the keywords: Keras's TypeError when missing, its ValueError outside [0, 1]. rate = 1, which Keras
// accepts but which makes these layers' training output infinite or NaN (their scales divide by 1 - rate), is the
// same ValueError here, raised at construction rather than at the first training step.
double read_rate(const kw::Kwargs& k, const std::string& class_name, const std::string& layer);

// Raises Keras's ValueError unless noise_shape (if given) broadcasts to inputs of shape s: one entry per input axis,
// each None, 1 or the input's size.
void check_noise_shape(const std::optional<Shape>& noise_shape, const Shape& s, const std::string& layer);

// A rate in percent as people write it, for messages: 50 rather than 50.0.
std::string percent(double v);

}  // namespace keras::layers::regularization

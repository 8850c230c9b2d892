#pragma once
// Hints for data that does not fit a model's declared input: phrased in terms of the user's arrays.
#include <string>

#include "keras/core/shape.hpp"

namespace keras {

// expected: the model input's shape, batch included (None, 28, 28, 1); data: the user's array shape (64, 100).
std::string data_shape_hint(const Shape& expected, const Shape& data, const std::string& input_name = "");
// C++ braces for a shape's dims: {64, 28, 28, 1}.
std::string braces(const Shape& s);

}  // namespace keras

#pragma once
// Keras's InputSpec: what a layer accepts, checked on every call (symbolic or eager) before and after build.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/shape.hpp"

namespace keras {

struct InputSpec {
  std::optional<int> ndim;
  std::optional<int> min_ndim;
  std::optional<int> max_ndim;
  std::map<int, int64_t> axes;  // axis (negative counts from the end) -> required size
  std::optional<Shape> shape;   // whole shape; None entries match anything
  bool allow_last_axis_squeeze = false;
  std::string name;
};

// Which check failed, with everything a hint needs.
struct SpecViolation {
  enum class Kind { ndim, min_ndim, max_ndim, axis, shape } kind;
  int input_index = 0;
  Shape received;
  int expected_rank = 0;      // ndim / min_ndim / max_ndim
  int axis = -1;              // axis check
  int64_t expected_value = 0; // axis check
  Shape expected_shape;       // shape check
  std::string producer;       // name of the layer that produced the input, when called symbolically
  std::string producer_class; // its Keras class name
};

// Keras 3.0-3.12's message for a violation (prefix `Input {i} of layer "{name}" is incompatible with the layer: `).
std::string describe(const SpecViolation& v, const std::string& layer_name);

// The first violation of `spec` by `shape`, if any.
std::optional<SpecViolation> check_input_spec(const InputSpec& spec, const Shape& shape, int input_index);

}  // namespace keras

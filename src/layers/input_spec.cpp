#include "keras/layers/input_spec.hpp"

namespace keras {

std::string describe(const SpecViolation& v, const std::string& layer_name) {
  std::string prefix = "Input " + std::to_string(v.input_index) + " of layer \"" + layer_name +
                       "\" is incompatible with the layer: ";
  std::string nd = std::to_string(v.received.ndim());
  switch (v.kind) {
    case SpecViolation::Kind::ndim:
      return prefix + "expected ndim=" + std::to_string(v.expected_rank) + ", found ndim=" + nd +
             ". Full shape received: " + to_string(v.received);
    case SpecViolation::Kind::min_ndim:
      return prefix + "expected min_ndim=" + std::to_string(v.expected_rank) + ", found ndim=" + nd +
             ". Full shape received: " + to_string(v.received);
    case SpecViolation::Kind::max_ndim:
      return prefix + "expected max_ndim=" + std::to_string(v.expected_rank) + ", found ndim=" + nd +
             ". Full shape received: " + to_string(v.received);
    case SpecViolation::Kind::axis:
      return prefix + "expected axis " + std::to_string(v.axis) + " of input shape to have value " +
             std::to_string(v.expected_value) + ", but received input with shape " + to_string(v.received);
    case SpecViolation::Kind::shape:
      return prefix + "expected shape=" + to_string(v.expected_shape) + ", found shape=" + to_string(v.received);
  }
  return prefix;
}

std::optional<SpecViolation> check_input_spec(const InputSpec& spec, const Shape& shape, int input_index) {
  SpecViolation v{.kind = SpecViolation::Kind::ndim, .input_index = input_index, .received = shape};
  int nd = shape.ndim();
  if (spec.ndim && !spec.allow_last_axis_squeeze && nd != *spec.ndim) {
    v.kind = SpecViolation::Kind::ndim;
    v.expected_rank = *spec.ndim;
    return v;
  }
  if (spec.max_ndim && nd > *spec.max_ndim) {
    v.kind = SpecViolation::Kind::max_ndim;
    v.expected_rank = *spec.max_ndim;
    return v;
  }
  if (spec.min_ndim && nd < *spec.min_ndim) {
    v.kind = SpecViolation::Kind::min_ndim;
    v.expected_rank = *spec.min_ndim;
    return v;
  }
  for (const auto& [axis, value] : spec.axes) {
    int a = axis < 0 ? axis + nd : axis;
    if (a < 0 || a >= nd || (shape[a].known() && shape[a].value() != value)) {
      v.kind = SpecViolation::Kind::axis;
      v.axis = axis;
      v.expected_value = value;
      return v;
    }
  }
  if (spec.shape) {
    Shape expected = *spec.shape, received = shape;
    if (spec.allow_last_axis_squeeze) {
      auto squeeze = [](Shape s) {
        if (s.ndim() > 0 && s[-1].known() && s[-1].value() == 1) return s.slice(0, -1);
        return s;
      };
      expected = squeeze(expected);
      received = squeeze(received);
    } else if (expected.ndim() != received.ndim()) {
      v.kind = SpecViolation::Kind::shape;
      v.expected_shape = *spec.shape;
      return v;
    }
    for (int i = 0; i < std::min(expected.ndim(), received.ndim()); ++i) {
      if (expected[i].known() && received[i].known() && expected[i].value() != received[i].value()) {
        v.kind = SpecViolation::Kind::shape;
        v.expected_shape = *spec.shape;
        return v;
      }
    }
  }
  return std::nullopt;
}

}  // namespace keras

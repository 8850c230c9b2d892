#pragma once
// Helpers shared by the normalization layers' implementations: flexible keyword reading, axis checks, the hint for
// an input whose channel count differs from the one the layer was built for, and weight regularization.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"
#include "layers/normalization/norm_kernels.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::norm {

// A boolean keyword that may have been stored as a number: kw::scale is declared as a double (for the
// initializers' scale=), so BatchNormalization(scale=false) arrives as 0.0.
inline bool read_flag(const kw::Kwargs& k, std::string_view key, bool fallback) {
  if (!k.has(key) || k.is_none(key)) return fallback;
  try {
    return *k.get<bool>(key);
  } catch (const TypeError&) {
  }
  try {
    return *k.get<double>(key) != 0.0;
  } catch (const TypeError&) {
  }
  return *k.get<int>(key) != 0;
}

// An axis keyword as given: one int (fallback when absent), or a list (axis={1, 2}), never empty.
inline IntTuple read_axes(const kw::Kwargs& k, int fallback, const std::string& layer) {
  IntTuple axes;
  try {
    axes = IntTuple(k.get_or("axis", fallback));
  } catch (const TypeError&) {
    axes = *k.get<IntTuple>("axis");
  }
  if (axes.values.empty())
    throw TypeError("Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis=[]",
                    {.layer = layer, .hint = "give at least one axis, e.g. axis=-1."});
  return axes;
}

// The first and last of `axes` (negative count from the end) for inputs of rank `rank`: each must exist, and
// together they must be a run of adjacent axes, which keraspp's kernels normalize as one block.
inline std::pair<int, int> adjacent_axes(const IntTuple& given, int rank, const std::string& layer,
                                         const std::string& class_name) {
  std::vector<int> axes;
  for (int64_t a : given.values) {
    if (a < -rank || a >= rank)
      throw ValueError("axis " + std::to_string(a) + " is out of bounds for array of dimension " + std::to_string(rank),
                       {.layer = layer, .expected = "axes in [" + std::to_string(-rank) + ", " +
                                                        std::to_string(rank - 1) + "]",
                        .received = "axis=" + spatial::py_value(given),
                        .hint = "the inputs have rank " + std::to_string(rank) + " (the batch axis counts as axis 0): "
                                "normalize over axes that exist, e.g. axis=-1 for the features."});
    axes.push_back(static_cast<int>(a < 0 ? a + rank : a));
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  if (axes.back() - axes.front() + 1 != static_cast<int>(axes.size()))
    throw ValueError("keraspp's " + class_name + " normalizes over adjacent axes only; received axis=" +
                         spatial::py_value(given) + " for inputs of rank " + std::to_string(rank) + ".",
                     {.layer = layer, .expected = "adjacent axes", .received = spatial::py_value(given),
                      .hint = "bring the axes next to each other first (layers::Permute), or normalize over a run "
                              "such as {1, 2}."});
  return {axes.front(), axes.back()};
}

// `axis` (negative counts from the end) as an index into `shape`; Keras's message when it is out of range.
inline int normalize_axis(int axis, const Shape& shape, const std::string& layer, const std::string& class_name) {
  int nd = shape.ndim();
  if (axis >= nd || axis < -nd)
    throw ValueError("Axis " + std::to_string(axis) + " is out of bounds for input shape " + to_string(shape) +
                         ". Ensure axis is within the range of input dimensions.",
                     {.layer = layer, .expected = "axis in [" + std::to_string(-nd) + ", " + std::to_string(nd) + ")",
                      .received = "axis=" + std::to_string(axis),
                      .hint = class_name + "(axis=" + std::to_string(axis) + ") needs inputs of rank " +
                              std::to_string(axis < 0 ? -axis : axis + 1) + " or more (batch included), but got " +
                              "rank " + std::to_string(nd) + "; use axis=-1 for the last (channels-last) axis."});
  return axis < 0 ? axis + nd : axis;
}

// The channel size on `axis` (already normalized): an error when it is None, since the weights need it.
inline int64_t known_channels(const Shape& shape, int axis, int given_axis, const std::string& layer) {
  if (shape[axis].is_none())
    throw ValueError("Axis " + std::to_string(given_axis) + " of input tensor should have a defined dimension but "
                         "the layer received an input with shape " + to_string(shape) + ".",
                     {.layer = layer, .received = to_string(shape),
                      .hint = "the normalized axis sizes the layer's weights: give the model a concrete size there, "
                              "e.g. Input(shape={None, 16}) rather than Input(shape={16, None}) for axis -1."});
  return shape[axis].value();
}

// The `axis` of LayerNormalization and RMSNormalization: one axis, or a run of adjacent axes that the kernels treat
// as one block of channels, with weights of those axes' shape (Keras's param_shape).
struct BlockAxes {
  IntTuple given;
  bool single() const { return given.values.size() == 1; }

  // The first and last normalized axis of inputs of shape s: one axis (Keras's message when out of range), or a run
  // of adjacent ones.
  std::pair<int, int> span(const Shape& s, const std::string& layer, const std::string& class_name) const {
    if (!single()) return adjacent_axes(given, s.ndim(), layer, class_name);
    const int ax = normalize_axis(static_cast<int>(given.values[0]), s, layer, class_name);
    return {ax, ax};
  }

  // The normalized axes as one block of `channels` values between `outer` and `inner`.
  AxisSplit split(const Tensor& x, const std::string& layer, const std::string& class_name) const {
    const auto [first, last] = span(x.shape(), layer, class_name);
    AxisSplit out;
    for (int d = 0; d < x.ndim(); ++d) (d < first ? out.outer : d <= last ? out.channels : out.inner) *= x.dims()[d];
    return out;
  }

  // The weights' shape for inputs of shape s, and an InputSpec that fixes those sizes. Keras sets no InputSpec; this
  // one only turns a size mismatch on a normalized axis into a clear error. Its axes count from the end when the
  // user's did.
  std::pair<std::vector<int64_t>, InputSpec> params(const Shape& s, const std::string& layer,
                                                    const std::string& class_name) const {
    const auto [first, last] = span(s, layer, class_name);
    const bool from_end = std::all_of(given.values.begin(), given.values.end(), [](int64_t a) { return a < 0; });
    std::vector<int64_t> shape;
    InputSpec spec;
    for (int ax = first; ax <= last; ++ax) {
      const int key = from_end ? ax - s.ndim() : ax;
      shape.push_back(known_channels(s, ax, single() ? static_cast<int>(given.values[0]) : key, layer));
      spec.axes[key] = shape.back();
      spec.min_ndim = std::max(spec.min_ndim.value_or(0), key < 0 ? -key : key + 1);
    }
    return {shape, spec};
  }
};

// Hint for an input that breaks the InputSpec fixed at build time: a normalization layer's weights fix its channel
// count and rank.
inline std::string channel_hint(const LayerImpl& layer, const SpecViolation& v, const std::string& weights) {
  const std::string who = "layer \"" + layer.name() + "\" (" + layer.class_name() + ")";
  std::string from = v.producer.empty() ? "the data" : "the previous layer \"" + v.producer + "\"";
  if (v.kind == SpecViolation::Kind::axis) {
    std::string got = v.axis < v.received.ndim() && -v.axis <= v.received.ndim() ? to_string(v.received[v.axis])
                                                                                   : "nothing";
    return who + " was built for " + std::to_string(v.expected_value) + " channels on axis " +
           std::to_string(v.axis) + ", but " + from + " gives " + got + ": a layer fixes its channel count when " +
           "it is first built (its " + weights + " have one entry per channel). Use a new " + layer.class_name() +
           " for inputs with " + got + " channels, or change the previous layers so they give " +
           std::to_string(v.expected_value) + ".";
  }
  if (v.kind == SpecViolation::Kind::ndim)
    return who + " was built for inputs of rank " + std::to_string(v.expected_rank) + " (batch included), but " +
           from + " gives rank " + std::to_string(v.received.ndim()) + " " + to_string(v.received) +
           ": a layer keeps the rank it was first built for; use a new " + layer.class_name() + " for this input.";
  return layer.LayerImpl::hint_for(v);
}

// Keras's layer.losses for weight regularizers: the penalties' sum, and their gradients when asked.
using RegularizedWeights =
    std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>>;
inline double regularization(const RegularizedWeights& items, bool accumulate_grads, Tensor& (*grad_of)(Variable&)) {
  double total = 0.0;
  for (const auto& [r, v] : items) {
    if (!r || !v || !v->trainable) continue;
    total += r->penalty(v->value);
    if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
  }
  return total;
}

}  // namespace keras::layers::norm

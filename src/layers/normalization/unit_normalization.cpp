#include "keras/layers/normalization/unit_normalization.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/l2_normalize.hpp"
#include "layers/normalization/norm_utils.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

// Keras's floor on the square sum (ops.maximum(square_sum, 1e-12)).
constexpr float kUnitSquareSumFloor = 1e-12f;

class UnitNormalizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit UnitNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("UnitNormalization", k) {
    axes_ = norm::read_axes(k, -1, name());
    config_.set("axis", axes_.values.size() == 1 ? std::any(static_cast<int>(axes_.values[0])) : std::any(axes_));
  }

  Shape compute_output_shape(const Shape& s) override {
    (void)span_of(s.ndim());
    return s;
  }

  // ctx.saved: the square sums, for backward.
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const l2norm::Span s = span(x);
    Tensor ss = l2norm::square_sums(x, s);
    ctx.saved = {ss};
    return l2norm::normalize(x, ss, s, kUnitSquareSumFloor);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const l2norm::Span s = span(x);
    const Tensor ss = ctx.saved.empty() ? l2norm::square_sums(x, s) : ctx.saved[0];
    return l2norm::normalize_backward(x, ss, g, s, kUnitSquareSumFloor);
  }

 private:
  l2norm::Span span(const Tensor& x) const {
    const auto [first, last] = span_of(x.ndim());
    return l2norm::Span::of(x.dims(), first, last);
  }

  // The first and last normalized axis for inputs of this rank; the axes must be in range and adjacent.
  std::pair<int, int> span_of(int rank) const { return norm::adjacent_axes(axes_, rank, name(), class_name()); }

  IntTuple axes_;
};

}  // namespace

kw::Kwargs UnitNormalization::with_axis(kw::Kwargs k, IntTuple axis) {
  if (axis.values.size() == 1) k.set("axis", static_cast<int>(axis.values[0]));
  else k.set("axis", std::move(axis));
  return k;
}

UnitNormalization::UnitNormalization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<UnitNormalizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(UnitNormalization)

}  // namespace keras::layers

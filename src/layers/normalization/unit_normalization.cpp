#include "keras/layers/normalization/unit_normalization.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/l2_normalize.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

// Keras's floor on the square sum (ops.maximum(square_sum, 1e-12)).
constexpr float kSquareSumFloor = 1e-12f;

class UnitNormalizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit UnitNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("UnitNormalization", k) {
    try {
      axes_ = IntTuple(k.get_or("axis", -1));
    } catch (const TypeError&) {
      axes_ = *k.get<IntTuple>("axis");
    }
    if (axes_.values.empty())
      throw TypeError("Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis=[]",
                      {.layer = name(), .hint = "give at least one axis, e.g. UnitNormalization(axis=-1)."});
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
    return l2norm::normalize(x, ss, s, kSquareSumFloor);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const l2norm::Span s = span(x);
    const Tensor ss = ctx.saved.empty() ? l2norm::square_sums(x, s) : ctx.saved[0];
    return l2norm::normalize_backward(x, ss, g, s, kSquareSumFloor);
  }

 private:
  l2norm::Span span(const Tensor& x) const {
    const auto [first, last] = span_of(x.ndim());
    return l2norm::Span::of(x.dims(), first, last);
  }

  // The first and last normalized axis for inputs of this rank; the axes must be in range and adjacent.
  std::pair<int, int> span_of(int rank) const {
    std::vector<int> axes;
    for (int64_t a : axes_.values) {
      if (a < -rank || a >= rank)
        throw ValueError("axis " + std::to_string(a) + " is out of bounds for array of dimension " +
                             std::to_string(rank),
                         {.layer = name(), .expected = "axes in [" + std::to_string(-rank) + ", " +
                                                           std::to_string(rank - 1) + "]",
                          .received = "axis=" + spatial::py_value(axes_),
                          .hint = "the inputs have rank " + std::to_string(rank) + " (the batch axis counts as axis "
                                  "0): normalize over axes that exist, e.g. axis=-1 for the features."});
      axes.push_back(static_cast<int>(a < 0 ? a + rank : a));
    }
    std::sort(axes.begin(), axes.end());
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    if (axes.back() - axes.front() + 1 != static_cast<int>(axes.size()))
      throw ValueError("keraspp's UnitNormalization normalizes over adjacent axes only; received axis=" +
                           spatial::py_value(axes_) + " for inputs of rank " + std::to_string(rank) + ".",
                       {.layer = name(), .expected = "adjacent axes", .received = spatial::py_value(axes_),
                        .hint = "bring the axes next to each other first (layers::Permute), or normalize over a "
                                "run such as {1, 2}."});
    return {axes.front(), axes.back()};
  }

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

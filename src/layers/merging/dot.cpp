#include "keras/layers/merging/dot.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/merging/batch_matmul.hpp"
#include "layers/normalization/l2_normalize.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

// ops.normalize's floor on the norm (backend.epsilon() = 1e-7), as a floor on the square sum.
constexpr float kDotSquareSumFloor = 1e-14f;

class DotImpl : public ListInputLayerImpl {
 public:
  explicit DotImpl(const kw::Kwargs& k) : ListInputLayerImpl("Dot", k) {
    auto axes = k.get<IntTuple>("axes");
    if (!axes)
      throw TypeError("Dot.__init__() missing 1 required positional argument: 'axes'",
                      {.layer = name(), .hint = "give the axis to sum over: Dot(axes=-1) for the last axis of both "
                                                "inputs, or Dot(axes={1, 2}) for one axis per input."});
    if (axes->values.size() != 1 && axes->values.size() != 2)
      throw ValueError("Invalid format for argument `axes`: it should contain two elements. Received: axes=" +
                           spatial::py_value(*axes),
                       {.layer = name(), .expected = "an int or two ints", .received = spatial::py_value(*axes),
                        .hint = "axes is one axis for both inputs (axes=2) or one per input (axes={1, 2})."});
    axes_ = *axes;
    normalize_ = k.get_or("normalize", false);
  }


  // Keras's Dot.compute_mask: none.
  bool supports_masking() const override { return true; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>&,
                                    size_t n_outputs) const override {
    return std::vector<Tensor>(n_outputs, Tensor());
  }

  // ctx.saved: the two operands' values (normalised when normalize=true), then the square sums of x and y.
  std::vector<Tensor> forward(CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const Tensor& y = ctx.inputs.at(1);
    const auto [ax, ay] = resolved_axes(x.ndim(), y.ndim());
    Tensor xs = x, ys = y, ssx, ssy;
    if (normalize_) {
      ssx = l2norm::square_sums(x, span(x, ax));
      ssy = l2norm::square_sums(y, span(y, ay));
      xs = l2norm::normalize(x, ssx, span(x, ax), kDotSquareSumFloor);
      ys = l2norm::normalize(y, ssy, span(y, ay), kDotSquareSumFloor);
    }
    if (normalize_) ctx.saved = {xs, ys, ssx, ssy};
    else ctx.saved.clear();
    const int64_t batch = x.dims()[0];
    Tensor out = batch_matmul::multiply(batch_matmul::left(xs, ax), batch_matmul::right(ys, ay), batch);
    return {out.reshape(output_dims(x.dims(), y.dims(), ax, ay))};
  }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override {
    const Tensor& x = ctx.inputs.at(0);
    const Tensor& y = ctx.inputs.at(1);
    const auto [ax, ay] = resolved_axes(x.ndim(), y.ndim());
    const bool saved = normalize_ && ctx.saved.size() == 4;
    Tensor xs = x, ys = y, ssx, ssy;
    if (normalize_) {
      ssx = saved ? ctx.saved[2] : l2norm::square_sums(x, span(x, ax));
      ssy = saved ? ctx.saved[3] : l2norm::square_sums(y, span(y, ay));
      xs = saved ? ctx.saved[0] : l2norm::normalize(x, ssx, span(x, ax), kDotSquareSumFloor);
      ys = saved ? ctx.saved[1] : l2norm::normalize(y, ssy, span(y, ay), kDotSquareSumFloor);
    }
    const int64_t batch = x.dims()[0];
    const batch_matmul::Operand left = batch_matmul::left(xs, ax), right = batch_matmul::right(ys, ay);
    const Tensor& g = output_grads.at(0);
    std::vector<Tensor> grads(2);
    if (ctx.input_needs_grad(0)) {
      grads[0] = batch_matmul::left_grad(left, right, g, batch, x.dims());
      if (normalize_) grads[0] = l2norm::normalize_backward(x, ssx, grads[0], span(x, ax), kDotSquareSumFloor);
    }
    if (ctx.input_needs_grad(1)) {
      grads[1] = batch_matmul::right_grad(left, right, g, batch, y.dims());
      if (normalize_) grads[1] = l2norm::normalize_backward(y, ssy, grads[1], span(y, ay), kDotSquareSumFloor);
    }
    return grads;
  }

 private:
  static l2norm::Span span(const Tensor& t, int axis) { return l2norm::Span::of(t.dims(), axis, axis); }

  // The dot axis of each input, as indices. An int axes counts from each input's end when negative (Python's
  // axes % rank); a pair's entries index as Python does (-1 is the last). Out of range: -1 for that input.
  std::pair<int, int> resolved_axes(int rank_x, int rank_y) const {
    auto index = [&](int64_t a, int rank) -> int {
      if (axes_.values.size() == 1 && a < 0) return static_cast<int>(((a % rank) + rank) % rank);
      if (a < -rank || a >= rank) return -1;
      return static_cast<int>(a < 0 ? a + rank : a);
    };
    const int64_t a0 = axes_.values[0], a1 = axes_.values.size() == 2 ? axes_.values[1] : a0;
    return {index(a0, rank_x), index(a1, rank_y)};
  }

  // The batch axis, x's other axes, y's other axes; (batch, 1) if that leaves only the batch axis.
  static std::vector<int64_t> output_dims(const std::vector<int64_t>& x, const std::vector<int64_t>& y, int ax,
                                          int ay) {
    std::vector<int64_t> out;
    for (size_t a = 0; a < x.size(); ++a)
      if (static_cast<int>(a) != ax) out.push_back(x[a]);
    for (size_t a = 1; a < y.size(); ++a)
      if (static_cast<int>(a) != ay) out.push_back(y[a]);
    if (out.size() == 1) out.push_back(1);
    return out;
  }

  Shape checked_output_shape(const std::vector<Shape>& shapes,
                             const std::vector<std::pair<std::string, std::string>>& producers) const override;

  IntTuple axes_;
  bool normalize_ = false;
};


Shape DotImpl::checked_output_shape(const std::vector<Shape>& shapes,
                                    const std::vector<std::pair<std::string, std::string>>& producers) const {
  if (shapes.size() != 2)
    throw ValueError("A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=" +
                         (shapes.size() == 1 ? to_string(shapes[0]) : to_string(shapes)),
                     {.layer = name(), .expected = "2 inputs", .received = std::to_string(shapes.size()) + " inputs",
                      .hint = "Dot multiplies exactly two tensors: call it on a list of two, e.g. "
                              "layers::Dot(axes=-1)({a, b}); for more, chain several Dot layers."});
  const Shape &sx = shapes[0], &sy = shapes[1];
  const std::string both = to_string(sx) + " and " + to_string(sy);
  if (sx.ndim() < 2 || sy.ndim() < 2)
    throw ValueError("Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes " + both + ".",
                     {.layer = name(), .expected = "rank >= 2", .received = both,
                      .hint = "Dot works on batches: each input is (batch, features...), so a per-sample vector is "
                              "(batch, d); reshape a rank-1 input, e.g. with layers::Reshape({1})."});
  if (sx[0].known() && sy[0].known() && sx[0].value() != sy[0].value())
    throw ValueError("Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes " + both +
                         ".",
                     {.layer = name(), .expected = to_string(sx[0]) + " samples",
                      .received = to_string(sy[0]) + " samples",
                      .hint = "both inputs hold the same samples: give them arrays with the same number of rows "
                              "(axis 0)."});
  const auto [ax, ay] = resolved_axes(sx.ndim(), sy.ndim());
  const std::vector<std::pair<int, const Shape*>> sides = {{ax, &sx}, {ay, &sy}};
  for (size_t i = 0; i < 2; ++i) {
    if (sides[i].first >= 0) continue;
    const int64_t given = axes_.values[axes_.values.size() == 2 ? i : 0];
    const int rank = sides[i].second->ndim();
    throw ValueError("axis " + std::to_string(given) + " is out of bounds for array of dimension " +
                         std::to_string(rank),
                     {.layer = name(),
                      .expected = "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank - 1) + "]",
                      .received = "axes=" + spatial::py_value(axes_),
                      .hint = "input " + std::to_string(i) + from_layer(producers, i) + " has shape " +
                              to_string(*sides[i].second) + " (rank " + std::to_string(rank) +
                              ", the batch axis counts as axis 0): pick one of its axes, e.g. axes=-1 for the last."});
  }
  if (ax == 0 || ay == 0)
    throw ValueError("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
                     "dimension to your inputs using keras.ops.expand_dims(x, 0)",
                     {.layer = name(), .expected = "axes >= 1", .received = "axes=" + spatial::py_value(axes_),
                      .hint = "axis 0 is the batch: Dot sums over a feature axis of each sample, e.g. axes=1 for "
                              "(batch, d) inputs or axes=-1 for the last axis."});
  const Dim &dx = sx[ax], &dy = sy[ay];
  if (dx.known() && dy.known() && dx.value() != dy.value()) {
    const bool one = axes_.values.size() == 1;
    throw ValueError("Incompatible input shapes: axis values " + to_string(dx) + " (at axis " +
                         std::to_string(one ? ax : axes_.values[0]) + ") != " + to_string(dy) + " (at axis " +
                         std::to_string(one ? ay : axes_.values[1]) + "). Full input shapes: " + to_string(sx) +
                         ", " + to_string(sy),
                     {.layer = name(), .expected = to_string(dx), .received = to_string(dy),
                      .hint = "Dot sums the products along axis " + std::to_string(ax) + " of input 0" +
                              from_layer(producers, 0) + " and axis " + std::to_string(ay) + " of input 1" +
                              from_layer(producers, 1) + ", so their sizes must match (" + to_string(dx) + " vs " +
                              to_string(dy) + "): choose axes whose sizes agree, or project one input, e.g. with "
                              "layers::Dense(" + to_string(dx) + ")."});
  }
  Shape out;
  out.push_back(sx[0].known() ? sx[0] : sy[0]);
  for (int a = 1; a < sx.ndim(); ++a)
    if (a != ax) out.push_back(sx[a]);
  for (int a = 1; a < sy.ndim(); ++a)
    if (a != ay) out.push_back(sy[a]);
  if (out.ndim() == 1) out.push_back(Dim(1));
  return out;
}

}  // namespace

Dot::Dot(const kw::Kwargs& kwargs) : Merge(std::make_shared<DotImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Dot)

}  // namespace keras::layers

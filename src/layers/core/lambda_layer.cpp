#include "keras/layers/core/lambda_layer.hpp"

#include <map>
#include <optional>

#include "keras/core/errors.hpp"
#include "layers/core/shape_by_trial.hpp"
#include "ops/tape.hpp"

namespace keras::layers {

namespace {
namespace lambda_layer {  // file-local names apart from those of other sources of a unity batch

// The input shapes as Keras prints them: (None, 5), or [(None, 5), (None, 3)] for a list.
std::string shapes_text(const std::vector<Shape>& shapes) {
  return shapes.size() == 1 ? to_string(shapes[0]) : to_string(shapes);
}

class LambdaImpl : public LayerImpl {
 public:
  LambdaImpl(LambdaFunction function, const kw::Kwargs& k) : LayerImpl("Lambda", k), function_(std::move(function)) {
    if (k.has("output_shape") && !k.is_none("output_shape")) {
      try {
        output_shape_ = k.get<Shape>("output_shape");
      } catch (const TypeError&) {
        output_shape_fn_ = k.get<ShapeFunction>("output_shape");
      }
    }
    mask_ = k.get<LambdaMask>("mask");
    gradient_ = k.get<LambdaGradient>("gradient");
  }

  int expected_inputs() const override { return function_.takes_list ? -1 : 1; }
  // Keras: a Lambda supports masking exactly when it was given mask=.
  bool supports_masking() const override { return mask_.has_value(); }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override {
    std::vector<Tensor> out(n_outputs);
    if (mask_ && n_outputs > 0) out[0] = mask_->fn(inputs, masks);
    return out;
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) override {
    if (output_shape_) {
      Shape out{shapes.at(0)[0]};
      for (const Dim& d : output_shape_->dims()) out.push_back(d);
      return {out};
    }
    if (output_shape_fn_) return {output_shape_fn_->fn(shapes)};
    const std::string key = shapes_text(shapes);
    auto it = inferred_.find(key);
    if (it == inferred_.end()) it = inferred_.emplace(key, infer(shapes)).first;
    return {it->second};
  }

  std::vector<Tensor> forward(CallContext& ctx) override { return {function_.fn(ctx.inputs)}; }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& grads) override {
    bool needed = false;
    for (size_t i = 0; i < ctx.inputs.size(); ++i) needed = needed || ctx.input_needs_grad(i);
    if (!needed) return std::vector<Tensor>(ctx.inputs.size());
    std::vector<Tensor> g = gradient_ ? gradient_->fn(ctx.inputs, ctx.outputs.at(0), grads.at(0))
                                      : differentiate(ctx.inputs, grads.at(0));
    if (g.size() != ctx.inputs.size())
      throw ValueError("The gradient function of layer \"" + name() + "\" returned " + std::to_string(g.size()) +
                           " gradients for " + std::to_string(ctx.inputs.size()) + " inputs.",
                       {.layer = name(), .expected = std::to_string(ctx.inputs.size()) + " gradients",
                        .received = std::to_string(g.size()),
                        .hint = "return one gradient per input, each of its input's shape."});
    for (size_t i = 0; i < g.size(); ++i)
      if (ctx.input_needs_grad(i) && (!g[i].defined() || g[i].dims() != ctx.inputs[i].dims()))
        throw ValueError("The gradient function of layer \"" + name() + "\" returned a gradient of shape " +
                             (g[i].defined() ? to_string(Shape::of(g[i].dims())) : std::string("(undefined)")) +
                             " for input " + std::to_string(i) + " of shape " +
                             to_string(Shape::of(ctx.inputs[i].dims())) + ".",
                         {.layer = name(), .expected = to_string(Shape::of(ctx.inputs[i].dims())),
                          .received = g[i].defined() ? to_string(Shape::of(g[i].dims())) : "undefined",
                          .hint = "d loss / d input has the input's shape: return a tensor of that shape."});
    return g;
  }

 private:
  // The function's gradient by running it again under a tape: its keras::ops and Tensor arithmetic record
  // themselves (ops/tape.hpp). Running it again costs one more forward, but keeps nothing between the passes, and a
  // Lambda's function has no randomness or training mode that could make the second run differ.
  std::vector<Tensor> differentiate(const std::vector<Tensor>& inputs, const Tensor& output_grad) const {
    std::vector<Tensor> xs = inputs;
    for (size_t i = 0; i < xs.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (xs[j].data() == xs[i].data() && xs[j].dims() == xs[i].dims())
          xs[i] = inputs[i].copy();  // the same tensor twice: each place gets its own gradient
    ops::detail::Tape tape;
    Tensor y;
    {
      ops::detail::TapeScope recording(&tape);
      for (const Tensor& x : xs) tape.watch(x);
      y = function_.fn(xs);
    }
    if (!tape.tracks(y))
      throw NotImplementedError(
          "keraspp cannot differentiate the function of layer \"" + name() + "\" (Lambda): its output does not "
          "come from its input through keras::ops or Tensor arithmetic, and a gradient has to flow through it to the "
          "layers before it.\nHint: write the function with keras::ops (ops::square, ops::matmul, x * 2.0f, ...) "
          "rather than loops over data(), or give the layer its gradient, layers::Lambda(f, gradient=[](const "
          "Tensor& x, const Tensor& y, const Tensor& dy) { return dx; }), or move the Lambda where no gradient needs "
          "to pass (right after the model's inputs).");
    std::vector<Tensor> g = tape.gradient(y, output_grad, xs);
    for (size_t i = 0; i < g.size(); ++i)
      if (!g[i].defined()) g[i] = Tensor::zeros(xs[i].dims());  // an input the output does not depend on
    return g;
  }

  Shape infer(const std::vector<Shape>& shapes) const {
    std::optional<Shape> out;
    try {
      out = detail::shape_by_trial(shapes, function_.fn);
    } catch (const std::exception& e) {
      throw NotImplementedError(
          "We could not automatically infer the shape of the Lambda's output. Please specify the `output_shape` "
          "argument for this Lambda layer.\nHint: layer \"" + name() + "\" called its function on zeros of shape " +
          shapes_text(shapes) + " (None as 1) to learn the output's shape, and the function failed: " + e.what() +
          "; give output_shape={...} (the sizes after the batch axis).");
    }
    if (!out)
      throw NotImplementedError(
          "We could not automatically infer the shape of the Lambda's output. Please specify the `output_shape` "
          "argument for this Lambda layer.\nHint: the output's rank of layer \"" + name() +
          "\" changes with the input's size; give output_shape={...} (the sizes after the batch axis).");
    return *out;
  }

  LambdaFunction function_;
  std::optional<Shape> output_shape_;
  std::optional<ShapeFunction> output_shape_fn_;
  std::optional<LambdaMask> mask_;
  std::optional<LambdaGradient> gradient_;
  std::map<std::string, Shape> inferred_;  // by input shapes: the function runs once per shape
};

}  // namespace lambda_layer
}  // namespace

Lambda::Lambda(LambdaFunction function, const kw::Kwargs& kwargs)
    : Layer(std::make_shared<lambda_layer::LambdaImpl>(std::move(function), kwargs)) {}

}  // namespace keras::layers

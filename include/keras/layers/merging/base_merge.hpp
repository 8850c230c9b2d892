#pragma once
// The merge layers' common base (Keras 3's keras/src/layers/merging/base_merge.py, class Merge).
//
// A merge layer is called on a list of tensors: `layers::Add()({a, b})` on symbolic tensors, or on data
// `Tensor y = layers::Add()({x_a, x_b});`. Calling one on a single tensor is Keras's error "A merge layer should be
// called on a list of inputs" (a list of one cannot be told from one tensor here, so it is that error too, whereas
// Keras 3 accepts `[x]` and returns x).
//
// The elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum) share Keras's shape rule
// (Merge._compute_elemwise_op_output_shape): the batch axes must agree (None matches anything), and the other axes
// line up from the right; a size 1 broadcasts against any size, None against a number gives None, and a shorter
// input is read as if it had 1s inserted after its batch axis (a (b, 3) input against a (b, 4, 3) one acts as
// (b, 1, 3)). Anything else is "Inputs have incompatible shapes. Received shapes {s1} and {s2}", shapes printed
// without the batch axis, checked on every call, symbolic or eager, before any computation.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::layers {

// The handle base of the merge layers: on data, a merge returns its one output tensor as Keras does.
class Merge : public Layer {
 public:
  using Layer::Layer;
  using Layer::operator();
  // Eager call on a list of tensors, in inference mode; the single output.
  Tensor operator()(const std::vector<Tensor>& xs) const;
};

// Keras's functional merge forms, `layers::add({a, b})` for keras.layers.add([a, b], **kwargs): a new layer L made
// from the remaining arguments, called on the list (symbolic tensors build a graph, Tensors compute eagerly).
// Each merging header defines its own: `inline constexpr MergeFunction<Add> add{};`.
template <class L>
struct MergeFunction {
  template <class... A>
  KerasTensor operator()(const std::vector<KerasTensor>& inputs, A&&... a) const {
    return L(std::forward<A>(a)...)(inputs);
  }
  template <class... A>
  Tensor operator()(const std::vector<Tensor>& inputs, A&&... a) const {
    return L(std::forward<A>(a)...)(inputs);
  }
};

// Implementation base of the layers called on a list of inputs (Keras's Merge subclasses): one shape rule,
// checked_output_shape, gives both the checks run on every call and the output shape.
class ListInputLayerImpl : public LayerImpl {
 public:
  using LayerImpl::LayerImpl;
  int expected_inputs() const override { return -1; }
  void check_input_compatibility(const std::vector<Shape>& input_shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    (void)checked_output_shape(input_shapes, producers);
  }
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override {
    return {checked_output_shape(input_shapes, {})};
  }

 protected:
  // The output shape, or a ValueError naming the inputs (producers: the layer each input comes from, if known).
  virtual Shape checked_output_shape(const std::vector<Shape>& shapes,
                                     const std::vector<std::pair<std::string, std::string>>& producers) const = 0;
  // " (from layer \"dense\")" for input i when its producer is known, else "": for messages.
  static std::string from_layer(const std::vector<std::pair<std::string, std::string>>& producers, size_t i) {
    if (i < producers.size() && !producers[i].first.empty()) return " (from layer \"" + producers[i].first + "\")";
    return "";
  }
};

// Implementation base of the elementwise merges. A subclass gives its binary op (combine), an optional final step
// (finish) and the gradients in the output's shape; the base does the shape checks, the broadcasting, and reduces
// each gradient back to its input's shape (summing over the axes that input was broadcast along).
class MergeImpl : public ListInputLayerImpl {
 public:
  MergeImpl(std::string class_name, const kw::Kwargs& kwargs);

  std::vector<Tensor> forward(CallContext& ctx) final;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) final;
  // Keras's Merge.compute_mask: the logical AND of the inputs' masks that are defined (none if no input has one).
  bool supports_masking() const override { return true; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override;

  // Keras's Merge._compute_elemwise_op_output_shape on two shapes without their batch axes; nullopt when they are
  // incompatible.
  static std::optional<Shape> elementwise_output_shape(const Shape& a, const Shape& b);
  // `dims` as Keras's Merge.call aligns it with a rank-`rank` output: 1s inserted after the batch axis.
  static std::vector<int64_t> expand_rank(const std::vector<int64_t>& dims, size_t rank);

 protected:
  // acc[k] = acc[k] op x[k * x_stride] for k < n; x_stride is 1, or 0 where x is broadcast along this run.
  using Combine = std::function<void(float* acc, const float* x, int64_t n, int64_t x_stride)>;
  virtual void combine(float* acc, const float* x, int64_t n, int64_t x_stride) const = 0;
  // Runs once every input is combined into `out` (Average divides by the count).
  virtual void finish(Tensor& out, size_t num_inputs) const {
    (void)out;
    (void)num_inputs;
  }
  // dL/d(input i) in the output's shape, before the reduction over broadcast axes; one per input, undefined where
  // !ctx.input_needs_grad(i). `out` is the forward output, `g` dL/d(out).
  virtual std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor& out, const Tensor& g) const = 0;
  // An extra arity rule checked after Keras's Merge.build checks (Subtract: exactly 2).
  virtual void check_count(const std::vector<Shape>& input_shapes) const { (void)input_shapes; }

  // Helpers for subclasses; all shapes are aligned as described above.
  // x broadcast to out_dims. Without copy, an x that already has out's size is returned as a view.
  static Tensor broadcast_to(const Tensor& x, const std::vector<int64_t>& out_dims, bool copy = false);
  // acc (contiguous, out's shape) = f(acc, x) with x broadcast.
  static void combine_into(Tensor& acc, const Tensor& x, const Combine& f);
  // g (out's shape) summed over the axes where an input of shape in_dims was broadcast; has shape in_dims.
  static Tensor reduce_to(const Tensor& g, const std::vector<int64_t>& in_dims);
  // For Maximum and Minimum: each element of g goes to the first input (in list order) whose value equals out's
  // there, as TensorFlow's chained x >= y (x <= y) selection does; the others get 0.
  static std::vector<Tensor> route_to_first_match(const CallContext& ctx, const Tensor& out, const Tensor& g);

 private:
  // Keras's Merge.build checks, run on every call: a list, equal batch sizes, compatible shapes, then check_count.
  Shape checked_output_shape(const std::vector<Shape>& shapes,
                             const std::vector<std::pair<std::string, std::string>>& producers) const override;
};

}  // namespace keras::layers

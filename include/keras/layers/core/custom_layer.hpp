#pragma once
// A layer written by the user, as subclassing keras.layers.Layer: weights made in build() with add_weight, the
// computation in call() with keras::ops, and the gradient derived by keraspp.
//
//   class LinearImpl : public keras::layers::CustomLayer {
//    public:
//     explicit LinearImpl(int64_t units) : CustomLayer("Linear"), units_(units) {}
//     void build(const keras::Shape& input_shape) override {
//       w_ = add_weight("kernel", {input_shape[-1].value(), units_}, "glorot_uniform");
//       b_ = add_weight("bias", {units_}, "zeros");
//     }
//     keras::Tensor call(const keras::Tensor& x, bool training) override {
//       return keras::ops::matmul(x, w_->value) + b_->value;
//     }
//    private:
//     int64_t units_;
//     keras::VariablePtr w_, b_;
//   };
//   keras::Layer linear = keras::layers::make_layer<LinearImpl>(64);   // then linear(x), in Sequential, ...
//
// call() runs on whole batches; while training, its keras::ops and Tensor arithmetic are recorded and replayed
// backwards for the gradients of the input and of every trainable weight (keras/ops/ops.hpp says which operations
// record). Layers called inside call() are recorded too when they have one input and one output, and their weights
// train with this layer's once it lists them with track(). Values computed some other way (a loop over data())
// are constants to the gradient.
//
// The output shape is found, as Keras traces call(), by calling call() on zeros (None as 1 and then 2); override
// compute_output_shape to state it, and to raise Keras-style errors before any data.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::layers {

class CustomLayer : public LayerImpl {
 public:
  // class_name is the layer's Keras class name ("Linear"); its automatic names are its snake case ("linear",
  // "linear_1"). kwargs: the keywords every layer takes (kw::collect<CustomLayer>(name = "..."), ...).
  using keywords = layer_keywords;
  explicit CustomLayer(std::string class_name, const kw::Kwargs& kwargs = {});

  // ---- what the user's layer provides ----
  // Creates the weights once the input shape is known (the batch axis is None): add_weight(name, shape, init).
  virtual void build(const Shape& input_shape) { (void)input_shape; }
  // The computation, on a whole batch. training is true inside fit.
  virtual Tensor call(const Tensor& x, bool training) = 0;
  // The output shape for an input shape, batch axis included; by default found by calling call() on zeros.
  virtual Shape compute_output_shape(const Shape& input_shape);

  // Makes a layer created by this one (Keras: a layer assigned to an attribute) part of it: its weights are listed,
  // saved and trained with this layer's. Returns it.
  Layer track(Layer sublayer);

  // ---- the machinery (final) ----
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) final;
  void build(const std::vector<Shape>& shapes) final { build(shapes.at(0)); }
  std::vector<Tensor> forward(CallContext& ctx) final;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) final;
  std::vector<VariablePtr> variables() const override;
  void set_trainable(bool t) override;
  double regularization_penalty(bool accumulate_grads) override;

 private:
  // Runs call() with a tape that watches x and the trainable weights.
  std::shared_ptr<void> record_call(const Tensor& x, bool training, Tensor& y);
  std::vector<Layer> sublayers_;
};

// A handle to a new layer of class L, made with L's constructor arguments.
template <class L, class... A>
Layer make_layer(A&&... a) {
  return Layer(std::make_shared<L>(std::forward<A>(a)...));
}

}  // namespace keras::layers

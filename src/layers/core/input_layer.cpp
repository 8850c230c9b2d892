#include "keras/layers/core/input_layer.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

kw::Kwargs without_shape_keys(kw::Kwargs k) {
  // The base class would read input_shape/batch_size as a declared input; here they define the layer itself.
  for (const char* key : {"input_shape", "batch_input_shape", "batch_size"}) k.erase(key);
  return k;
}

class InputLayerImpl : public LayerImpl {
 public:
  explicit InputLayerImpl(const kw::Kwargs& k) : LayerImpl("InputLayer", without_shape_keys(k)) {
    config_ = k;
    auto shape = k.get<Shape>("shape");
    if (!shape) shape = k.get<Shape>("input_shape");
    auto batch_shape = k.get<Shape>("batch_shape");
    if (!batch_shape) batch_shape = k.get<Shape>("batch_input_shape");
    if (shape && batch_shape)
      throw ValueError("You cannot pass both `shape` and `batch_shape` at the same time.",
                       {.layer = name(), .hint = "give shape= (per sample) or batch_shape= (batch included), not both."});
    if (!shape && !batch_shape)
      throw ValueError("You must pass a `shape` argument.",
                       {.layer = name(), .hint = "give the per-sample shape, e.g. keras::Input(shape={784})."});
    auto batch = k.get<int>("batch_size");
    batch_shape_ = batch_shape ? *batch_shape : shape->with_batch(batch ? Dim(*batch) : Dim(None));
    for (const Dim& d : batch_shape_)
      if (d.known() && d.value() < 0)
        throw ValueError("Negative dimensions are not allowed. Received: shape=" + to_string(batch_shape_.without_batch()),
                         {.layer = name(), .hint = "use None for an unknown dimension."});
    built_ = true;
  }

  bool is_input_layer() const override { return true; }
  int expected_inputs() const override { return 0; }
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>&) override { return {batch_shape_}; }
  std::vector<Tensor> forward(CallContext& ctx) override { return ctx.inputs; }
  std::vector<Tensor> backward(CallContext&, const std::vector<Tensor>& g) override { return g; }

  KerasTensor output() {
    auto node = node_.lock();
    if (!node) {
      node = std::make_shared<Node>();
      node->layer = shared_from_this();
      node->output_shapes = {batch_shape_};
      node_ = node;
    }
    return KerasTensor(node, 0);
  }
  const Shape& batch_shape() const { return batch_shape_; }

 private:
  Shape batch_shape_;
  std::weak_ptr<Node> node_;  // weak: the node owns the layer, not the reverse
};

}  // namespace

InputLayer::InputLayer(const kw::Kwargs& kwargs) : Layer(std::make_shared<InputLayerImpl>(kwargs)) {}

KerasTensor InputLayer::output() const { return output_of(*this); }

KerasTensor InputLayer::output_of(const Layer& input_layer) {
  auto impl = std::dynamic_pointer_cast<InputLayerImpl>(input_layer.impl());
  if (!impl) throw ValueError("Layer \"" + input_layer.name() + "\" is not an InputLayer.");
  return impl->output();
}

KERAS_REGISTER_LAYER(InputLayer)

}  // namespace keras::layers

namespace keras {
KerasTensor input_from_kwargs(const kw::Kwargs& kwargs) { return layers::InputLayer(kwargs).output(); }
}  // namespace keras

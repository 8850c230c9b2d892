#include "keras/models/sequential.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/core/input_layer.hpp"
#include "models/data_hints.hpp"
#include "models/sequential_impl.hpp"

namespace keras {

namespace {
std::string tensor_repr(const Shape& s) { return "Tensor(shape=" + to_string(s) + ", dtype=float32)"; }
}  // namespace

void SequentialImpl::add(const SequentialItem& item) {
  if (item.input.node()) {
    if (input_ || !layers_list_.empty())
      throw ValueError("Sequential model '" + name() + "' has already been configured to use input shape " +
                           (input_ ? to_string(input_->shape()) : std::string("(from its first layer)")) +
                           ". You cannot add a different Input layer to it.",
                       {.layer = name(), .hint = "put keras::Input(shape=...) first in the list, once."});
    input_ = item.input;
    output_ = item.input;
    set_graph({*input_}, {*output_});
    return;
  }
  const Layer& layer = item.layer;
  if (!layer.impl())
    throw ValueError("Only instances of `keras.Layer` can be added to a Sequential model. Received: an empty layer "
                     "handle", {.layer = name()});
  if (layer.impl()->is_input_layer()) {
    add(SequentialItem(layers::InputLayer::output_of(layer)));
    return;
  }
  for (const auto& l : layers_list_)
    if (l.name() == layer.name())
      throw ValueError("All layers added to a Sequential model should have unique names. Name '" + layer.name() +
                           "' is already the name of a layer in this model. Update the `name` argument to pass a "
                           "unique name.",
                       {.layer = name(), .hint = "each layer object can be added once; create a new layer (with "
                                                 "another name=) to repeat it."});
  if (layers_list_.empty() && !input_ && layer.impl()->declared_input_shape()) {
    input_ = layers::InputLayer(kw::collect<layers::InputLayer>(kw::batch_shape = *layer.impl()->declared_input_shape()))
                 .output();
    output_ = input_;
  }
  if (output_) append_to_graph(layer);
  layers_list_.push_back(layer);
}

void SequentialImpl::append_to_graph(const Layer& layer) {
  std::vector<KerasTensor> outs = layer.call_outputs({*output_});
  if (outs.size() != 1)
    throw ValueError("All layers in a Sequential model should have a single output tensor. For multi-output "
                     "layers, use the functional API.",
                     {.layer = layer.name(), .hint = "build this model with keras::Input and Model(inputs, outputs)."});
  output_ = outs[0];
  set_graph({*input_}, {*output_});
}

void SequentialImpl::pop() {
  if (layers_list_.empty())
    throw ValueError("There are no layers in the model.", {.layer = name()});
  layers_list_.pop_back();
  if (input_) {
    output_ = input_;
    std::vector<Layer> keep = std::move(layers_list_);
    layers_list_.clear();
    for (const auto& l : keep) {
      append_to_graph(l);
      layers_list_.push_back(l);
    }
    set_graph({*input_}, {*output_});
  }
}

std::vector<std::shared_ptr<LayerImpl>> SequentialImpl::layers() const {
  std::vector<std::shared_ptr<LayerImpl>> out;
  for (const auto& l : layers_list_) out.push_back(l.impl());
  return out;
}

void SequentialImpl::build(const std::vector<Shape>& shapes) {
  if (graph_ready_) return;
  // Deferred build: the data's shape with the batch dimension left open, as Keras 3 does for fit and predict.
  Shape s = shapes.at(0);
  Shape batch_shape = s.ndim() >= 2 ? s.without_batch().with_batch(None) : s;
  input_ = layers::InputLayer(kw::collect<layers::InputLayer>(kw::batch_shape = batch_shape)).output();
  output_ = input_;
  std::vector<Layer> layers = layers_list_;
  try {
    for (const auto& l : layers) append_to_graph(l);
  } catch (...) {
    input_.reset();
    output_.reset();
    graph_ready_ = false;
    built_ = false;
    throw;
  }
  set_graph({*input_}, {*output_});
}

void SequentialImpl::check_input_compatibility(const std::vector<Shape>& shapes,
                                               const std::vector<std::pair<std::string, std::string>>&) const {
  if (!graph_ready_ || shapes.empty()) return;
  const Shape& ref = input_->shape();
  const Shape& data = shapes[0];
  auto adjusted = adjust_rank(ref, data);
  if (!adjusted)
    throw ValueError("Invalid input shape for input " + tensor_repr(data) + ". Expected shape " + to_string(ref) +
                         ", but input has incompatible shape " + to_string(data),
                     {.layer = name(), .expected = to_string(ref), .received = to_string(data),
                      .hint = data_shape_hint(ref, data)});
  try {
    propagate({*adjusted});
  } catch (const ValueError& e) {
    if (adjusted->compatible_with(ref)) throw;
    // The first layer that cannot take the data names itself; say also how the data differs from the model input.
    ErrorDetails d{.layer = e.layer(), .expected = e.expected(), .received = e.received(),
                   .hint = "the model's input is " + to_string(ref) + " but the data is " + to_string(data) + ": " +
                           data_shape_hint(ref, data)};
    throw ValueError(e.message(), d);
  }
}

std::vector<Tensor> SequentialImpl::forward(CallContext& ctx) {
  if (!graph_ready_)
    throw ValueError("Sequential model '" + name() + "' has not been built yet.",
                     {.layer = name(), .hint = "call it on data, or give the first layer input_shape=."});
  return FunctionalImpl::forward(ctx);
}

std::optional<std::vector<Shape>> SequentialImpl::layer_output_shapes(const LayerImpl* layer) const {
  if (!graph_ready_) return std::nullopt;
  for (const auto& n : nodes_)
    if (n->layer.get() == layer) return n->output_shapes;
  return std::nullopt;
}

Sequential::Sequential(std::vector<SequentialItem> items, const kw::Kwargs& kwargs)
    : Model(std::make_shared<SequentialImpl>(kwargs)) {
  for (const auto& item : items) add(item);
}

void Sequential::add(const SequentialItem& item) const { std::static_pointer_cast<SequentialImpl>(impl_)->add(item); }
void Sequential::pop() const { std::static_pointer_cast<SequentialImpl>(impl_)->pop(); }

}  // namespace keras

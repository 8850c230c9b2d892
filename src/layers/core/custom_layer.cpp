#include "keras/layers/core/custom_layer.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "keras/core/errors.hpp"
#include "layers/core/custom_layer_registry.hpp"
#include "layers/core/shape_by_trial.hpp"
#include "ops/tape.hpp"

namespace keras::layers {

namespace {
namespace custom_layer {  // file-local names apart from those of other sources of a unity batch

// What a training forward keeps for backward: the tape, and the tensors it watched.
struct Recording {
  ops::detail::Tape tape;
  Tensor input;
  std::vector<VariablePtr> weights;
  std::vector<Tensor> weight_values;  // the tensors watched, whatever set_weights does before backward
  Tensor output;
};

struct Registry {
  std::mutex mu;
  std::map<std::string, CustomLayerFactory> by_registered_name;
  std::map<std::string, std::string> registered_name_by_class;
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace custom_layer
}  // namespace

void LayerConfig::wrong(const std::string& key, const std::string& wanted) const {
  if (wanted.empty())
    throw TypeError("The config has no `" + key + "`.",
                    {.expected = key, .received = "a config without it",
                     .hint = "get_config() must set every argument its from_config reads."});
  throw TypeError("The config's `" + key + "` is not of " + wanted + ".",
                  {.received = key, .hint = "read it as the type get_config() stored: bool, an integer (int64_t, "
                                            "int), a number (double, float), std::string, or a std::vector of these."});
}

bool register_custom_layer(const std::string& package, const std::string& class_name, CustomLayerFactory from_config) {
  custom_layer::Registry& r = custom_layer::registry();
  const std::string registered = package + ">" + class_name;
  std::lock_guard lock(r.mu);
  if (r.by_registered_name.count(registered))
    throw ValueError("A custom layer is already registered as '" + registered + "'.",
                     {.received = registered, .hint = "register each class once, or under another package."});
  r.by_registered_name.emplace(registered, std::move(from_config));
  r.registered_name_by_class.emplace(class_name, registered);
  return true;
}

namespace detail {

const CustomLayerFactory* custom_layer_factory(const std::string& registered_name) {
  custom_layer::Registry& r = custom_layer::registry();
  std::lock_guard lock(r.mu);
  auto it = r.by_registered_name.find(registered_name);
  return it == r.by_registered_name.end() ? nullptr : &it->second;
}

std::optional<std::string> custom_layer_registered_name(const std::string& class_name) {
  custom_layer::Registry& r = custom_layer::registry();
  std::lock_guard lock(r.mu);
  auto it = r.registered_name_by_class.find(class_name);
  if (it == r.registered_name_by_class.end()) return std::nullopt;
  return it->second;
}

}  // namespace detail

using custom_layer::Recording;

CustomLayer::CustomLayer(std::string class_name, const kw::Kwargs& kwargs) : LayerImpl(std::move(class_name), kwargs) {}

Layer CustomLayer::track(const std::string& attribute, Layer sublayer) {
  for (const auto& [name, layer] : sublayers_)
    if (name == attribute)
      throw ValueError("Layer \"" + this->name() + "\" (" + class_name() + ") already tracks a layer as `" + attribute +
                           "`.",
                       {.layer = this->name(), .received = attribute,
                        .hint = "give each tracked layer its own attribute name, as Python attributes are."});
  sublayers_.emplace_back(attribute, sublayer);
  return sublayer;
}

std::vector<VariablePtr> CustomLayer::variables() const {
  std::vector<VariablePtr> out = LayerImpl::variables();
  for (const auto& [attribute, l] : sublayers_)
    for (const auto& v : l.impl()->variables()) out.push_back(v);
  return out;
}

// Keras's saving walk visits a layer's attributes in dir() order, sorted by name.
std::vector<std::pair<std::string, std::shared_ptr<LayerImpl>>> CustomLayer::owned_sublayers() const {
  std::vector<std::pair<std::string, std::shared_ptr<LayerImpl>>> out;
  for (const auto& [attribute, l] : sublayers_) out.emplace_back(attribute, l.impl());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

void CustomLayer::set_trainable(bool t) {
  LayerImpl::set_trainable(t);
  for (const auto& [attribute, l] : sublayers_) l.impl()->set_trainable(t);
}

double CustomLayer::regularization_penalty(bool accumulate_grads) {
  double sum = LayerImpl::regularization_penalty(accumulate_grads);
  for (const auto& [attribute, l] : sublayers_) sum += l.impl()->regularization_penalty(accumulate_grads);
  return sum;
}

Shape CustomLayer::compute_output_shape(const Shape& input_shape) {
  std::optional<Shape> out;
  try {
    out = detail::shape_by_trial({input_shape}, [this](const std::vector<Tensor>& xs) { return call(xs[0], false); });
  } catch (const ValueError& e) {
    // Keras's tracing reports a failed call() with the layer's class and the arguments it received.
    throw ValueError("Exception encountered when calling " + class_name() + ".call().\n\n" + e.message() +
                         "\n\nArguments received by " + class_name() + ".call():\n  \u2022 x=<KerasTensor shape=" +
                         to_string(input_shape) + ", dtype=float32>",
                     {.layer = name(), .expected = e.expected(), .received = e.received(),
                      .hint = (e.hint().empty() ? std::string() : e.hint() + " ") + "(keraspp ran call() on zeros "
                              "of shape " + to_string(input_shape) + " with None as 1 to find the output shape.)"});
  } catch (const std::exception& e) {
    throw NotImplementedError("Layer \"" + name() + "\" (" + class_name() + ") could not compute its output shape: "
                              "call() failed on zeros of shape " + to_string(input_shape) + " (None as 1): " +
                              e.what() + "\nHint: override compute_output_shape(input_shape) to state it.");
  }
  if (!out)
    throw NotImplementedError("Layer \"" + name() + "\" (" + class_name() + "): the rank of call()'s output changes "
                              "with the batch size.\nHint: override compute_output_shape(input_shape) to state it.");
  return *out;
}

std::vector<Shape> CustomLayer::compute_output_shapes(const std::vector<Shape>& shapes) {
  return {compute_output_shape(shapes.at(0))};
}

std::shared_ptr<void> CustomLayer::record_call(const Tensor& x, bool training, Tensor& y) {
  auto rec = std::make_shared<Recording>();
  rec->input = x;
  for (const auto& v : LayerImpl::variables())
    if (v->trainable) {
      rec->weights.push_back(v);
      rec->weight_values.push_back(v->value);
    }
  {
    ops::detail::TapeScope recording(&rec->tape);
    ops::detail::TrainingScope inherited(training);
    rec->tape.watch(rec->input);
    for (const Tensor& w : rec->weight_values) rec->tape.watch(w);
    y = call(rec->input, training);
  }
  rec->output = y;
  return rec;
}

std::vector<Tensor> CustomLayer::forward(CallContext& ctx) {
  const Tensor& x = ctx.inputs.at(0);
  if (!ctx.training) {
    ops::detail::TrainingScope inherited(false);
    return {call(x, false)};
  }
  Tensor y;
  ctx.state = record_call(x, true, y);
  return {y};
}

std::vector<Tensor> CustomLayer::backward(CallContext& ctx, const std::vector<Tensor>& output_grads) {
  auto rec = std::static_pointer_cast<Recording>(ctx.state);
  if (!rec) {  // a forward in inference mode: record the call now (it has no randomness then)
    Tensor y;
    rec = std::static_pointer_cast<Recording>(record_call(ctx.inputs.at(0), false, y));
  }
  ctx.state.reset();
  if (!rec->tape.tracks(rec->output))
    throw NotImplementedError(
        "keraspp cannot differentiate the call() of layer \"" + name() + "\" (" + class_name() + "): its output "
        "comes neither from its input nor from its weights through keras::ops or Tensor arithmetic.\nHint: write "
        "call() with keras::ops (ops::matmul, ops::relu, x * w, ...) rather than loops over data(), so that "
        "gradients reach the layers before it and its weights.");
  std::vector<Tensor> sources{rec->input};
  sources.insert(sources.end(), rec->weight_values.begin(), rec->weight_values.end());
  std::vector<Tensor> g = rec->tape.gradient(rec->output, output_grads.at(0), sources);
  for (size_t i = 0; i < rec->weights.size(); ++i)
    if (g[i + 1].defined()) grad_of(*rec->weights[i]) += g[i + 1];
  if (!g[0].defined()) g[0] = Tensor::zeros(rec->input.dims());
  return {g[0]};
}

}  // namespace keras::layers

#include "keras/layers/layer.hpp"

#include <algorithm>
#include <iostream>
#include <mutex>
#include <set>

#include "core/float32_only.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "models/data_hints.hpp"
#include "ops/tape.hpp"

namespace keras {

namespace {
std::string per_sample(const Shape& s) { return to_string(s.without_batch()); }

// The constraint keyword of each weight name, as Keras's layers pass constraint=self.X_constraint to add_weight.
// DepthwiseConv's weight is called "kernel" but its argument is depthwise_constraint.
std::vector<const char*> constraint_keywords(const std::string& weight) {
  if (weight == "kernel") return {"kernel_constraint", "depthwise_constraint"};
  if (weight == "bias") return {"bias_constraint"};
  if (weight == "recurrent_kernel") return {"recurrent_constraint"};
  if (weight == "embeddings") return {"embeddings_constraint"};
  if (weight == "depthwise_kernel") return {"depthwise_constraint"};
  if (weight == "pointwise_kernel") return {"pointwise_constraint"};
  if (weight == "gamma") return {"gamma_constraint"};
  if (weight == "beta") return {"beta_constraint"};
  if (weight == "alpha") return {"alpha_constraint"};
  return {};
}

bool is_constraint_keyword(const std::string& key) {
  return key.size() > 11 && key.compare(key.size() - 11, 11, "_constraint") == 0;
}
}  // namespace

// ---- KerasTensor ----
KerasTensor::KerasTensor(std::shared_ptr<Node> node, int index) : node_(std::move(node)), index_(index) {}
const Shape& KerasTensor::shape() const {
  static const Shape empty;
  return node_ ? node_->output_shapes.at(static_cast<size_t>(index_)) : empty;
}
std::string KerasTensor::producer_name() const { return node_ ? node_->layer->name() : ""; }

// ---- LayerImpl ----
LayerImpl::LayerImpl(std::string class_name, const kw::Kwargs& kwargs)
    : config_(kwargs), class_name_(std::move(class_name)) {
  auto name = kwargs.get<std::string>("name");
  name_ = name ? *name : unique_name(to_snake_case(class_name_));
  trainable_ = kwargs.get_or("trainable", true);
  auto batch = kwargs.get<int>("batch_size");
  Dim batch_dim = batch ? Dim(*batch) : Dim(None);
  if (auto s = kwargs.get<Shape>("batch_input_shape")) declared_input_shape_ = *s;
  if (auto s = kwargs.get<Shape>("input_shape")) declared_input_shape_ = s->with_batch(batch_dim);
  if (auto d = kwargs.get<int>("input_dim")) declared_input_shape_ = Shape{*d}.with_batch(batch_dim);
  detail::refuse_other_dtypes(kwargs, "layer \"" + name_ + "\"", name_);
  activity_regularizer_ = regularizers::get(kwargs.get_or<RegularizerArg>("activity_regularizer", {}));
  // Keras resolves constraint names when the layer is made: an unknown one fails here, not at the first fit.
  for (const std::string& key : kwargs.keys())
    if (is_constraint_keyword(key)) constraints::get(kwargs.get_or<ConstraintArg>(key, {}));
}

std::vector<Tensor> LayerImpl::backward(CallContext&, const std::vector<Tensor>&) {
  throw NotImplementedError("Layer \"" + name_ + "\" (" + class_name_ + ") has no backward pass yet.");
}

Tensor SingleInputLayer::backward_one(const Tensor&, CallContext&) {
  throw NotImplementedError("Layer \"" + name() + "\" (" + class_name() + ") has no backward pass yet.");
}

std::string LayerImpl::hint_for(const SpecViolation& v) const {
  const std::string who = "layer \"" + name_ + "\" (" + class_name_ + ")";
  std::string from = v.producer.empty() ? "the data" : "the previous layer \"" + v.producer + "\"";
  switch (v.kind) {
    case SpecViolation::Kind::min_ndim:
      if (v.received.ndim() == 1 && v.expected_rank == 2 && v.producer.empty()) {
        std::string n = to_string(v.received[0]);
        return "add the batch dimension: x.reshape({1, " + n + "}) if this is one sample of " + n +
               " features, or x.reshape({" + n + ", 1}) if it is " + n + " samples of one feature.";
      }
      return who + " needs inputs of rank " + std::to_string(v.expected_rank) +
             " or more (batch dimension included), but " + from + " gives rank " +
             std::to_string(v.received.ndim()) + " " + to_string(v.received) + ".";
    case SpecViolation::Kind::ndim:
      return who + " needs inputs of rank " + std::to_string(v.expected_rank) +
             " (batch dimension included), but " + from + " gives rank " + std::to_string(v.received.ndim()) +
             " " + to_string(v.received) + ".";
    case SpecViolation::Kind::max_ndim:
      return who + " takes inputs of rank " + std::to_string(v.expected_rank) + " at most, but " + from +
             " gives " + to_string(v.received) + "; flatten or reshape it first.";
    case SpecViolation::Kind::axis: {
      std::string got = v.axis < v.received.ndim() && -v.axis <= v.received.ndim()
                            ? to_string(v.received[v.axis]) : "nothing";
      std::string origin = declared_input_shape_ ? " (input_shape=" + braces(declared_input_shape_->without_batch()) + ")"
                                                 : " (fixed when it was first built)";
      std::string fix = declared_input_shape_
                            ? "set input_shape=" + braces(v.received.without_batch()) +
                                  " to match the data, or reshape the data so that axis " + std::to_string(v.axis) +
                                  " has " + std::to_string(v.expected_value) + " values."
                            : "a layer's weights fix its input size: use a new layer for inputs of this size, "
                              "or reshape the input.";
      if (!v.producer.empty())
        fix = "the previous layer \"" + v.producer + "\" outputs " + to_string(v.received) + "; change it to give " +
              std::to_string(v.expected_value) + " values on axis " + std::to_string(v.axis) + ", or " + fix;
      return who + " expects " + std::to_string(v.expected_value) + " values on axis " + std::to_string(v.axis) +
             origin + " but got " + got + ": " + fix;
    }
    case SpecViolation::Kind::shape:
      return "the model expects samples of shape " + per_sample(v.expected_shape) + ", but " + from +
             " has samples of shape " + per_sample(v.received) + ".";
  }
  return "";
}

void LayerImpl::check_arity(size_t n) const {
  int expected = expected_inputs();
  if (expected > 0 && static_cast<int>(n) != expected)
    throw ValueError("Layer \"" + name_ + "\" expects " + std::to_string(expected) +
                         " input(s), but it received " + std::to_string(n) + " input tensors.",
                     {.layer = name_, .expected = std::to_string(expected) + " input(s)",
                      .received = std::to_string(n) + " inputs",
                      .hint = expected == 1 ? "call it on one tensor; to combine several, use a merge layer such "
                                              "as Concatenate() or Add() first."
                                            : "pass a list of " + std::to_string(expected) + " tensors."});
}

void LayerImpl::check_input_compatibility(const std::vector<Shape>& shapes,
                                          const std::vector<std::pair<std::string, std::string>>& producers) const {
  for (size_t i = 0; i < shapes.size() && i < input_spec.size(); ++i) {
    auto v = check_input_spec(input_spec[i], shapes[i], static_cast<int>(i));
    if (!v) continue;
    if (i < producers.size()) {
      v->producer = producers[i].first;
      v->producer_class = producers[i].second;
    }
    std::string expected;
    switch (v->kind) {
      case SpecViolation::Kind::ndim: expected = "ndim=" + std::to_string(v->expected_rank); break;
      case SpecViolation::Kind::min_ndim: expected = "min_ndim=" + std::to_string(v->expected_rank); break;
      case SpecViolation::Kind::max_ndim: expected = "max_ndim=" + std::to_string(v->expected_rank); break;
      case SpecViolation::Kind::axis:
        expected = "axis " + std::to_string(v->axis) + " = " + std::to_string(v->expected_value);
        break;
      case SpecViolation::Kind::shape: expected = to_string(v->expected_shape); break;
    }
    throw ValueError(describe(*v, name_),
                     {.layer = name_, .expected = expected, .received = to_string(shapes[i]), .hint = hint_for(*v)});
  }
}

void LayerImpl::check_and_build(const std::vector<Shape>& shapes,
                                const std::vector<std::pair<std::string, std::string>>& producers) {
  check_arity(shapes.size());
  check_input_compatibility(shapes, producers);
  if (!built_) {
    build(shapes);
    built_ = true;
    check_input_compatibility(shapes, producers);  // build may have tightened the spec
  }
}

void LayerImpl::check_call_flags(const CallFlags& flags) const {
  const std::vector<std::string> accepted = accepted_call_flags();
  for (const auto& [flag, value] : flags) {
    (void)value;
    if (std::find(accepted.begin(), accepted.end(), flag) != accepted.end()) continue;
    std::string names;
    for (const auto& a : accepted) names += (names.empty() ? "" : ", ") + a + "=";
    throw TypeError(class_name_ + ".call() got an unexpected keyword argument '" + flag + "'",
                    {.layer = name_, .received = flag,
                     .hint = names.empty() ? "layer \"" + name_ + "\" (" + class_name_ + ") takes tensors only."
                                           : "layer \"" + name_ + "\" (" + class_name_ + ") takes " + names + "."});
  }
}

std::vector<KerasTensor> LayerImpl::call_symbolic(const std::vector<KerasTensor>& inputs, const CallFlags& flags) {
  check_call_flags(flags);
  std::vector<Shape> shapes;
  std::vector<std::pair<std::string, std::string>> producers;
  for (const KerasTensor& t : inputs) {
    if (!t.node())
      throw ValueError("Layer \"" + name_ + "\" was called on an empty symbolic tensor.",
                       {.layer = name_, .hint = "create inputs with keras::Input(shape={...})."});
    shapes.push_back(t.shape());
    const auto& producer = t.node()->layer;
    if (producer->is_input_layer()) producers.emplace_back("", "");
    else producers.emplace_back(producer->name(), producer->class_name());
  }
  check_and_build(shapes, producers);
  auto node = std::make_shared<Node>();
  node->layer = shared_from_this();
  node->inputs = inputs;
  node->output_shapes = compute_call_output_shapes(shapes, flags);
  node->flags = flags;
  node->node_index = static_cast<int>(inbound_nodes_.size());
  inbound_nodes_.push_back(node);
  if (!first_call_) first_call_ = std::make_pair(shapes, node->output_shapes);
  std::vector<KerasTensor> outs;
  for (size_t i = 0; i < node->output_shapes.size(); ++i) outs.emplace_back(node, static_cast<int>(i));
  return outs;
}

std::vector<Tensor> LayerImpl::call_eager(const std::vector<Tensor>& inputs, bool training) {
  return call_eager(inputs, training, {}, nullptr);
}

std::vector<Tensor> LayerImpl::call_eager(const std::vector<Tensor>& inputs, bool training,
                                          const std::vector<Tensor>& input_masks,
                                          std::vector<Tensor>* output_masks, const CallFlags& flags) {
  check_call_flags(flags);
  std::vector<Shape> shapes;
  shapes.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    if (!t.defined())
      throw ValueError("Layer \"" + name_ + "\" was called on an undefined Tensor.", {.layer = name_});
    shapes.push_back(t.shape());
  }
  check_and_build(shapes);
  auto ctx = std::make_shared<CallContext>();
  ctx->training = training || ops::detail::inherited_training();
  ctx->flags = flags;
  ctx->inputs = inputs;
  for (const Tensor& m : input_masks)
    if (m.defined()) ctx->input_masks = input_masks;
  std::vector<Tensor> outputs;
  {
    // The layer's own work is not recorded operation by operation: its backward is the record (below).
    ops::detail::TapeScope unrecorded(nullptr);
    outputs = forward_masked(*ctx);
  }
  if (output_masks) *output_masks = ctx->output_masks;
  record_eager_call(ctx, outputs);
  return outputs;
}

// Called inside a differentiated function (a CustomLayer's call()), a layer is one recorded operation whose
// gradient is its backward, which also adds its weights' gradients.
void LayerImpl::record_eager_call(const std::shared_ptr<CallContext>& ctx, const std::vector<Tensor>& outputs) {
  bool tracked = false;
  for (const Tensor& x : ctx->inputs) tracked = tracked || ops::detail::recording(x);
  if (!tracked) return;
  if (outputs.size() != 1)
    throw NotImplementedError("Layer \"" + name_ + "\" (" + class_name_ + ") returns " +
                              std::to_string(outputs.size()) + " outputs, and keraspp differentiates a layer called "
                              "inside another layer's call() only when it returns one.\nHint: call it outside, in "
                              "the functional model that holds both layers.");
  ctx->outputs = outputs;
  ops::detail::recorded(ctx->inputs, outputs[0], [self = shared_from_this(), ctx](const Tensor& dy) {
    return self->backward(*ctx, {dy});
  });
}

std::vector<Tensor> LayerImpl::forward_masked(CallContext& ctx) {
  ctx.output_masks.clear();
  std::vector<Tensor> outputs = forward(ctx);
  const size_t n = outputs.size();
  if (is_model()) {  // its graph set the masks of its outputs
    ctx.output_masks.resize(n);
    return outputs;
  }
  bool any_input_mask = false;
  for (const Tensor& m : ctx.input_masks) any_input_mask = any_input_mask || m.defined();
  if (!supports_masking()) {
    if (any_input_mask) {
      // Python shows a warning once per distinct text, so once per layer here.
      static std::mutex mu;
      static std::set<std::string> shown;
      const std::string msg = "Layer '" + name_ + "' (of type " + class_name_ +
                              ") was passed an input with a mask attached to it. However, this layer does not "
                              "support masking and will therefore destroy the mask information. Downstream layers "
                              "will not see the mask.";
      std::lock_guard<std::mutex> lock(mu);
      if (shown.insert(msg).second) std::cerr << "UserWarning: " << msg << "\n" << std::flush;
    }
    ctx.output_masks.assign(n, Tensor());
    return outputs;
  }
  bool already = ctx.output_masks.size() == n;
  for (size_t i = 0; already && i < n; ++i) already = ctx.output_masks[i].defined();
  if (already) return outputs;
  std::vector<Tensor> computed = compute_masks(ctx.inputs, ctx.input_masks, n);
  ctx.output_masks.resize(n);
  for (size_t i = 0; i < n && i < computed.size(); ++i)
    if (!ctx.output_masks[i].defined()) ctx.output_masks[i] = computed[i];
  return outputs;
}

// ---- weights ----
Tensor& LayerImpl::grad_of(Variable& v) {
  if (!v.grad.defined() || v.grad.dims() != v.value.dims()) v.grad = Tensor::zeros(v.value.dims());
  else if (v.grad_stale) v.grad.fill(0.0f);
  v.grad_stale = false;
  return v.grad;
}

Tensor& LayerImpl::grad_to_overwrite(Variable& v, float& beta) {
  const bool fresh = !v.grad.defined() || v.grad.dims() != v.value.dims();
  if (fresh) v.grad = Tensor::empty(v.value.dims());
  beta = fresh || v.grad_stale ? 0.0f : 1.0f;
  v.grad_stale = false;
  return v.grad;
}

VariablePtr LayerImpl::add_weight(const std::string& name, const std::vector<int64_t>& shape,
                                  const InitializerArg& init, bool trainable) {
  auto v = std::make_shared<Variable>();
  v->name = name;
  v->value = (*initializers::get(init))(shape);
  v->trainable = trainable && trainable_;  // a layer made with trainable=false creates frozen weights
  for (const char* key : constraint_keywords(name))
    if (auto c = constraints::get(config_.get_or<ConstraintArg>(key, {}))) v->constraint = std::move(c);
  variables_.push_back(v);
  if (trainable) made_trainable_.push_back(v);
  return v;
}

void LayerImpl::adopt_weight(const VariablePtr& v) {
  variables_.push_back(v);
  made_trainable_.push_back(v);
}

void LayerImpl::set_trainable(bool t) {
  trainable_ = t;
  for (const auto& v : made_trainable_) v->trainable = t;
}

std::vector<VariablePtr> LayerImpl::trainable_variables() const {
  std::vector<VariablePtr> out;
  if (!trainable_) return out;
  for (const auto& v : variables())
    if (v->trainable) out.push_back(v);
  return out;
}

std::vector<VariablePtr> LayerImpl::non_trainable_variables() const {
  std::vector<VariablePtr> out;
  for (const auto& v : variables())
    if (!v->trainable || !trainable_) out.push_back(v);
  return out;
}

int64_t LayerImpl::count_params() const {
  if (!built_)
    throw ValueError("You tried to call `count_params` on layer '" + name_ +
                         "', but the layer isn't built. You can build it manually via: `" + name_ +
                         ".build(input_shape)`.",
                     {.layer = name_,
                      .hint = "call the layer (or model) on data or on keras::Input(shape={...}) first, or give "
                              "the first layer input_shape=."});
  int64_t n = 0;
  for (const auto& v : variables()) n += v->value.size();
  return n;
}

std::vector<Tensor> LayerImpl::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& v : variables()) out.push_back(v->value.copy());
  return out;
}

void LayerImpl::set_weights(const std::vector<Tensor>& weights) {
  auto vars = variables();
  if (weights.size() != vars.size())
    throw ValueError("You called `set_weights(weights)` on layer \"" + name_ + "\" with a weight list of length " +
                         std::to_string(weights.size()) + ", but the layer was expecting " +
                         std::to_string(vars.size()) + " weights.",
                     {.layer = name_, .expected = std::to_string(vars.size()) + " weights",
                      .received = std::to_string(weights.size()) + " weights",
                      .hint = built_ ? "pass the weights in the order get_weights() returns them."
                                     : "the layer is not built yet, so it has no weights: build it first (call it "
                                       "on data or on keras::Input), then set its weights."});
  for (size_t i = 0; i < vars.size(); ++i) {
    if (vars[i]->value.dims() != weights[i].dims())
      throw ValueError("Layer " + name_ + " weight shape " + to_string(vars[i]->value.shape()) +
                           " is not compatible with provided weight shape " + to_string(weights[i].shape()) + ".",
                       {.layer = name_, .expected = to_string(vars[i]->value.shape()),
                        .received = to_string(weights[i].shape()),
                        .hint = "weight " + std::to_string(i) + " (" + vars[i]->name + ") must have shape " +
                                to_string(vars[i]->value.shape()) + "; Keras orders a Dense kernel (in, units)."});
  }
  for (size_t i = 0; i < vars.size(); ++i) vars[i]->value = weights[i].astype("float32");
}

Shape LayerImpl::output_shape() const {
  if (!first_call_)
    throw ValueError("The layer \"" + name_ + "\" has never been called and thus has no defined output shape.",
                     {.layer = name_, .hint = "call it on keras::Input(shape={...}) or put it in a model with a known "
                                              "input shape first."});
  return first_call_->second.at(0);
}

Shape LayerImpl::input_shape() const {
  if (first_call_) return first_call_->first.at(0);
  if (declared_input_shape_) return *declared_input_shape_;
  throw ValueError("The layer \"" + name_ + "\" has never been called and thus has no defined input shape.",
                   {.layer = name_, .hint = "give it input_shape=, or call it on keras::Input(shape={...}) first."});
}

// ---- handle ----
Tensor Layer::operator()(const Tensor& x) const { return impl_->call_eager({x}).at(0); }
std::vector<Tensor> Layer::operator()(const std::vector<Tensor>& xs) const { return impl_->call_eager(xs); }
KerasTensor Layer::operator()(const KerasTensor& x) const { return impl_->call_symbolic({x}).at(0); }
KerasTensor Layer::operator()(const std::vector<KerasTensor>& xs) const { return impl_->call_symbolic(xs).at(0); }
std::vector<KerasTensor> Layer::call_outputs(const std::vector<KerasTensor>& xs) const {
  return impl_->call_symbolic(xs);
}
std::vector<Tensor> Layer::trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& v : impl_->trainable_variables()) out.push_back(v->value);
  return out;
}
std::vector<Tensor> Layer::non_trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& v : impl_->non_trainable_variables()) out.push_back(v->value);
  return out;
}

}  // namespace keras

#include "keras/models/functional.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>

#include "keras/core/errors.hpp"
#include "models/data_hints.hpp"
#include "models/forward_only.hpp"
#include "models/layer_profile.hpp"
#include "models/relu_folding.hpp"
#include "trainers/training_state.hpp"

namespace keras {

FunctionalImpl::FunctionalImpl(std::string class_name, const kw::Kwargs& kwargs)
    : LayerImpl(std::move(class_name), kwargs), training_state_(std::make_shared<TrainingState>()) {}

FunctionalImpl::FunctionalImpl(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
                               const kw::Kwargs& kwargs)
    : LayerImpl("Functional", kwargs), training_state_(std::make_shared<TrainingState>()) {
  set_graph(inputs, outputs);
}

int FunctionalImpl::output_node(size_t i) const {
  int s = output_slots_.at(i);
  for (size_t k = 0; k < node_out_slots_.size(); ++k)
    for (int t : node_out_slots_[k])
      if (t == s) return static_cast<int>(k);
  return -1;
}

bool FunctionalImpl::output_is_terminal(size_t i) const {
  int s = output_slots_.at(i);
  for (const auto& ins : node_in_slots_)
    for (int t : ins)
      if (t == s) return false;
  for (size_t j = 0; j < output_slots_.size(); ++j)
    if (j != i && output_slots_[j] == s) return false;
  return true;
}

void FunctionalImpl::set_graph(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs) {
  if (inputs.empty() || outputs.empty())
    throw ValueError("A functional Model needs at least one input and one output.",
                     {.layer = name(), .hint = "Model model(inputs, outputs) with inputs from keras::Input(...)."});
  for (const KerasTensor& t : inputs)
    if (!t.node() || !t.node()->layer->is_input_layer())
      throw ValueError("Model inputs must come from `keras.Input` (thus holding past layer metadata). They cannot "
                       "be the output of a previous non-Input layer. Received: inputs=" + t.producer_name(),
                       {.layer = name(), .hint = "pass the tensors returned by keras::Input(shape={...})."});
  // Depth-first post-order from the outputs gives a topological order of the nodes.
  std::vector<std::shared_ptr<Node>> order;
  std::set<const Node*> done, active;
  std::set<const Node*> input_nodes;
  for (const auto& t : inputs) input_nodes.insert(t.node().get());
  std::function<void(const std::shared_ptr<Node>&)> visit = [&](const std::shared_ptr<Node>& n) {
    if (done.count(n.get())) return;
    if (n->layer->is_input_layer()) {
      if (!input_nodes.count(n.get()))
        throw ValueError("Graph disconnected: cannot find parent for tensor from layer '" + n->layer->name() +
                             "'. It is not among the model's inputs.",
                         {.layer = name(), .hint = "add that Input to the model's inputs: Model({in_a, in_b}, out)."});
      done.insert(n.get());
      return;
    }
    active.insert(n.get());
    for (const auto& in : n->inputs) visit(in.node());
    active.erase(n.get());
    done.insert(n.get());
    order.push_back(n);
  };
  for (const auto& t : outputs) {
    if (!t.node())
      throw ValueError("Model outputs must be symbolic tensors.", {.layer = name()});
    visit(t.node());
  }

  inputs_ = inputs;
  outputs_ = outputs;
  nodes_ = std::move(order);
  slot_of_.clear();
  num_slots_ = 0;
  input_slots_.clear();
  output_slots_.clear();
  node_in_slots_.assign(nodes_.size(), {});
  node_out_slots_.assign(nodes_.size(), {});
  auto slot = [&](const KerasTensor& t) {
    auto key = std::make_pair(static_cast<const Node*>(t.node().get()), t.index());
    auto it = slot_of_.find(key);
    if (it != slot_of_.end()) return it->second;
    return slot_of_[key] = num_slots_++;
  };
  for (const auto& t : inputs_) input_slots_.push_back(slot(t));
  for (size_t k = 0; k < nodes_.size(); ++k) {
    for (const auto& in : nodes_[k]->inputs) node_in_slots_[k].push_back(slot(in));
    for (size_t j = 0; j < nodes_[k]->output_shapes.size(); ++j)
      node_out_slots_[k].push_back(slot(KerasTensor(nodes_[k], static_cast<int>(j))));
  }
  for (const auto& t : outputs_) output_slots_.push_back(slot(t));
  relu_foldable_ = relu_foldable_nodes();
  find_relu_epilogues();
  find_conv_pool_pairs();

  layers_.clear();
  std::set<const LayerImpl*> seen;
  for (const auto& t : inputs_)
    if (seen.insert(t.node()->layer.get()).second) layers_.push_back(t.node()->layer);
  for (const auto& n : nodes_)
    if (seen.insert(n->layer.get()).second) layers_.push_back(n->layer);
  graph_ready_ = true;
  built_ = true;
}

std::optional<Shape> FunctionalImpl::adjust_rank(const Shape& ref, const Shape& data) {
  if (data.ndim() == ref.ndim()) return data;
  if (data.ndim() == ref.ndim() + 1 && data[-1].known() && data[-1].value() == 1) return data.slice(0, -1);
  if (data.ndim() + 1 == ref.ndim() && ref[-1].known() && ref[-1].value() == 1) {
    Shape s = data;
    s.push_back(1);
    return s;
  }
  return std::nullopt;
}

std::vector<Shape> FunctionalImpl::propagate(const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> shapes(static_cast<size_t>(num_slots_));
  for (size_t i = 0; i < inputs_.size(); ++i) shapes[static_cast<size_t>(input_slots_[i])] = input_shapes[i];
  for (size_t k = 0; k < nodes_.size(); ++k) {
    std::vector<Shape> in;
    std::vector<std::pair<std::string, std::string>> producers;
    for (size_t j = 0; j < node_in_slots_[k].size(); ++j) {
      in.push_back(shapes[static_cast<size_t>(node_in_slots_[k][j])]);
      const auto& p = nodes_[k]->inputs[j].node()->layer;
      if (p->is_input_layer()) producers.emplace_back("", "");
      else producers.emplace_back(p->name(), p->class_name());
    }
    auto& layer = *nodes_[k]->layer;
    layer.check_input_compatibility(in, producers);
    auto out = layer.compute_call_output_shapes(in, nodes_[k]->flags);
    for (size_t j = 0; j < out.size() && j < node_out_slots_[k].size(); ++j)
      shapes[static_cast<size_t>(node_out_slots_[k][j])] = out[j];
  }
  std::vector<Shape> result;
  for (int s : output_slots_) result.push_back(shapes[static_cast<size_t>(s)]);
  return result;
}

void FunctionalImpl::check_input_compatibility(const std::vector<Shape>& shapes,
                                               const std::vector<std::pair<std::string, std::string>>&) const {
  if (!graph_ready_) return;
  std::vector<Shape> adjusted;
  for (size_t i = 0; i < shapes.size() && i < inputs_.size(); ++i) {
    const Shape& ref = inputs_[i].shape();
    auto a = adjust_rank(ref, shapes[i]);
    if (!a || !a->compatible_with(ref))
      throw ValueError("Input " + std::to_string(i) + " of layer \"" + name() +
                           "\" is incompatible with the layer: expected shape=" + to_string(ref) +
                           ", found shape=" + to_string(shapes[i]),
                       {.layer = name(), .expected = to_string(ref), .received = to_string(shapes[i]),
                        .hint = data_shape_hint(ref, shapes[i], inputs_[i].producer_name())});
    adjusted.push_back(*a);
  }
  propagate(adjusted);
}

std::vector<Shape> FunctionalImpl::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  std::vector<Shape> adjusted;
  for (size_t i = 0; i < input_shapes.size() && i < inputs_.size(); ++i)
    adjusted.push_back(adjust_rank(inputs_[i].shape(), input_shapes[i]).value_or(input_shapes[i]));
  return propagate(adjusted);
}

namespace {

thread_local bool forward_only_flag = false;

// For each value slot, the index of the last node that reads it; the model's outputs count as read after every node.
std::vector<size_t> slot_last_uses(int num_slots, const std::vector<std::vector<int>>& node_in_slots,
                                   const std::vector<int>& output_slots) {
  std::vector<size_t> last(static_cast<size_t>(num_slots), 0);
  for (size_t k = 0; k < node_in_slots.size(); ++k)
    for (int s : node_in_slots[k]) last[static_cast<size_t>(s)] = k;
  for (int s : output_slots) last[static_cast<size_t>(s)] = node_in_slots.size();
  return last;
}

bool produces_any(const std::vector<int>& node_outputs, const std::vector<int>& output_slots) {
  for (int t : node_outputs)
    if (std::find(output_slots.begin(), output_slots.end(), t) != output_slots.end()) return true;
  return false;
}

}  // namespace

namespace {
std::atomic<bool> g_relu_folding{true};
}  // namespace

namespace detail {
bool forward_only() { return forward_only_flag; }
ForwardOnlyScope::ForwardOnlyScope() : previous_(forward_only_flag) { forward_only_flag = true; }
ForwardOnlyScope::~ForwardOnlyScope() { forward_only_flag = previous_; }
}  // namespace detail

std::vector<Tensor> FunctionalImpl::forward(CallContext& ctx) {
  std::vector<Tensor> slots(static_cast<size_t>(num_slots_));
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const Tensor& x = ctx.inputs.at(i);
    auto a = adjust_rank(inputs_[i].shape(), x.shape());
    slots[static_cast<size_t>(input_slots_[i])] = (a && a->ndim() != x.ndim()) ? x.reshape(a->as_vector()) : x;
  }
  // Keras masks travel with the values, one per slot; a node gets its inputs' masks and sets its outputs'.
  std::vector<Tensor> masks(static_cast<size_t>(num_slots_));
  for (size_t i = 0; i < inputs_.size(); ++i) masks[static_cast<size_t>(input_slots_[i])] = ctx.input_mask(i);
  // Every node's context is kept, so backward() may follow any forward() and sees the same masks. A forward-only
  // call (predict, evaluate) needs none of that: each value is dropped after its last use and each inner node's
  // context (its saved activations) as soon as the node ran, so peak memory is a few layers' outputs, not all.
  ctx.children.assign(nodes_.size(), CallContext{});
  ctx.added_loss = 0.0;
  const bool drop_as_used = detail::forward_only();
  const bool epilogues = g_relu_folding;  // read once: a producer and its relu layer must agree
  std::vector<size_t> last_use;
  if (drop_as_used) last_use = slot_last_uses(num_slots_, node_in_slots_, output_slots_);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    CallContext& c = ctx.children[k];
    c.training = ctx.training;
    c.flags = nodes_[k]->flags;
    c.inputs.clear();
    bool masked = false;
    for (int s : node_in_slots_[k]) {
      c.inputs.push_back(slots[static_cast<size_t>(s)]);
      masked = masked || masks[static_cast<size_t>(s)].defined();
    }
    if (masked)
      for (int s : node_in_slots_[k]) c.input_masks.push_back(masks[static_cast<size_t>(s)]);
    c.fused = starts_fused_pair(k, c);
    c.relu_epilogue = epilogues && relu_epilogue_[k];
    if (epilogues && relu_applied_by_[k] >= 0) {
      c.outputs = {c.inputs.at(0)};  // the producer applied the relu
      c.output_masks = c.input_masks;
    } else if (c.fused) {
      c.outputs.assign(1, Tensor());
      c.output_masks.clear();
    } else if (fused_producer_[k] >= 0 && ctx.children[static_cast<size_t>(fused_producer_[k])].fused) {
      detail::ProfileScope timed(fused_names_[k], c.training ? "forward" : "inference");
      c.outputs = {forward_fused_pair(k, ctx)};
      c.output_masks.clear();
      if (drop_as_used) ctx.children[static_cast<size_t>(fused_producer_[k])] = CallContext{};
    } else {
      detail::ProfileScope timed(nodes_[k]->layer->name(), c.training ? "forward" : "inference");
      c.outputs = nodes_[k]->layer->forward_masked(c);
    }
    // Keras's Layer.__call__ adds activity_regularizer(output) for each output, on every call.
    if (const auto& reg = nodes_[k]->layer->activity_regularizer(); reg && !c.fused)
      for (const Tensor& o : c.outputs) c.added_loss += reg->penalty(o);
    ctx.added_loss += c.added_loss;
    for (size_t j = 0; j < node_out_slots_[k].size(); ++j) {
      const auto slot = static_cast<size_t>(node_out_slots_[k][j]);
      slots[slot] = c.outputs.at(j);
      masks[slot] = j < c.output_masks.size() ? c.output_masks[j] : Tensor();
    }
    if (drop_as_used) {
      for (int s : node_in_slots_[k])
        if (last_use[static_cast<size_t>(s)] == k) slots[static_cast<size_t>(s)] = masks[static_cast<size_t>(s)] = Tensor();
      // The loss may read output nodes' contexts; a fused pair's pooling reads its convolution's.
      if (!produces_any(node_out_slots_[k], output_slots_) && !c.fused) c = CallContext{};
    }
  }
  std::vector<Tensor> out;
  ctx.output_masks.clear();
  for (int s : output_slots_) {
    out.push_back(slots[static_cast<size_t>(s)]);
    ctx.output_masks.push_back(masks[static_cast<size_t>(s)]);
  }
  return out;
}

namespace detail {
void set_relu_folding(bool on) { g_relu_folding = on; }
}  // namespace detail

// Nodes whose backward may apply their input's relu gradient (CallContext::fold_input_relu): a layer that
// folds_input_relu(), with one input, produced by a node whose layer has a relu_output() and one output, read by
// no other node and not a model output (a gradient arriving there otherwise would skip the relu). Fixed by the
// graph (a layer's activation never changes), so set_graph works it out once.
std::vector<bool> FunctionalImpl::relu_foldable_nodes() const {
  std::vector<bool> out(nodes_.size(), false);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (!nodes_[k]->layer->folds_input_relu()) continue;
    const int p = sole_producer(k);
    // A producer with an activity regularizer needs the gradient of its own output, after the relu.
    out[k] = p >= 0 && nodes_[static_cast<size_t>(p)]->layer->relu_output() &&
             !nodes_[static_cast<size_t>(p)]->layer->activity_regularizer();
  }
  return out;
}

// A plain relu layer (Activation("relu"), ReLU()) whose input is the sole output of a layer that can apply the relu
// as it writes that output (BatchNormalization), read by nothing else: the producer does it, and the relu layer's
// own forward pass over the tensor is saved. Fixed by the graph, so set_graph works it out once.
void FunctionalImpl::find_relu_epilogues() {
  relu_applied_by_.assign(nodes_.size(), -1);
  relu_epilogue_.assign(nodes_.size(), false);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (!nodes_[k]->layer->is_plain_relu()) continue;
    const int p = sole_producer(k);
    if (p < 0 || node_in_slots_[static_cast<size_t>(p)].size() != 1 ||
        !nodes_[static_cast<size_t>(p)]->layer->applies_relu_epilogue() ||
        nodes_[static_cast<size_t>(p)]->layer->activity_regularizer())  // it penalizes its output before the relu
      continue;
    relu_applied_by_[k] = p;
    relu_epilogue_[static_cast<size_t>(p)] = true;
  }
}

// The node whose output is node k's only input, when that is the producer's only output and nothing else reads it
// (no other node, not a model output); else -1.
int FunctionalImpl::sole_producer(size_t k) const {
  if (node_in_slots_[k].size() != 1) return -1;
  std::vector<int> readers(static_cast<size_t>(num_slots_), 0);
  int producer = -1;
  const int s = node_in_slots_[k][0];
  for (size_t j = 0; j < nodes_.size(); ++j) {
    for (int o : node_out_slots_[j])
      if (o == s) producer = static_cast<int>(j);
    for (int i : node_in_slots_[j]) ++readers[static_cast<size_t>(i)];
  }
  for (int o : output_slots_) ++readers[static_cast<size_t>(o)];
  if (producer < 0 || readers[static_cast<size_t>(s)] != 1 ||
      node_out_slots_[static_cast<size_t>(producer)].size() != 1)
    return -1;
  return producer;
}

std::vector<Tensor> FunctionalImpl::backward(CallContext& ctx, const std::vector<Tensor>& output_grads) {
  std::vector<Tensor> grads(static_cast<size_t>(num_slots_));
  auto accumulate = [&](int s, const Tensor& g) {
    if (!g.defined()) return;
    Tensor& slot = grads[static_cast<size_t>(s)];
    slot = slot.defined() ? slot + g : g;
  };
  for (size_t i = 0; i < output_slots_.size(); ++i) accumulate(output_slots_[i], output_grads.at(i));
  // Slots whose gradient is with respect to the producing layer's pre-activation (a fused loss computed it).
  std::vector<bool> preactivation(static_cast<size_t>(num_slots_), false);
  for (size_t i = 0; i < output_slots_.size() && i < ctx.preactivation_output_grads.size(); ++i)
    if (ctx.preactivation_output_grads[i]) preactivation[static_cast<size_t>(output_slots_[i])] = true;
  // Which slots need a gradient: the inputs the caller asked for, and what a node with trainable variables, or one
  // reading such a slot, produces. A Flatten or Rescaling right after the input needs none, and so neither does the
  // Dense or convolution after it (its input gradient, a whole GEMM, would only be thrown away).
  std::vector<bool> wanted(static_cast<size_t>(num_slots_), false);
  for (size_t i = 0; i < input_slots_.size(); ++i)
    wanted[static_cast<size_t>(input_slots_[i])] = ctx.input_needs_grad(i);
  for (size_t k = 0; k < nodes_.size(); ++k) {  // nodes_ is in topological order
    bool w = !nodes_[k]->layer->trainable_variables().empty();
    for (int s : node_in_slots_[k]) w = w || wanted[static_cast<size_t>(s)];
    for (int s : node_out_slots_[k]) wanted[static_cast<size_t>(s)] = w;
  }
  const bool folding = g_relu_folding;
  for (size_t k = nodes_.size(); k-- > 0;) {
    // A node's outputs are all wanted or none; for none, even a model output's gradient has nowhere to go.
    if (node_out_slots_[k].empty() || !wanted[static_cast<size_t>(node_out_slots_[k][0])]) continue;
    CallContext& c = ctx.children.at(k);
    if (c.fused) continue;  // its pooling's node did its backward
    std::vector<Tensor> g_out;
    const auto& activity_regularizer = nodes_[k]->layer->activity_regularizer();
    bool any = activity_regularizer != nullptr;
    for (size_t j = 0; j < node_out_slots_[k].size(); ++j) {
      Tensor g = grads[static_cast<size_t>(node_out_slots_[k][j])];
      if (g.defined()) any = true;
      if (!g.defined()) g = Tensor::zeros(c.outputs.at(j).dims());
      else if (activity_regularizer) g = g.copy();  // the slot's tensor may be another's gradient too
      if (activity_regularizer) activity_regularizer->add_gradient(c.outputs.at(j), g);
      g_out.push_back(g);
    }
    if (!any) continue;
    if (fused_producer_[k] >= 0 && ctx.children.at(static_cast<size_t>(fused_producer_[k])).fused) {
      const int conv_in = node_in_slots_[static_cast<size_t>(fused_producer_[k])][0];
      const bool need_dx = wanted[static_cast<size_t>(conv_in)];
      detail::ProfileScope timed(fused_names_[k], "backward");
      accumulate(conv_in, backward_fused_pair(k, ctx, g_out.at(0), need_dx));
      continue;
    }
    c.grad_wrt_preactivation = node_out_slots_[k].size() == 1 && preactivation[static_cast<size_t>(node_out_slots_[k][0])];
    c.needs_input_grad.clear();
    for (int s : node_in_slots_[k]) c.needs_input_grad.push_back(wanted[static_cast<size_t>(s)]);
    c.fold_input_relu = folding && relu_foldable_[k];
    if (c.fold_input_relu) preactivation[static_cast<size_t>(node_in_slots_[k][0])] = true;
    std::vector<Tensor> g_in;
    {
      detail::ProfileScope timed(nodes_[k]->layer->name(), "backward");
      g_in = nodes_[k]->layer->backward(c, g_out);
    }
    for (size_t j = 0; j < g_in.size() && j < node_in_slots_[k].size(); ++j)
      if (c.needs_input_grad[j]) accumulate(node_in_slots_[k][j], g_in[j]);
  }
  std::vector<Tensor> result;
  for (size_t i = 0; i < input_slots_.size(); ++i) {
    Tensor g = grads[static_cast<size_t>(input_slots_[i])];
    const Tensor& x = ctx.inputs.at(i);
    if (g.defined() && g.dims() != x.dims()) g = g.reshape(x.dims());  // undo the rank adjustment
    result.push_back(g);
  }
  return result;
}

std::vector<VariablePtr> FunctionalImpl::variables() const {
  std::vector<VariablePtr> out;
  std::set<const Variable*> seen;
  for (const auto& l : layers())
    for (const auto& v : l->variables())
      if (seen.insert(v.get()).second) out.push_back(v);
  return out;
}

void FunctionalImpl::set_trainable(bool t) {
  LayerImpl::set_trainable(t);
  for (const auto& l : layers()) l->set_trainable(t);  // Keras: `trainable` is propagated recursively
}

double FunctionalImpl::regularization_penalty(bool accumulate_grads) {
  double total = 0;
  for (const auto& l : layers())
    if (l->trainable()) total += l->regularization_penalty(accumulate_grads);
  return total;
}

Shape FunctionalImpl::output_shape() const {
  if (!graph_ready_) return LayerImpl::output_shape();
  return outputs_.at(0).shape();
}

Shape FunctionalImpl::input_shape() const {
  if (!graph_ready_) return LayerImpl::input_shape();
  return inputs_.at(0).shape();
}

bool FunctionalImpl::sequential_like() const {
  if (inputs_.size() != 1 || outputs_.size() != 1) return false;
  std::set<const LayerImpl*> used;
  KerasTensor prev = inputs_[0];
  for (const auto& n : nodes_) {
    if (n->inputs.size() != 1 || n->output_shapes.size() != 1 || !(n->inputs[0] == prev)) return false;
    if (!used.insert(n->layer.get()).second) return false;
    prev = KerasTensor(n, 0);
  }
  return true;
}

}  // namespace keras

#include "layers/attention/base_dense_attention.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/regularization/dropout.hpp"
#include "layers/attention/attention_ops.hpp"

namespace keras::layers {

namespace attention_detail {

DenseAttentionImpl::DenseAttentionImpl(const std::string& class_name, const kw::Kwargs& k) : LayerImpl(class_name, k) {
  rate_ = attention_ops::read_dropout(k, name());
  // Keras draws the dropout mask from the layer's own seed generator; a named Dropout here takes no automatic name.
  kw::Kwargs drop;
  drop.set("rate", rate_);
  drop.set("name", name() + "_dropout");
  if (auto seed = k.get<int>("seed")) drop.set("seed", *seed);
  dropout_ = Dropout(drop);
  input_spec.assign(3, InputSpec{.ndim = 3});
}

std::vector<Tensor> DenseAttentionImpl::compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                                      size_t n_outputs) const {
  std::vector<Tensor> out(n_outputs);
  if (!masks.empty()) out[0] = masks[0];
  return out;
}

void DenseAttentionImpl::check_input_compatibility(
    const std::vector<Shape>& shapes, const std::vector<std::pair<std::string, std::string>>& producers) const {
  if (shapes.size() == 1)
    throw ValueError(class_name() + " layer must be called on a list of inputs, namely [query, value] or [query, "
                     "value, key]. Received: inputs=" + to_string(shapes[0]) + " (one tensor)",
                     {.layer = name(), .expected = "[query, value] or [query, value, key]",
                      .received = to_string(shapes[0]),
                      .hint = "pass the query and the value as a list: layers::" + class_name() +
                              "()({query, value}); for self-attention, the same tensor twice: ({x, x})."});
  if (shapes.size() < 2 || shapes.size() > 3)
    throw ValueError(class_name() + " layer accepts inputs list of length 2 or 3, namely [query, value] or [query, "
                     "value, key]. Received length: " + std::to_string(shapes.size()) + ".",
                     {.layer = name(), .expected = "2 or 3 inputs", .received = std::to_string(shapes.size()),
                      .hint = "give {query, value} or {query, value, key}; a mask comes from the inputs' Keras masks "
                              "(Embedding(mask_zero=true), Masking), use_causal_mask=true adds the causal one."});
  LayerImpl::check_input_compatibility(shapes, producers);
  check_shapes(shapes);
}

std::string DenseAttentionImpl::hint_for(const SpecViolation& v) const {
  static const char* const roles[] = {"query", "value", "key"};
  const std::string role = roles[std::min(v.input_index, 2)];
  if (v.kind == SpecViolation::Kind::ndim)
    return "layer \"" + name() + "\" (" + class_name() + ") takes (batch, timesteps, features) tensors, but the " +
           role + " is " + to_string(v.received) +
           (v.received.ndim() == 2 ? ": add a length-1 time axis with layers::Reshape({1, features})."
                                   : ": reshape it to (batch, timesteps, features), or use layers::MultiHeadAttention "
                                     "with attention_axes for more axes.");
  if (v.kind == SpecViolation::Kind::axis)
    return "layer \"" + name() + "\" was built for a query of " + std::to_string(v.expected_value) +
           " features (its scale has one entry per feature): use another layer for other sizes.";
  return LayerImpl::hint_for(v);
}

void DenseAttentionImpl::check_shapes(const std::vector<Shape>& shapes) const {
  const Shape& q = shapes[0];
  const Shape& v = shapes[1];
  const Shape& k = shapes.size() > 2 ? shapes[2] : v;
  if (q.ndim() != 3 || v.ndim() != 3 || k.ndim() != 3) return;  // the InputSpec reports it
  auto differ = [](const Dim& a, const Dim& b) { return a.known() && b.known() && a.value() != b.value(); };
  if (differ(q[0], v[0]) || differ(q[0], k[0]))
    throw ValueError("The inputs of layer \"" + name() + "\" must have the same batch size. Received: query_shape=" +
                         to_string(q) + ", value_shape=" + to_string(v) + ", key_shape=" + to_string(k),
                     {.layer = name(), .received = to_string(v),
                      .hint = "each query sequence attends to the value sequence of the same sample: give them the "
                              "same number of samples."});
  if (differ(k[1], v[1]))
    throw ValueError("The key and the value of layer \"" + name() + "\" must have the same number of positions "
                     "(axis 1). Received: value_shape=" + to_string(v) + ", key_shape=" + to_string(k),
                     {.layer = name(), .expected = to_string(v[1]) + " positions", .received = to_string(k),
                      .hint = "the key scores each value position: give it one entry per value position."});
  if (differ(q[2], k[2]))
    throw ValueError("The query and the " + std::string(shapes.size() > 2 ? "key" : "value (which is the key)") +
                         " of layer \"" + name() + "\" must have the same number of features to be scored against "
                         "each other. Received: query_shape=" + to_string(q) + ", key_shape=" + to_string(k),
                     {.layer = name(), .expected = std::to_string(q[2].value()) + " features",
                      .received = to_string(k),
                      .hint = "project one of them to the other's size first (layers::Dense(" +
                              std::to_string(q[2].value()) + ") on the " +
                              (shapes.size() > 2 ? "key" : "value") +
                              "), or use layers::MultiHeadAttention, which projects query, key and value itself."});
}

std::vector<Shape> DenseAttentionImpl::compute_output_shapes(const std::vector<Shape>& shapes) {
  return compute_call_output_shapes(shapes, {});
}

std::vector<Shape> DenseAttentionImpl::compute_call_output_shapes(const std::vector<Shape>& shapes,
                                                                  const CallFlags& flags) {
  check_shapes(shapes);
  const Shape& q = shapes[0];
  const Shape& v = shapes[1];
  Shape y = q.slice(0, -1);
  y.push_back(v[-1]);
  const auto it = flags.find("return_attention_scores");
  if (it == flags.end() || !it->second) return {y};
  return {y, Shape{q[0], q[1], v[1]}};
}

// Keras's _calculate_score_mask: the value's mask on the source positions (batch, 1, Tv), AND the causal mask
// (1, Tq, Tv); undefined when neither applies.
Tensor DenseAttentionImpl::score_mask(const CallContext& ctx, int64_t batch, int64_t tq, int64_t tv) const {
  Tensor mask;
  if (const Tensor& v_mask = ctx.input_mask(1); v_mask.defined())
    mask = attention_ops::as_bool(v_mask).reshape({batch, 1, tv});
  if (ctx.flag("use_causal_mask")) {
    const Tensor causal = attention_ops::causal_mask(tq, tv);
    mask = mask.defined() ? mask * causal : causal;
  }
  return mask.defined() ? attention_ops::broadcast_to(mask, {batch, tq, tv}) : mask;
}

std::vector<Tensor> DenseAttentionImpl::forward(CallContext& ctx) {
  const Tensor& q = ctx.inputs[0];
  const Tensor& v = ctx.inputs[1];
  const Tensor& k = ctx.inputs.size() > 2 ? ctx.inputs[2] : v;
  const int64_t batch = q.dim(0), tq = q.dim(1), tv = v.dim(1), dv = v.dim(2);
  Tensor p = scores(q, k);
  const Tensor mask = score_mask(ctx, batch, tq, tv);
  attention_ops::masked_softmax(p.data(), mask.defined() ? mask.data() : nullptr, batch * tq, tv);
  Tensor pd = p;
  ctx.children.assign(1, CallContext{});
  if (rate_ > 0.0 && ctx.training) {
    CallContext& dc = ctx.children[0];
    dc.training = true;
    dc.inputs = {p};
    pd = dropout_.impl()->forward(dc).at(0);
  }
  Tensor y = Tensor::empty({batch, tq, dv});
  attention_ops::batched_matmul(false, false, batch, tq, dv, tv, 1.0f, pd.data(), v.data(), 0.0f, y.data());
  if (const Tensor& q_mask = ctx.input_mask(0); q_mask.defined()) {
    const Tensor m = attention_ops::as_bool(q_mask);
    for (int64_t r = 0; r < batch * tq; ++r)
      if (m.data()[r] == 0.0f) std::fill_n(y.data() + r * dv, dv, 0.0f);
  }
  ctx.saved = {p, pd};
  std::vector<Tensor> out{y};
  // Keras returns the weights the value was multiplied with: after dropout, in training.
  if (ctx.flag("return_attention_scores")) out.push_back(pd);
  return out;
}

std::vector<Tensor> DenseAttentionImpl::backward(CallContext& ctx, const std::vector<Tensor>& grads) {
  const Tensor& q = ctx.inputs[0];
  const Tensor& v = ctx.inputs[1];
  const bool key_given = ctx.inputs.size() > 2;
  const Tensor& k = key_given ? ctx.inputs[2] : v;
  const Tensor &p = ctx.saved[0], &pd = ctx.saved[1];
  const int64_t batch = q.dim(0), tq = q.dim(1), tv = v.dim(1), dv = v.dim(2);
  Tensor dy = grads.at(0);
  if (const Tensor& q_mask = ctx.input_mask(0); q_mask.defined()) {
    dy = dy.copy();
    const Tensor m = attention_ops::as_bool(q_mask);
    for (int64_t r = 0; r < batch * tq; ++r)
      if (m.data()[r] == 0.0f) std::fill_n(dy.data() + r * dv, dv, 0.0f);
  }
  Tensor dp = Tensor::empty({batch, tq, tv});
  attention_ops::batched_matmul(false, true, batch, tq, tv, dv, 1.0f, dy.data(), v.data(), 0.0f, dp.data());
  Tensor d_value = Tensor::empty({batch, tv, dv});
  attention_ops::batched_matmul(true, false, batch, tv, dv, tq, 1.0f, pd.data(), dy.data(), 0.0f, d_value.data());
  if (grads.size() > 1 && grads[1].defined()) dp = dp + grads[1];
  if (pd.data() != p.data()) dp = dropout_.impl()->backward(ctx.children[0], {dp}).at(0);
  attention_ops::softmax_backward(p.data(), dp.data(), batch * tq, tv);
  const bool need_v = ctx.input_needs_grad(1);
  auto [d_query, d_key] =
      scores_backward(q, k, dp, ctx.input_needs_grad(0), key_given ? ctx.input_needs_grad(2) : need_v);
  if (!key_given) return {d_query, d_key.defined() ? d_value + d_key : d_value};
  return {d_query, d_value, d_key};
}

}  // namespace attention_detail

namespace {
// Attention and AdditiveAttention take the key in their inputs list, and no attention_mask.
template <class T>
void refuse_tensor_keywords(const Layer& layer, const AttentionCallArgs<T>& args) {
  if (!args.key && !args.attention_mask) return;
  throw TypeError(layer.class_name() + ".call() got an unexpected keyword argument '" +
                      std::string(args.key ? "key" : "attention_mask") + "'",
                  {.layer = layer.name(), .hint = "give the key in the inputs list: ({query, value, key}); masks come "
                                                  "from the inputs' Keras masks and use_causal_mask=true."});
}
}  // namespace

std::vector<KerasTensor> DenseAttentionLayer::call(const std::vector<KerasTensor>& inputs,
                                                   const AttentionCallArgs<KerasTensor>& args) const {
  refuse_tensor_keywords(*this, args);
  return impl_->call_symbolic(inputs, args.flags);
}

std::vector<Tensor> DenseAttentionLayer::call(const std::vector<Tensor>& inputs,
                                              const AttentionCallArgs<Tensor>& args) const {
  refuse_tensor_keywords(*this, args);
  return impl_->call_eager(inputs, args.training, {}, nullptr, args.flags);
}

}  // namespace keras::layers

#include "keras/layers/attention/multi_head_attention.hpp"

#include <algorithm>
#include <cmath>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "keras/layers/regularization/dropout.hpp"
#include "layers/attention/attention_ops.hpp"
#include "layers/attention/multi_head_attention_impl.hpp"
#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers {

namespace {
namespace mha {  // file-local names apart from those of other sources of a unity batch

using attention_ops::dims_text;

// Keras's _build_proj_equation: the input's free axes (batch included) are kept, its bound axes contracted with the
// kernel, which adds the output axes: (2 free, 1 bound, 2 out) gives "abc,cde->abde" with bias over "de".
struct ProjEquation {
  std::string equation, bias_axes;
  int output_rank = 0;
};
ProjEquation proj_equation(int free_dims, int bound_dims, int output_dims) {
  std::string in, kernel, out, bias;
  char c = 'a';
  for (int i = 0; i < free_dims; ++i, ++c) in += c, out += c;
  for (int i = 0; i < bound_dims; ++i, ++c) in += c, kernel += c;
  for (int i = 0; i < output_dims; ++i, ++c) kernel += c, out += c, bias += c;
  return {in + "," + kernel + "->" + out, bias, static_cast<int>(out.size())};
}

// Keras's _get_output_shape: None where the input gives the size, then the sizes the kernel sets.
Shape partial_output(int rank, const std::vector<Dim>& known) {
  std::vector<Dim> dims(static_cast<size_t>(rank) - known.size(), Dim());
  dims.insert(dims.end(), known.begin(), known.end());
  return Shape(std::move(dims));
}

int64_t product(const std::vector<int64_t>& dims, const std::vector<int>& axes) {
  int64_t p = 1;
  for (int a : axes) p *= dims[static_cast<size_t>(a)];
  return p;
}

// Where attention runs for inputs of rank r: the attention axes, the other axes between batch and features (which
// act as batch axes), and the permutation that brings a projection (B, middle..., N, H) of rank r + 1 to
// (B, other..., N, attention..., H): Keras's product notation, which is also the scores' axis order.
struct Layout {
  std::vector<int> attention, other, perm, inverse;
};

class MultiHeadAttentionImpl : public LayerImpl {
 public:
  // class_name "MultiHeadAttention", or "GroupedQueryAttention" (Keras's class behind keras.layers.GroupQueryAttention):
  // num_query_heads heads of head_dim for the query, num_key_value_heads for the key and the value (each serving
  // num_query_heads / num_key_value_heads query heads), (batch, positions, features) inputs only.
  MultiHeadAttentionImpl(const std::string& class_name, const kw::Kwargs& k) : LayerImpl(class_name, k) {
    grouped_ = class_name == "GroupedQueryAttention";
    if (grouped_) read_grouped_heads(k);
    else read_heads(k);
    rate_ = attention_ops::read_dropout(k, name());
    use_bias_ = k.get_or("use_bias", true);
    if (k.get_or("flash_attention", false) && rate_ > 0.0)
      throw ValueError("Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
                       "flash attention.",
                       {.layer = name(), .received = "dropout=" + py_float(rate_),
                        .hint = "drop flash_attention=true (keraspp computes the same attention either way) or set "
                                "dropout=0.0."});
    flash_ = k.get_or("flash_attention", false);
    seed_ = k.get<int>("seed");
    // Keras hands these to the four projections. MultiHeadAttention itself then has no activity regularizer;
    // GroupedQueryAttention sets its own too (self.activity_regularizer), so its output is penalized as well.
    for (const char* key : {"kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                            "activity_regularizer", "kernel_constraint", "bias_constraint"})
      sublayer_kwargs_.copy_from(k, key);
    if (!grouped_) set_activity_regularizer(nullptr);
    input_spec.assign(3, grouped_ ? InputSpec{.ndim = 3} : InputSpec{.min_ndim = 3});
  }

  int expected_inputs() const override { return -1; }  // query, value, then key and attention_mask if given
  bool supports_masking() const override { return true; }
  bool implicit_input(const Node& n, size_t i) const override {
    return i == 2 && n.inputs.size() == 4 && n.inputs[2] == n.inputs[1];
  }
  std::vector<std::string> accepted_call_flags() const override {
    return {"use_causal_mask", "return_attention_scores"};
  }
  // The output keeps the query's mask; the scores carry none.
  std::vector<Tensor> compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override {
    std::vector<Tensor> out(n_outputs);
    if (!masks.empty()) out[0] = masks[0];
    return out;
  }

  std::vector<VariablePtr> variables() const override {
    std::vector<VariablePtr> out;
    for (const Layer* l : projections())
      if (l->impl())
        for (const auto& v : l->impl()->variables()) out.push_back(v);
    return out;
  }
  void set_trainable(bool t) override {
    LayerImpl::set_trainable(t);
    for (const Layer* l : projections())
      if (l->impl()) l->impl()->set_trainable(t);
  }
  double regularization_penalty(bool accumulate_grads) override {
    double sum = 0.0;
    for (const Layer* l : projections())
      if (l->impl()) sum += l->impl()->regularization_penalty(accumulate_grads);
    return sum;
  }

  // Keras's walk finds the projections under the names of the layer's properties (dir() lists them before the
  // private attributes that hold the same layers), sorted; the weightless Softmax and Dropout hold no variables.
  std::vector<std::pair<std::string, std::shared_ptr<LayerImpl>>> owned_sublayers() const override {
    if (!built_) return {};
    // GroupedQueryAttention has no such properties: its private attributes are the names.
    const std::string p = grouped_ ? "_" : "";
    return {{p + "key_dense", key_.impl()}, {p + "output_dense", output_.impl()}, {p + "query_dense", query_.impl()},
            {p + "value_dense", value_.impl()}};
  }

  Layer query_dense() const { return query_; }
  Layer key_dense() const { return key_; }
  Layer value_dense() const { return value_; }
  Layer output_dense() const { return output_; }

  std::string hint_for(const SpecViolation& v) const override {
    static const char* const roles[] = {"query", "value", "key"};
    const std::string role = roles[std::min(v.input_index, 2)];
    if (v.kind == SpecViolation::Kind::min_ndim)
      return "layer \"" + name() + "\" (" + class_name() + ") attends along the sequence axes of (batch, timesteps, "
             "features) tensors, but the " + role + " is " + to_string(v.received) + ": for one vector per sample, "
             "add a length-1 time axis with layers::Reshape({1, " +
             (v.received.ndim() == 2 && v.received[1].known() ? std::to_string(v.received[1].value()) : "features") +
             "}).";
    if (v.kind == SpecViolation::Kind::axis)
      return "layer \"" + name() + "\" was built for a " + role + " of " + std::to_string(v.expected_value) +
             " features (its \"" + role + "\" projection's kernel has that many rows), so every call must give the " +
             role + " " + std::to_string(v.expected_value) + " values on the last axis; use another layer for other "
             "sizes.";
    if (v.kind == SpecViolation::Kind::ndim)
      return "layer \"" + name() + "\" was built for inputs of rank " + std::to_string(v.expected_rank) +
             " (its projections' equations and attention axes are fixed then), but the " + role + " is " +
             to_string(v.received) + ": use another layer for inputs of another rank.";
    return LayerImpl::hint_for(v);
  }

  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    if (shapes.size() < 2 || shapes.size() > 4)
      throw ValueError("Layer \"" + name() + "\" expects a query and a value (then optionally a key and an "
                       "attention_mask), but it received " + std::to_string(shapes.size()) + " input tensors.",
                       {.layer = name(), .expected = "2 to 4 inputs",
                        .received = std::to_string(shapes.size()) + " inputs",
                        .hint = "call it as mha(query, value), mha(query, value, key=k) or with attention_mask=m; "
                                "for self-attention pass the same tensor twice: mha(x, x)."});
    LayerImpl::check_input_compatibility(shapes, producers);
    check_shapes(shapes);
  }

  void build(const std::vector<Shape>& shapes) override {
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Shape& k = shapes.size() >= 3 ? shapes[2] : v;
    const int r = q.ndim();
    attention_axes_ = normalized_axes(r);
    if (!grouped_)
      config_.set("attention_axes", IntTuple(std::vector<int64_t>(attention_axes_.begin(), attention_axes_.end())));
    const ProjEquation proj = proj_equation(r - 1, 1, 2);
    query_ = projection(proj, {num_heads_, key_dim_}, "query", q);
    key_ = projection(proj, {kv_heads_, key_dim_}, "key", k);
    value_ = projection(proj, {kv_heads_, value_dim_}, "value", v);
    // Keras builds a Softmax and a Dropout here, which take the next automatic names of their classes.
    (void)unique_name("softmax");
    kw::Kwargs drop;
    drop.set("rate", rate_);
    if (seed_) drop.set("seed", *seed_);
    dropout_ = Dropout(drop);
    std::vector<Dim> out_dims;
    if (output_shape_) out_dims = output_shape_->dims();
    else out_dims = {q[-1]};
    const ProjEquation back = proj_equation(r - 1, 2, static_cast<int>(out_dims.size()));
    Shape heads = q.slice(0, -1);
    heads.push_back(num_heads_);
    heads.push_back(value_dim_);
    output_ = projection(back, out_dims, "attention_output", heads);
    layout_ = layout(r);
    for (size_t i = 0; i < 3; ++i) {
      const Shape& s = i == 0 ? q : i == 1 ? v : k;
      input_spec[i].min_ndim.reset();
      input_spec[i].ndim = r;
      if (s[-1].known()) input_spec[i].axes[-1] = s[-1].value();
    }
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) override {
    return compute_call_output_shapes(shapes, {});
  }

  std::vector<Shape> compute_call_output_shapes(const std::vector<Shape>& shapes, const CallFlags& flags) override {
    check_shapes(shapes);
    const Shape& q = shapes[0];
    Shape y = q.slice(0, -1);
    if (output_shape_)
      for (const Dim& d : output_shape_->dims()) y.push_back(d);
    else y.push_back(q[-1]);
    const auto it = flags.find("return_attention_scores");
    if (it == flags.end() || !it->second) return {y};
    if (flash_)
      throw ValueError("Returning attention scores is not supported when flash attention is enabled. Please disable "
                       "flash attention to access attention scores.",
                       {.layer = name(), .hint = "construct the layer with flash_attention=false (or leave it out)."});
    return {y, Shape(scores_dims(shapes))};
  }

  std::vector<Tensor> forward(CallContext& ctx) override {
    const size_t n = ctx.inputs.size();
    const Tensor& q = ctx.inputs[0];
    const Tensor& v = ctx.inputs[1];
    const Tensor& k = n >= 3 ? ctx.inputs[2] : v;
    ctx.children.assign(5, CallContext{});
    ctx.added_loss = 0.0;
    const Tensor qp = sub_forward(query_, q, ctx, kQuery);
    const Tensor kp = repeat_heads(sub_forward(key_, k, ctx, kKey));
    const Tensor vp = repeat_heads(sub_forward(value_, v, ctx, kValue));
    const Layout& lay = layout_;
    const Sizes z = sizes(q.dims(), v.dims());
    // Keras scales the query before the product: q * (1 / sqrt(key_dim)).
    Tensor qc = detail::transpose(qp, lay.perm);
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(key_dim_)));
    for (int64_t i = 0; i < qc.size(); ++i) qc.data()[i] *= scale;
    const Tensor kc = detail::transpose(kp, lay.perm);
    const Tensor vc = detail::transpose(vp, lay.perm);
    const int64_t bn = z.groups * num_heads_;
    Tensor p = Tensor::empty({bn, z.t, z.s});
    attention_ops::batched_matmul(false, true, bn, z.t, z.s, key_dim_, 1.0f, qc.data(), kc.data(), 0.0f, p.data());
    const Tensor mask = attention_mask(ctx, z);
    attention_ops::masked_softmax(p.data(), mask.defined() ? mask.data() : nullptr, bn * z.t, z.s);
    Tensor pd = p;
    if (rate_ > 0.0 && ctx.training) {
      CallContext& dc = ctx.children[kDropout];
      dc.training = true;
      dc.inputs = {p};
      pd = dropout_.impl()->forward(dc).at(0);
    }
    Tensor oc = Tensor::empty({bn, z.t, value_dim_});
    attention_ops::batched_matmul(false, false, bn, z.t, value_dim_, z.s, 1.0f, pd.data(), vc.data(), 0.0f, oc.data());
    std::vector<int64_t> heads_dims = qp.dims();  // (B, query positions..., N, value_dim)
    heads_dims.back() = value_dim_;
    const Tensor heads = detail::transpose(oc.reshape(canonical_dims(heads_dims, lay)), lay.inverse);
    std::vector<Tensor> out{sub_forward(output_, heads, ctx, kOutput)};
    ctx.saved = {qc, kc, vc, p, pd};
    if (ctx.flag("return_attention_scores")) out.push_back(p.reshape(z.scores));
    return out;
  }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& grads) override {
    const size_t n = ctx.inputs.size();
    const Tensor& q = ctx.inputs[0];
    const Tensor& v = ctx.inputs[1];
    const Tensor &qc = ctx.saved[0], &kc = ctx.saved[1], &vc = ctx.saved[2], &p = ctx.saved[3], &pd = ctx.saved[4];
    const Layout& lay = layout_;
    const Sizes z = sizes(q.dims(), v.dims());
    const int64_t bn = z.groups * num_heads_;
    const Tensor d_heads = sub_backward(output_, grads.at(0), ctx, kOutput, true);
    const Tensor doc = detail::transpose(d_heads, lay.perm);
    Tensor dp = Tensor::empty({bn, z.t, z.s});
    attention_ops::batched_matmul(false, true, bn, z.t, z.s, value_dim_, 1.0f, doc.data(), vc.data(), 0.0f, dp.data());
    Tensor dvc = Tensor::empty({bn, z.s, value_dim_});
    attention_ops::batched_matmul(true, false, bn, z.s, value_dim_, z.t, 1.0f, pd.data(), doc.data(), 0.0f,
                                  dvc.data());
    if (pd.data() != p.data()) dp = dropout_.impl()->backward(ctx.children[kDropout], {dp}).at(0);
    if (grads.size() > 1 && grads[1].defined()) dp = dp + grads[1].reshape(dp.dims());
    attention_ops::softmax_backward(p.data(), dp.data(), bn * z.t, z.s);
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(key_dim_)));
    Tensor dqc = Tensor::empty({bn, z.t, key_dim_});
    attention_ops::batched_matmul(false, false, bn, z.t, key_dim_, z.s, scale, dp.data(), kc.data(), 0.0f, dqc.data());
    Tensor dkc = Tensor::empty({bn, z.s, key_dim_});
    attention_ops::batched_matmul(true, false, bn, z.s, key_dim_, z.t, 1.0f, dp.data(), qc.data(), 0.0f, dkc.data());
    // The projections' dims with every query head (the key's and value's after repeat_heads).
    const std::vector<int64_t> q_proj = ctx.children[kQuery].outputs.at(0).dims();
    std::vector<int64_t> k_proj = ctx.children[kKey].outputs.at(0).dims();
    std::vector<int64_t> v_proj = ctx.children[kValue].outputs.at(0).dims();
    k_proj[k_proj.size() - 2] = v_proj[v_proj.size() - 2] = num_heads_;
    auto back = [&](const Tensor& c, const std::vector<int64_t>& proj) {
      return detail::transpose(c.reshape(canonical_dims(proj, lay)), lay.inverse);
    };
    const bool key_given = n >= 3;
    const bool need_v = ctx.input_needs_grad(1);
    const bool need_k = key_given ? ctx.input_needs_grad(2) : need_v;
    Tensor dq = sub_backward(query_, back(dqc, q_proj), ctx, kQuery, ctx.input_needs_grad(0));
    Tensor dk = sub_backward(key_, fold_heads(back(dkc, k_proj)), ctx, kKey, need_k);
    Tensor dv = sub_backward(value_, fold_heads(back(dvc, v_proj)), ctx, kValue, need_v);
    if (!key_given) return {dq, dv.defined() && dk.defined() ? dv + dk : dv};
    std::vector<Tensor> out{dq, dv, dk};
    if (n == 4) out.emplace_back();  // the attention mask has no gradient
    return out;
  }

 private:
  enum Child { kQuery = 0, kKey = 1, kValue = 2, kDropout = 3, kOutput = 4 };

  // Keras's TypeError for missing positional arguments, "1 required positional argument: 'key_dim'".
  void require(const std::vector<std::pair<const char*, bool>>& args, const std::string& example) const {
    std::vector<std::string> missing;
    for (const auto& [arg, given] : args)
      if (!given) missing.push_back(std::string("'") + arg + "'");
    if (missing.empty()) return;
    std::string list = missing[0];
    for (size_t i = 1; i < missing.size(); ++i)
      list += (missing.size() > 2 ? ", " : " ") + std::string(i + 1 == missing.size() ? "and " : "") + missing[i];
    throw TypeError(class_name() + ".__init__() missing " + std::to_string(missing.size()) + " required positional " +
                        (missing.size() == 1 ? "argument: " : "arguments: ") + list,
                    {.layer = name(), .hint = "give them as in Keras: " + example + "."});
  }

  static void require_positive(const std::string& layer, const std::vector<std::pair<const char*, int>>& values) {
    for (const auto& [what, v] : values)
      if (v <= 0)
        throw ValueError(std::string("Received an invalid value for argument `") + what +
                             "`. Expected a positive integer. Received: " + what + "=" + std::to_string(v),
                         {.layer = layer, .received = std::to_string(v),
                          .hint = std::string(what) + " counts heads or features per head: give 1 or more."});
  }

  void read_heads(const kw::Kwargs& k) {
    const auto heads = k.get<int>("num_heads");
    const auto key_dim = k.get<int>("key_dim");
    require({{"num_heads", heads.has_value()}, {"key_dim", key_dim.has_value()}},
            "MultiHeadAttention(num_heads=2, key_dim=64)");
    num_heads_ = kv_heads_ = *heads;
    key_dim_ = *key_dim;
    value_dim_ = k.get<int>("value_dim").value_or(key_dim_);
    require_positive(name(), {{"num_heads", num_heads_}, {"key_dim", key_dim_}, {"value_dim", value_dim_}});
    if (auto s = k.get<Shape>("output_shape")) {
      for (const Dim& d : s->dims())
        if (!d.known() || d.value() <= 0)
          throw ValueError("Invalid `output_shape`: " + to_string(*s) + ". When specified, the `output_shape` should "
                           "be of type tuple, list, or int.",
                           {.layer = name(), .received = to_string(*s),
                            .hint = "give the output's feature sizes as positive ints, e.g. output_shape=64."});
      output_shape_ = *s;
    }
    if (k.has("attention_axes") && !k.is_none("attention_axes")) {
      try {
        given_axes_ = std::vector<int64_t>{k.get_or("attention_axes", 0)};
      } catch (const TypeError&) {
        given_axes_ = k.get<IntTuple>("attention_axes")->values;
      }
      config_.set("attention_axes", IntTuple(*given_axes_));
    }
    config_.set("value_dim", value_dim_);
  }

  void read_grouped_heads(const kw::Kwargs& k) {
    const auto head_dim = k.get<int>("head_dim");
    const auto query_heads = k.get<int>("num_query_heads");
    const auto kv_heads = k.get<int>("num_key_value_heads");
    require({{"head_dim", head_dim.has_value()},
             {"num_query_heads", query_heads.has_value()},
             {"num_key_value_heads", kv_heads.has_value()}},
            "GroupQueryAttention(head_dim=64, num_query_heads=8, num_key_value_heads=2)");
    key_dim_ = value_dim_ = *head_dim;
    num_heads_ = *query_heads;
    kv_heads_ = *kv_heads;
    require_positive(name(), {{"head_dim", key_dim_}, {"num_query_heads", num_heads_}, {"num_key_value_heads", kv_heads_}});
    if (num_heads_ % kv_heads_ != 0)
      throw ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.",
                       {.layer = name(), .expected = "a divisor of " + std::to_string(num_heads_),
                        .received = "num_key_value_heads=" + std::to_string(kv_heads_),
                        .hint = "each key/value head serves the same number of query heads: choose "
                                "num_key_value_heads dividing num_query_heads=" + std::to_string(num_heads_) + "."});
  }

  // (..., kv_heads, H) -> (..., num_heads, H): Keras's ops.repeat(x, num_heads / kv_heads, axis=heads), each
  // key/value head serving that many consecutive query heads.
  Tensor repeat_heads(const Tensor& x) const {
    if (kv_heads_ == num_heads_) return x;
    std::vector<int64_t> dims = x.dims();
    const int64_t h = dims.back(), r = num_heads_ / kv_heads_;
    const int64_t outer = x.size() / (kv_heads_ * h);
    dims[dims.size() - 2] = num_heads_;
    Tensor out = Tensor::empty(dims);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t n = 0; n < num_heads_; ++n)
        std::copy_n(x.data() + (o * kv_heads_ + n / r) * h, h, out.data() + (o * num_heads_ + n) * h);
    return out;
  }
  // The gradient of repeat_heads: each key/value head sums its query heads' gradients.
  Tensor fold_heads(const Tensor& g) const {
    if (kv_heads_ == num_heads_) return g;
    std::vector<int64_t> dims = g.dims();
    const int64_t h = dims.back(), r = num_heads_ / kv_heads_;
    const int64_t outer = g.size() / (num_heads_ * h);
    dims[dims.size() - 2] = kv_heads_;
    Tensor out = Tensor::zeros(dims);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t n = 0; n < num_heads_; ++n) {
        const float* src = g.data() + (o * num_heads_ + n) * h;
        float* dst = out.data() + (o * kv_heads_ + n / r) * h;
        for (int64_t e = 0; e < h; ++e) dst[e] += src[e];
      }
    return out;
  }

  // The sizes of one call in the canonical layout: groups = batch x other axes, t and s the query's and the
  // source's attention positions; scores holds the scores' dims in Keras's order.
  struct Sizes {
    int64_t groups = 1, t = 1, s = 1;
    std::vector<int64_t> scores;
  };

  std::vector<const Layer*> projections() const { return {&query_, &key_, &value_, &output_}; }

  Layer projection(const ProjEquation& eq, const std::vector<Dim>& known, const std::string& sub_name,
                   const Shape& input) {
    kw::Kwargs k = sublayer_kwargs_;
    k.set("equation", eq.equation);
    k.set("output_shape", partial_output(eq.output_rank - 1, known));
    if (use_bias_) k.set("bias_axes", eq.bias_axes);
    k.set("name", sub_name);
    Layer l = EinsumDense(k);
    l.impl()->check_and_build({input});
    if (!trainable()) l.impl()->set_trainable(false);
    return l;
  }

  std::vector<int> normalized_axes(int r) const {
    std::vector<int> axes;
    if (!given_axes_) {
      for (int a = 1; a <= r - 2; ++a) axes.push_back(a);
      return axes;
    }
    for (int64_t a : *given_axes_) {
      const int n = static_cast<int>(a < 0 ? a + r : a);
      if (n < 1 || n > r - 2 || std::count(axes.begin(), axes.end(), n))
        throw ValueError("Invalid attention_axes=" + detail::int_tuple(*given_axes_) +
                             " for inputs of rank " + std::to_string(r) + ": each axis must lie between 1 and " +
                             std::to_string(r - 2) + " (the batch axis and the feature axis are not attended over), "
                             "once.",
                         {.layer = name(), .expected = "axes in [1, " + std::to_string(r - 2) + "]",
                          .received = detail::int_tuple(*given_axes_),
                          .hint = "attention_axes names the sequence axes of the inputs (1 for (batch, timesteps, "
                                  "features)); leave it out to attend over every axis between batch and features."});
      axes.push_back(n);
    }
    return axes;
  }

  Layout layout(int r) const {
    Layout l;
    l.attention = built_ ? attention_axes_ : normalized_axes(r);
    for (int a = 1; a <= r - 2; ++a)
      if (!std::count(l.attention.begin(), l.attention.end(), a)) l.other.push_back(a);
    l.perm.push_back(0);
    l.perm.insert(l.perm.end(), l.other.begin(), l.other.end());
    l.perm.push_back(r - 1);  // the heads axis of the projection
    l.perm.insert(l.perm.end(), l.attention.begin(), l.attention.end());
    l.perm.push_back(r);
    l.inverse = detail::inverse_permutation(l.perm);
    return l;
  }

  // The projection's dims after the permutation.
  static std::vector<int64_t> canonical_dims(const std::vector<int64_t>& proj, const Layout& l) {
    std::vector<int64_t> out;
    for (int a : l.perm) out.push_back(proj[static_cast<size_t>(a)]);
    return out;
  }

  // For a call of the built layer (its layout is fixed then).
  Sizes sizes(const std::vector<int64_t>& q, const std::vector<int64_t>& v) const {
    const Layout& l = layout_;
    Sizes z;
    z.groups = q[0] * product(q, l.other);
    z.t = product(q, l.attention);
    z.s = product(v, l.attention);
    z.scores.push_back(q[0]);
    for (int a : l.other) z.scores.push_back(q[static_cast<size_t>(a)]);
    z.scores.push_back(num_heads_);
    for (int a : l.attention) z.scores.push_back(q[static_cast<size_t>(a)]);
    for (int a : l.attention) z.scores.push_back(v[static_cast<size_t>(a)]);
    return z;
  }

  // The scores' shape in Keras's order: (batch, other axes..., num_heads, query positions..., source positions...).
  std::vector<Dim> scores_dims(const std::vector<Shape>& shapes) const {
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Layout l = layout(q.ndim());
    std::vector<Dim> s{q[0]};
    for (int a : l.other) s.push_back(q[a]);
    s.push_back(num_heads_);
    for (int a : l.attention) s.push_back(q[a]);
    for (int a : l.attention) s.push_back(v[a]);
    return s;
  }

  // Keras's checks of the inputs' shapes against each other (the per-input ones are the InputSpec's).
  void check_shapes(const std::vector<Shape>& shapes) const {
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Shape& k = shapes.size() >= 3 ? shapes[2] : v;
    if (v.slice(1, -1) != k.slice(1, -1) && !v.slice(1, -1).compatible_with(k.slice(1, -1)))
      throw ValueError("All dimensions of `value` and `key`, except the last one, must be equal. Received: "
                       "value_shape=" + to_string(v) + " and key_shape=" + to_string(k),
                       {.layer = name(), .expected = to_string(v.slice(0, -1)) + " + (features,)",
                        .received = to_string(k),
                        .hint = "the key gives one entry per value position: reshape or slice them to the same "
                                "positions (only their feature sizes may differ)."});
    if (grouped_ && q[-1].known() && v[-1].known() && q[-1].value() != v[-1].value())
      throw ValueError("The last dimension of `query_shape` and `value_shape` must be equal, but are " +
                           std::to_string(q[-1].value()) + ", " + std::to_string(v[-1].value()) +
                           ". Received: query_shape=" + to_string(q) + ", value_shape=" + to_string(v),
                       {.layer = name(), .expected = std::to_string(q[-1].value()) + " features",
                        .received = to_string(v),
                        .hint = "GroupQueryAttention outputs the query's feature size and needs the value's to match: "
                                "project the value first (layers::Dense(" + std::to_string(q[-1].value()) + ")), or use "
                                "MultiHeadAttention, which takes any sizes."});
    if (q.ndim() != v.ndim())
      throw ValueError("The query and the value of layer \"" + name() + "\" must have the same rank: query_shape=" +
                           to_string(q) + ", value_shape=" + to_string(v),
                       {.layer = name(), .expected = "rank " + std::to_string(q.ndim()), .received = to_string(v),
                        .hint = "attention pairs the query's positions with the value's along the same axes: give "
                                "both as (batch, positions..., features), with the same number of position axes."});
    const Layout l = layout(q.ndim());
    for (int a : l.other)
      if (q[a].known() && v[a].known() && q[a].value() != v[a].value())
        throw ValueError("The query and the value of layer \"" + name() + "\" must agree on the axes not attended "
                         "over: axis " + std::to_string(a) + " is " + std::to_string(q[a].value()) +
                             " in the query and " + std::to_string(v[a].value()) + " in the value. Received: "
                             "query_shape=" + to_string(q) + ", value_shape=" + to_string(v),
                         {.layer = name(), .expected = std::to_string(q[a].value()) + " at axis " + std::to_string(a),
                          .received = to_string(v),
                          .hint = "attention_axes=" + detail::int_tuple(std::vector<int64_t>(l.attention.begin(), l.attention.end())) + " leaves axis " + std::to_string(a) +
                                  " as a batch axis; give both the same size there, or attend over it too."});
    if (shapes.size() == 4) check_attention_mask(shapes[3], shapes);
  }

  // The attention mask expanded as Keras's _masked_softmax does (new axes before the heads axis) must broadcast to
  // the scores.
  void check_attention_mask(const Shape& m, const std::vector<Shape>& shapes) const {
    const std::vector<Dim> target = scores_dims(shapes);
    std::vector<Dim> dims = m.dims();
    bool ok = expand_like_keras(dims, target.size(), layout(shapes[0].ndim()).attention.size());
    if (ok && attention_ops::broadcasts_to(dims, target)) return;
    const Layout l = layout(shapes[0].ndim());
    std::vector<Dim> want{shapes[0][0]};
    for (int a : l.other) want.push_back(shapes[0][a]);
    for (int a : l.attention) want.push_back(shapes[0][a]);
    for (int a : l.attention) want.push_back(shapes[1][a]);
    throw ValueError("The attention_mask of layer \"" + name() + "\" has shape " + to_string(m) +
                         ", which does not broadcast to the attention scores' shape " + dims_text(target) +
                         " (batch, heads, query positions, key positions).",
                     {.layer = name(), .expected = dims_text(want), .received = to_string(m),
                      .hint = "give a mask of shape " + dims_text(want) + " (or 1 on axes to share): 1 where a "
                              "query position may attend to a key position, 0 where it may not."});
  }

  // Keras's expand_dims at axis -2 * len(attention_axes) - 1 until the mask has the scores' rank.
  template <class D>
  static bool expand_like_keras(std::vector<D>& dims, size_t rank, size_t n_attention_axes) {
    const int at = -2 * static_cast<int>(n_attention_axes) - 1;
    while (dims.size() < rank)
      if (!attention_ops::expand_dims(dims, at)) return false;
    return dims.size() == rank;
  }

  // The mask the softmax applies, in the scores' layout (undefined: none): Keras's _compute_attention_mask (the
  // query's mask on its positions, the value's and key's on theirs, the causal mask, the attention_mask), AND-ed.
  Tensor attention_mask(const CallContext& ctx, const Sizes& z) const {
    const size_t n = ctx.inputs.size();
    Tensor combined;
    auto and_with = [&](const Tensor& m) { combined = combined.defined() ? combined * m : m; };
    const Tensor& query_mask = ctx.input_mask(0);
    if (query_mask.defined()) {
      std::vector<int64_t> d = query_mask.dims();
      d.push_back(1);
      and_with(attention_ops::as_bool(query_mask).reshape(d));
    }
    for (size_t i : {size_t{1}, size_t{2}}) {
      const Tensor& m = ctx.input_mask(i);
      if (!m.defined() || i >= n || (i == 2 && n < 3)) continue;
      std::vector<int64_t> d = m.dims();
      attention_ops::expand_dims(d, -2);
      and_with(attention_ops::as_bool(m).reshape(d));
    }
    if (ctx.flag("use_causal_mask")) and_with(attention_ops::causal_mask(ctx.inputs[0].dim(1), ctx.inputs[1].dim(1)));
    if (n == 4) {
      const Tensor given = attention_ops::as_bool(ctx.inputs[3]);
      combined = combined.defined() ? given * combined : given;
    }
    if (!combined.defined()) return {};
    std::vector<int64_t> d = combined.dims();
    if (!expand_like_keras(d, z.scores.size(), layout_.attention.size()) ||
        !attention_ops::broadcasts_to(Shape::of(d).dims(), Shape::of(z.scores).dims()))
      throw ValueError("The masks of layer \"" + name() + "\" (the inputs' Keras masks, the causal mask and the "
                       "attention_mask, combined: " + to_string(Shape::of(combined.dims())) +
                           ") do not broadcast to the attention scores' shape " + to_string(Shape::of(z.scores)) + ".",
                       {.layer = name(), .received = to_string(Shape::of(combined.dims())),
                        .hint = "Keras's masks and use_causal_mask apply to (batch, timesteps, features) inputs with "
                                "one attention axis; for other layouts pass one attention_mask of the scores' shape."});
    return attention_ops::broadcast_to(combined.reshape(d), z.scores);
  }

  Tensor sub_forward(const Layer& l, const Tensor& x, CallContext& ctx, Child which) {
    CallContext& c = ctx.children[which];
    c.training = ctx.training;
    c.inputs = {x};
    c.outputs = l.impl()->forward(c);
    if (const auto& reg = l.impl()->activity_regularizer()) ctx.added_loss += reg->penalty(c.outputs.at(0));
    return c.outputs.at(0);
  }

  Tensor sub_backward(const Layer& l, const Tensor& g, CallContext& ctx, Child which, bool need_input) {
    CallContext& c = ctx.children[which];
    c.needs_input_grad = {need_input};
    Tensor grad = g;
    if (const auto& reg = l.impl()->activity_regularizer()) {
      grad = g.copy();
      reg->add_gradient(c.outputs.at(0), grad);
    }
    std::vector<Tensor> d = l.impl()->backward(c, {grad});
    return need_input && !d.empty() ? d[0] : Tensor();
  }

  bool grouped_ = false;  // GroupedQueryAttention
  int num_heads_ = 0, kv_heads_ = 0, key_dim_ = 0, value_dim_ = 0;
  double rate_ = 0.0;
  bool use_bias_ = true, flash_ = false;
  std::optional<Shape> output_shape_;
  std::optional<std::vector<int64_t>> given_axes_;
  std::vector<int> attention_axes_;
  Layout layout_;  // fixed by build, with the inputs' rank
  std::optional<int> seed_;
  kw::Kwargs sublayer_kwargs_;
  Layer query_, key_, value_, output_, dropout_;
};

MultiHeadAttentionImpl& impl_of(const Layer& l) { return static_cast<MultiHeadAttentionImpl&>(*l.impl()); }

template <class T>
std::vector<T> call_inputs(const T& query, const T& value, const AttentionCallArgs<T>& args) {
  std::vector<T> in{query, value};
  if (args.key || args.attention_mask) in.push_back(args.key ? *args.key : value);
  if (args.attention_mask) in.push_back(*args.attention_mask);
  return in;
}

}  // namespace mha
}  // namespace


namespace attention_detail {
std::shared_ptr<LayerImpl> make_multi_head_attention(const std::string& class_name, const kw::Kwargs& kwargs) {
  return std::make_shared<mha::MultiHeadAttentionImpl>(class_name, kwargs);
}
}  // namespace attention_detail

MultiHeadAttention::MultiHeadAttention(const kw::Kwargs& kwargs)
    : QueryValueAttentionLayer(attention_detail::make_multi_head_attention("MultiHeadAttention", kwargs)) {}

std::vector<KerasTensor> QueryValueAttentionLayer::call(const KerasTensor& query, const KerasTensor& value,
                                                        const AttentionCallArgs<KerasTensor>& args) const {
  return impl_->call_symbolic(mha::call_inputs(query, value, args), args.flags);
}

std::vector<Tensor> QueryValueAttentionLayer::call(const Tensor& query, const Tensor& value,
                                                   const AttentionCallArgs<Tensor>& args) const {
  return impl_->call_eager(mha::call_inputs(query, value, args), args.training, {}, nullptr, args.flags);
}

Layer MultiHeadAttention::query_dense() const { return mha::impl_of(*this).query_dense(); }
Layer MultiHeadAttention::key_dense() const { return mha::impl_of(*this).key_dense(); }
Layer MultiHeadAttention::value_dense() const { return mha::impl_of(*this).value_dense(); }
Layer MultiHeadAttention::output_dense() const { return mha::impl_of(*this).output_dense(); }

KERAS_REGISTER_LAYER(MultiHeadAttention)

}  // namespace keras::layers

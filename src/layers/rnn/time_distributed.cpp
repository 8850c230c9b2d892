#include "keras/layers/rnn/time_distributed.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/core/wrapper.hpp"

namespace keras::layers {

namespace {

std::vector<int64_t> joined(std::vector<int64_t> head, const std::vector<int64_t>& d, size_t from) {
  head.insert(head.end(), d.begin() + static_cast<std::ptrdiff_t>(from), d.end());
  return head;
}

std::shared_ptr<LayerImpl> time_distributed_inner(const Layer& inner) {
  if (!inner.impl())
    throw ValueError("Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: None",
                     {.hint = "wrap a layer object: TimeDistributed(layers::Dense(8))."});
  return inner.impl();
}

class TimeDistributedImpl : public detail::WrapperImpl {
 public:
  TimeDistributedImpl(const Layer& inner, const kw::Kwargs& k)
      : WrapperImpl("TimeDistributed", time_distributed_inner(inner), k) {
    if (inner_->activity_regularizer())
      throw ValueError("keraspp does not apply the activity_regularizer of a layer wrapped in TimeDistributed yet "
                       "(layer \"" + inner_->name() + "\").",
                       {.layer = name(), .received = "activity_regularizer",
                        .hint = "put layers::ActivityRegularization(l1, l2) after the TimeDistributed layer instead."});
  }

  // Keras 3's TimeDistributed keeps supports_masking = True and the default compute_mask: the input's
  // (batch, time) mask is the output's.
  bool supports_masking() const override { return true; }

  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    if (shapes.empty()) return;
    inner_->check_input_compatibility({child_shape(shapes[0], producers)}, producers);
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) override {
    const Shape& s = shapes.at(0);
    std::vector<Shape> inner_out = inner_->compute_output_shapes({child_shape(s, {})});
    if (inner_out.size() != 1)
      throw ValueError("`TimeDistributed` can only wrap a layer with a single output; layer \"" + inner_->name() +
                           "\" has " + std::to_string(inner_out.size()) + ".",
                       {.layer = name(), .hint = "apply a multi-output layer to each timestep in a functional "
                                                 "model instead."});
    const Shape& c = inner_out[0];
    Shape out{c[0], s[1]};
    for (int i = 1; i < c.ndim(); ++i) out.push_back(c[i]);
    return {out};
  }

  void build(const std::vector<Shape>& shapes) override { inner_->check_and_build({child_shape(shapes.at(0), {})}); }

  // One call of the wrapped layer on (batch * time, ...): the time axis folds into the batch axis, a view.
  std::vector<Tensor> forward(CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const int64_t batch = x.dim(0), steps = x.dim(1);
    ctx.children.assign(1, CallContext{});
    CallContext& c = ctx.children[0];
    c.training = ctx.training;
    c.inputs = {x.reshape(joined({batch * steps}, x.dims(), 2))};
    if (const Tensor& m = ctx.input_mask(0); m.defined()) {
      if (m.ndim() < 2 || m.dim(0) != batch || m.dim(1) != steps)
        throw ValueError("`TimeDistributed` Layer should be passed a `mask` of shape (" + std::to_string(batch) +
                             ", " + std::to_string(steps) + ", ...), received: mask.shape=" + to_string(m.shape()),
                         {.layer = name(), .expected = "(" + std::to_string(batch) + ", " + std::to_string(steps) +
                                                       ", ...)",
                          .received = to_string(m.shape()),
                          .hint = "the mask needs the input's batch and time axes."});
      // A (batch, time) mask says nothing within a timestep; a finer one goes to the wrapped layer per slice.
      if (m.ndim() > 2) {
        Tensor inner_mask = m.reshape(joined({batch * steps}, m.dims(), 2));
        inner_mask.set_dtype(m.dtype());
        c.input_masks = {inner_mask};
      }
    }
    c.outputs = inner_->forward(c);
    const Tensor& y = c.outputs.at(0);
    return {y.reshape(joined({batch, steps}, y.dims(), 1))};
  }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override {
    CallContext& c = ctx.children.at(0);
    c.needs_input_grad = {ctx.input_needs_grad(0)};
    c.grad_wrt_preactivation = ctx.grad_wrt_preactivation;
    std::vector<Tensor> g = inner_->backward(c, {output_grads.at(0).reshape(c.outputs.at(0).dims())});
    if (g.empty() || !g[0].defined() || !ctx.input_needs_grad(0)) return {Tensor()};
    return {g[0].reshape(ctx.inputs.at(0).dims())};
  }

  // A loss may take over the wrapped layer's activation (TimeDistributed(Dense(10, softmax)) + cross-entropy).
  Tensor preactivation(const CallContext& ctx) const override {
    if (ctx.children.empty()) return {};
    Tensor z = inner_->preactivation(ctx.children[0]);
    if (!z.defined()) return z;
    const Tensor& x = ctx.inputs.at(0);
    return z.reshape(joined({x.dim(0), x.dim(1)}, z.dims(), 1));
  }

  std::vector<VariablePtr> variables() const override { return inner_->variables(); }

 private:
  // Keras's _get_child_input_shape: (batch, time, ...) -> (batch, ...).
  Shape child_shape(const Shape& s, const std::vector<std::pair<std::string, std::string>>& producers) const {
    if (s.ndim() < 3) {
      std::string from = producers.empty() || producers[0].first.empty()
                             ? "the input"
                             : "the previous layer \"" + producers[0].first + "\"";
      throw ValueError(
          "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: " +
              to_string(s),
          {.layer = name(), .expected = "at least 3 dimensions (batch, time, ...)", .received = to_string(s),
           .hint = "layer \"" + name() + "\" applies \"" + inner_->name() + "\" to each step of a (batch, time, ...) "
                   "input, but " + from + " gives " + to_string(s) + " with no time axis: use \"" +
                   inner_->name() + "\" without TimeDistributed, or give the input a time axis (return_sequences="
                   "true on the recurrent layer before it, or RepeatVector)."});
    }
    Shape c{s[0]};
    for (int i = 2; i < s.ndim(); ++i) c.push_back(s[i]);
    return c;
  }
};

}  // namespace

TimeDistributed::TimeDistributed(const Layer& layer, const kw::Kwargs& kwargs)
    : Layer(std::make_shared<TimeDistributedImpl>(layer, kwargs)) {}

TimeDistributed::TimeDistributed(const kw::Kwargs& kwargs)
    : TimeDistributed(detail::wrapped_layer_argument(kwargs, "TimeDistributed", "TimeDistributed(layers::Dense(8))"),
                      kwargs) {}

Layer TimeDistributed::layer() const { return Layer(static_cast<const TimeDistributedImpl&>(*impl_).inner()); }

KERAS_REGISTER_LAYER(TimeDistributed)

}  // namespace keras::layers

#include "keras/layers/rnn/stacked_rnn_cells.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace {

using rnn_detail::RnnBase;

// One timestep through every cell in turn: inputs x then each cell's states, outputs the last cell's output then
// each cell's new states.
class StackedRNNCellsImpl : public LayerImpl {
 public:
  StackedRNNCellsImpl(std::vector<Layer> cells, const kw::Kwargs& k) : LayerImpl("StackedRNNCells", k) {
    if (cells.empty())
      throw ValueError("StackedRNNCells needs at least one cell. Received: cells=[]",
                       {.layer = name(), .hint = "give the cells to stack: StackedRNNCells({LSTMCell(64), "
                                                 "LSTMCell(32)})."});
    for (const Layer& c : cells) {
      RnnBase* cell = c.impl() ? rnn_detail::as_rnn(c) : nullptr;
      if (!cell || !cell->is_cell())
        throw ValueError("All cells must have a `state_size` attribute. Received cell without a `state_size`: " +
                             rnn_detail::object_repr(c),
                         {.layer = name(), .received = c.impl() ? c.class_name() : "None",
                          .hint = "StackedRNNCells stacks RNN cells: SimpleRNNCell, LSTMCell or GRUCell."});
      cells_.push_back(std::static_pointer_cast<RnnBase>(c.impl()));
    }
    config_.set("cells", cells);
    input_spec = {InputSpec{.ndim = 2}};
  }

  const std::vector<std::shared_ptr<RnnBase>>& cells() const { return cells_; }

  int expected_inputs() const override { return -1; }
  std::vector<VariablePtr> variables() const override {
    std::vector<VariablePtr> out;
    for (const auto& c : cells_) {
      auto v = c->variables();
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }
  void set_trainable(bool t) override {
    LayerImpl::set_trainable(t);
    for (const auto& c : cells_) c->set_trainable(t);
  }
  double regularization_penalty(bool accumulate_grads) override {
    double total = 0.0;
    for (const auto& c : cells_) total += c->regularization_penalty(accumulate_grads);
    return total;
  }

  int total_states() const {
    int n = 0;
    for (const auto& c : cells_) n += c->n_states();
    return n;
  }

  void check_input_compatibility(const std::vector<Shape>& in,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    LayerImpl::check_input_compatibility(in, producers);
    const int got = static_cast<int>(in.size()) - 1, n = total_states();
    if (got == n || got == 0) return;  // no states: zeros, as for one cell
    throw ValueError("Layer has " + std::to_string(n) + " states but was passed " + std::to_string(got) +
                         " initial states.",
                     {.layer = name(), .expected = std::to_string(n) + " states", .received = std::to_string(got),
                      .hint = "pass x and then every cell's states in order (an LSTMCell has h and c, the others "
                              "h), each of shape (batch, that cell's units)."});
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& in) override {
    const Dim batch = in.at(0)[0];
    std::vector<Shape> out{Shape{batch, Dim(cells_.back()->units())}};
    for (const auto& c : cells_)
      for (int k = 0; k < c->n_states(); ++k) out.push_back(Shape{batch, Dim(c->units())});
    return out;
  }

  void build(const std::vector<Shape>& in) override {
    Shape x = in.at(0);
    for (const auto& c : cells_) {
      if (!c->built()) c->check_and_build({x});
      x = Shape{x[0], Dim(c->units())};
    }
  }

  std::vector<Tensor> forward(CallContext& ctx) override { return rnn_detail::chain_forward(cells_, ctx, {}); }
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& g) override {
    return rnn_detail::chain_backward(cells_, ctx, g);
  }

 private:
  std::vector<std::shared_ptr<RnnBase>> cells_;
};

kw::Kwargs without_cells(const kw::Kwargs& k) {
  kw::Kwargs out = k;
  out.erase("cells");
  return out;
}

std::vector<Layer> cells_from(const kw::Kwargs& k) {
  auto c = k.get<std::vector<Layer>>("cells");
  if (!c) throw TypeError("StackedRNNCells.__init__() missing 1 required positional argument: 'cells'");
  return *c;
}

}  // namespace

namespace rnn_detail {

std::vector<Tensor> chain_forward(const std::vector<std::shared_ptr<RnnBase>>& layers, CallContext& ctx,
                                  const std::vector<Tensor>& masks) {
  ctx.children.assign(layers.size(), CallContext());
  Tensor y = ctx.inputs.at(0);
  std::vector<Tensor> more;
  size_t at = 1;
  for (size_t i = 0; i < layers.size(); ++i) {
    CallContext& c = ctx.children[i];
    c.training = ctx.training;
    c.inputs = {y};
    for (int k = 0; k < layers[i]->n_states() && at < ctx.inputs.size(); ++k) c.inputs.push_back(ctx.inputs[at++]);
    if (!masks.empty()) c.input_masks = {masks[i]};
    c.outputs = layers[i]->forward(c);
    y = c.outputs[0];
    more.insert(more.end(), c.outputs.begin() + 1, c.outputs.end());
  }
  std::vector<Tensor> out{y};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

std::vector<Tensor> chain_backward(const std::vector<std::shared_ptr<RnnBase>>& layers, CallContext& ctx,
                                   const std::vector<Tensor>& g) {
  // Where each layer's further outputs and given states start among the call's outputs and inputs.
  std::vector<size_t> first_out(layers.size()), first_in(layers.size());
  size_t out_at = 1, in_at = 1;
  for (size_t i = 0; i < layers.size(); ++i) {
    first_out[i] = out_at;
    out_at += ctx.children[i].outputs.size() - 1;
    first_in[i] = in_at;
    in_at += ctx.children[i].inputs.size() - 1;
  }
  std::vector<Tensor> in_grads(ctx.inputs.size());
  Tensor gy = g.empty() ? Tensor() : g[0];
  for (size_t i = layers.size(); i-- > 0;) {
    CallContext& c = ctx.children[i];
    std::vector<Tensor> grads{gy};
    for (size_t k = 1; k < c.outputs.size(); ++k) {
      const size_t idx = first_out[i] + k - 1;
      grads.push_back(idx < g.size() ? g[idx] : Tensor());
    }
    c.needs_input_grad.assign(c.inputs.size(), true);
    if (i == 0 && !ctx.input_needs_grad(0)) c.needs_input_grad[0] = false;
    std::vector<Tensor> gi = layers[i]->backward(c, grads);
    gy = gi.at(0);
    for (size_t k = 1; k < gi.size(); ++k) in_grads[first_in[i] + k - 1] = gi[k];
  }
  in_grads[0] = gy;
  return in_grads;
}

std::vector<std::shared_ptr<RnnBase>> stacked_cells(const LayerImpl& layer) {
  auto* s = dynamic_cast<const StackedRNNCellsImpl*>(&layer);
  return s ? s->cells() : std::vector<std::shared_ptr<RnnBase>>{};
}
}  // namespace rnn_detail

StackedRNNCells::StackedRNNCells(std::vector<Layer> cells, const kw::Kwargs& kwargs)
    : Layer(std::make_shared<StackedRNNCellsImpl>(std::move(cells), kwargs)) {}
StackedRNNCells::StackedRNNCells(const kw::Kwargs& kwargs)
    : StackedRNNCells(cells_from(kwargs), without_cells(kwargs)) {}

std::vector<Layer> StackedRNNCells::cells() const {
  std::vector<Layer> out;
  for (const auto& c : static_cast<const StackedRNNCellsImpl&>(*impl_).cells()) out.push_back(Layer(c));
  return out;
}

KERAS_REGISTER_LAYER(StackedRNNCells)

}  // namespace keras::layers

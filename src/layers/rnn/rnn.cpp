#include "keras/layers/rnn/rnn.hpp"

#include <cstring>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace rnn_detail {

namespace {

// Keywords of Layer.__init__, which a cell's config holds for the cell itself and not for the RNN that runs it.
bool is_base_keyword(const std::string& k) {
  return k == "name" || k == "trainable" || k == "dtype" || k == "input_shape" || k == "batch_input_shape" ||
         k == "input_dim" || k == "batch_size" || k == "activity_regularizer";
}

// The RNN's keywords, then the cell's own (units, activation, dropout, ...).
kw::Kwargs merged_keywords(const RnnBase& cell, const kw::Kwargs& rnn) {
  kw::Kwargs k = rnn;
  k.erase("cell");
  const kw::Kwargs& own = cell.config();
  for (const std::string& key : own.keys())
    if (!is_base_keyword(key)) k.copy_from(own, key);
  return k;
}

}  // namespace

std::shared_ptr<RnnBase> sequence_layer_for(const std::shared_ptr<RnnBase>& cell, const kw::Kwargs& kwargs,
                                            kw::Kwargs config) {
  const kw::Kwargs k = merged_keywords(*cell, kwargs);
  const std::string& cls = cell->class_name();
  std::shared_ptr<RnnBase> layer = cls == "LSTMCell" ? make_lstm("RNN", k)
                                   : cls == "GRUCell" ? make_gru("RNN", k)
                                                      : make_simple_rnn("RNN", k);
  layer->run_weights_of(cell, std::move(config));
  return layer;
}

std::string object_repr(const Layer& l) {
  if (!l.impl()) return "None";
  return "<" + l.class_name() + " name=" + l.name() + ", built=" + (l.built() ? "True" : "False") + ">";
}

kw::Kwargs with_fresh_cell(kw::Kwargs config) {
  auto cell = config.get<Layer>("cell");
  if (!cell || !cell->impl()) return config;
  if (cell->class_name() == "StackedRNNCells") {
    std::vector<Layer> fresh;
    for (const auto& c : stacked_cells(*cell->impl())) fresh.push_back(from_config(c->class_name(), c->config()));
    config.set("cell", Layer(StackedRNNCells(fresh, cell->impl()->config())));
  } else {
    config.set("cell", from_config(cell->class_name(), cell->impl()->config()));
  }
  return config;
}

}  // namespace rnn_detail

namespace {

using rnn_detail::flip_time;
using rnn_detail::RnnBase;

// RNN(StackedRNNCells): one sequence layer per cell, each running its cell's variables, the first over the input and
// each next one over the sequence the one before returns. At every timestep this is what the stacked cells compute
// (a masked step is skipped by all of them); with go_backwards the first layer reverses time and the others run in
// its order.
class StackedRnnImpl : public LayerImpl, public rnn_detail::SequenceLayer {
 public:
  StackedRnnImpl(const Layer& stacked, const kw::Kwargs& k) : LayerImpl("RNN", k) {
    const auto cells = rnn_detail::stacked_cells(*stacked.impl());
    stacked_ = stacked.impl();
    const bool return_sequences = k.get_or("return_sequences", false), go_backwards = k.get_or("go_backwards", false);
    for (size_t i = 0; i < cells.size(); ++i) {
      const bool last = i + 1 == cells.size();
      kw::Kwargs r = k;
      r.set("name", name());
      r.set("return_sequences", last ? return_sequences : true);
      r.set("go_backwards", i == 0 && go_backwards);
      r.set("zero_output_for_mask", last && k.get_or("zero_output_for_mask", false));
      r.erase("activity_regularizer");  // the RNN's own output's, applied once to the layer's output
      r.erase("input_shape");
      r.erase("batch_input_shape");
      r.erase("input_dim");
      runners_.push_back(rnn_detail::sequence_layer_for(cells[i], r, r));
    }
    config_.set("cell", stacked);
    input_spec = {InputSpec{.ndim = 3}};
  }

  int expected_inputs() const override { return -1; }
  bool supports_masking() const override { return true; }
  std::vector<VariablePtr> variables() const override { return stacked_->variables(); }
  void set_trainable(bool t) override {
    LayerImpl::set_trainable(t);
    stacked_->set_trainable(t);
  }
  double regularization_penalty(bool accumulate_grads) override {
    double total = 0.0;
    for (const auto& r : runners_) total += r->regularization_penalty(accumulate_grads);
    return total;
  }
  void reset_states() override {
    if (!stateful())
      throw ValueError("Layer must be stateful.",
                       {.layer = name(), .hint = "reset_states() applies to layers made with stateful=true."});
    for (const auto& r : runners_) r->reset_states();
  }
  std::string hint_for(const SpecViolation& v) const override {
    std::string h = rnn_detail::sequence_hint(v, name(), class_name());
    return h.empty() ? LayerImpl::hint_for(v) : h;
  }

  int total_states() const {
    int n = 0;
    for (const auto& r : runners_) n += r->n_states();
    return n;
  }
  // The RNN's own arguments, as its layers were given them: the last returns the sequence, the first reverses time.
  bool return_sequences() const override { return runners_.back()->return_sequences(); }
  bool return_state() const override { return runners_.back()->return_state(); }
  bool go_backwards() const override { return runners_.front()->go_backwards(); }
  bool stateful() const override { return runners_.front()->stateful(); }
  int n_states() const override { return total_states(); }
  void set_zero_output_for_mask(bool z) override { runners_.back()->set_zero_output_for_mask(z); }

  void check_input_compatibility(const std::vector<Shape>& in,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    LayerImpl::check_input_compatibility(in, producers);
    const int got = static_cast<int>(in.size()) - 1, n = total_states();
    if (got == 0) return;
    if (got != n)
      throw ValueError("Layer has " + std::to_string(n) + " states but was passed " + std::to_string(got) +
                           " initial states.",
                       {.layer = name(), .expected = std::to_string(n) + " initial states",
                        .received = std::to_string(got),
                        .hint = "layer \"" + name() + "\" stacks " + std::to_string(runners_.size()) +
                                " cells: pass every cell's states in order (an LSTMCell has h and c, the others h), "
                                "each of shape (batch, that cell's units)."});
    // Each layer checks its own states against the sequence it runs over.
    size_t at = 1;
    Shape x = in[0];
    for (const auto& r : runners_) {
      std::vector<Shape> s{x};
      s.insert(s.end(), in.begin() + at, in.begin() + at + r->n_states());
      r->check_input_compatibility(s, {});
      at += r->n_states();
      x = Shape{x[0], x[1], Dim(r->units())};
    }
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& in) override {
    Shape x = in.at(0);
    std::vector<Shape> states;
    Shape y;
    for (const auto& r : runners_) {
      auto o = r->compute_output_shapes({x});
      y = o[0];
      states.insert(states.end(), o.begin() + 1, o.end());
      x = Shape{x[0], x[1], Dim(r->units())};
    }
    std::vector<Shape> out{y};
    out.insert(out.end(), states.begin(), states.end());
    return out;
  }

  void build(const std::vector<Shape>& in) override {
    const Shape& s = in.at(0);
    if (!stacked_->built()) stacked_->check_and_build({Shape{s[0], s[-1]}});
    Shape x = s;
    for (const auto& r : runners_) {
      r->check_and_build({x});
      x = Shape{x[0], x[1], Dim(r->units())};
    }
  }

  std::vector<Tensor> compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override {
    std::vector<Tensor> out(n_outputs);
    if (return_sequences() && !masks.empty() && n_outputs > 0) out[0] = masks[0];
    return out;
  }

  std::vector<Tensor> forward(CallContext& ctx) override {
    // After the first layer the sequence is in processing order: reversed when going backwards.
    const Tensor& mask = ctx.input_mask(0);
    const bool reversed = go_backwards() && mask.defined();
    std::vector<Tensor> masks(runners_.size(), reversed ? flip_time(mask) : mask);
    masks[0] = mask;
    return rnn_detail::chain_forward(runners_, ctx, masks);
  }
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& g) override {
    return rnn_detail::chain_backward(runners_, ctx, g);
  }

 private:
  std::shared_ptr<LayerImpl> stacked_;
  std::vector<std::shared_ptr<RnnBase>> runners_;
};

std::shared_ptr<LayerImpl> make_rnn(const Layer& cell, const kw::Kwargs& k) {
  kw::Kwargs config = k;
  config.set("cell", cell);
  RnnBase* one = cell.impl() ? rnn_detail::as_rnn(cell) : nullptr;
  if (one && one->is_cell())
    return rnn_detail::sequence_layer_for(std::static_pointer_cast<RnnBase>(cell.impl()), k, config);
  if (cell.impl() && cell.class_name() == "StackedRNNCells") return std::make_shared<StackedRnnImpl>(cell, config);
  throw ValueError("The RNN cell should have a `state_size` attribute (single integer or list of integers, one integer "
                   "per RNN state). Received: cell=" + rnn_detail::object_repr(cell),
                   {.received = cell.impl() ? cell.class_name() : "None",
                    .hint = "RNN runs a cell over timesteps: SimpleRNNCell, LSTMCell, GRUCell, or a list of them. To "
                            "apply a layer to every timestep, use TimeDistributed(layer)."});
}

kw::Kwargs without_cell(const kw::Kwargs& k) {
  kw::Kwargs out = k;
  out.erase("cell");
  return out;
}

Layer cell_from(const kw::Kwargs& k) {
  auto c = k.get<Layer>("cell");
  if (!c) throw TypeError("RNN.__init__() missing 1 required positional argument: 'cell'");
  return *c;
}

}  // namespace

RNN::RNN(const Layer& cell, const kw::Kwargs& kwargs) : RecurrentLayer(make_rnn(cell, kwargs)) {}
RNN::RNN(const kw::Kwargs& kwargs) : RNN(cell_from(kwargs), without_cell(kwargs)) {}

Layer RNN::cell() const { return *impl_->config().get<Layer>("cell"); }

KERAS_REGISTER_LAYER(RNN)

}  // namespace keras::layers

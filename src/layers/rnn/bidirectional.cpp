#include "keras/layers/rnn/bidirectional.hpp"

#include <cstring>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace {

using rnn_detail::flip_time;
using rnn_detail::RnnBase;
using rnn_detail::SequenceLayer;

std::string py_bool(bool b) { return b ? "True" : "False"; }

std::string without_prefix(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

class BidirectionalImpl : public LayerImpl, public rnn_detail::ResettableStates {
 public:
  BidirectionalImpl(const Layer& layer, const kw::Kwargs& k) : LayerImpl("Bidirectional", k) {
    SequenceLayer* seq = layer.impl() ? rnn_detail::as_sequence_layer(layer) : nullptr;
    RnnBase* rnn = layer.impl() ? rnn_detail::as_rnn(layer) : nullptr;
    if (!seq || (rnn && rnn->is_cell()))
      throw ValueError("Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: " +
                           (layer.impl() ? layer.class_name() : std::string("None")),
                       {.layer = name(), .hint = "wrap a recurrent layer: Bidirectional(LSTM(64))."});
    if (layer.impl()->activity_regularizer() ||
        (k.get<Layer>("backward_layer") && k.get<Layer>("backward_layer")->impl() &&
         k.get<Layer>("backward_layer")->impl()->activity_regularizer()))
      throw ValueError("keraspp does not apply the activity_regularizer of a layer wrapped in Bidirectional yet "
                       "(layer \"" + layer.name() + "\").",
                       {.layer = name(), .received = "activity_regularizer",
                        .hint = "put layers::ActivityRegularization(l1, l2) after the Bidirectional layer instead."});
    if (k.is_none("merge_mode")) merge_mode_ = "";
    else merge_mode_ = k.get_or<std::string>("merge_mode", "concat");
    if (merge_mode_ != "" && merge_mode_ != "concat" && merge_mode_ != "sum" && merge_mode_ != "mul" &&
        merge_mode_ != "ave")
      throw ValueError("Invalid merge mode. Received: " + merge_mode_ +
                           ". Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\", None}",
                       {.layer = name(), .received = merge_mode_,
                        .hint = "use merge_mode=\"concat\" (the default), \"sum\", \"mul\", \"ave\" or None."});
    // Keras rebuilds both directions from the layer's config, so the wrapped layer's own state is not shared.
    kw::Kwargs cfg = rnn_detail::with_fresh_cell(layer.impl()->config());
    cfg.set("name", "forward_" + without_prefix(layer.name(), "forward_"));
    forward_ = from_config(layer.class_name(), cfg);
    if (auto b = k.get<Layer>("backward_layer")) {
      if (!b->impl() || !rnn_detail::as_sequence_layer(*b))
        throw ValueError("`backward_layer` need to be a `keras.layers.Layer` instance. Received: " + b->class_name(),
                         {.layer = name(), .hint = "give a recurrent layer with go_backwards=true."});
      backward_ = *b;
    } else {
      cfg = rnn_detail::with_fresh_cell(layer.impl()->config());
      cfg.set("go_backwards", true);
      cfg.set("name", "backward_" + without_prefix(layer.name(), "backward_"));
      backward_ = from_config(layer.class_name(), cfg);
    }
    verify();
    // Keras's get_config writes both directions (serialized forward_layer and backward_layer).
    config_.set("layer", forward_);
    config_.set("backward_layer", backward_);
    // Keras forces zero outputs at masked steps when returning sequences, so the directions merge cleanly.
    fwd().set_zero_output_for_mask(fwd().return_sequences());
    bwd().set_zero_output_for_mask(bwd().return_sequences());
    input_spec = layer.impl()->input_spec;
  }

  Layer forward_layer() const { return forward_; }
  Layer backward_layer() const { return backward_; }

  int expected_inputs() const override { return -1; }
  bool supports_masking() const override { return true; }
  std::vector<VariablePtr> variables() const override {
    auto v = forward_.impl()->variables();
    auto b = backward_.impl()->variables();
    v.insert(v.end(), b.begin(), b.end());
    return v;
  }
  void set_trainable(bool t) override {
    LayerImpl::set_trainable(t);
    forward_.impl()->set_trainable(t);
    backward_.impl()->set_trainable(t);
  }
  double regularization_penalty(bool accumulate_grads) override {
    return forward_.impl()->regularization_penalty(accumulate_grads) +
           backward_.impl()->regularization_penalty(accumulate_grads);
  }
  void reset_states() override {
    if (!fwd().stateful())
      throw ValueError("Layer must be stateful.",
                       {.layer = name(), .hint = "reset_states() applies to layers made with stateful=true."});
    fwd().reset_states();
    bwd().reset_states();
  }
  std::string hint_for(const SpecViolation& v) const override {
    // ConvLSTM's hints are about its own data layout ((batch, time, rows, cols, channels) ...).
    if (!rnn_detail::as_rnn(forward_)) return forward_.impl()->hint_for(v);
    std::string h = rnn_detail::sequence_hint(v, name(), class_name());
    return h.empty() ? LayerImpl::hint_for(v) : h;
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& in) override {
    auto f = forward_.impl()->compute_output_shapes({in.at(0)});
    Shape y = f[0];
    std::vector<Shape> out;
    if (merge_mode_ == "concat") y[-1] = Dim(y[-1].value() * 2);
    out.push_back(y);
    if (merge_mode_.empty()) out.push_back(y);
    for (int rep = 0; rep < 2; ++rep) out.insert(out.end(), f.begin() + 1, f.end());
    return out;
  }

  // initial_state holds the forward layer's states, then the backward layer's: Keras splits the list in halves.
  void check_input_compatibility(const std::vector<Shape>& in,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    LayerImpl::check_input_compatibility(in, producers);
    const size_t n = fwd().n_states(), got = in.size() - 1;
    if (got == 0 || got == 2 * n) return;
    std::string shapes = "[";
    for (size_t i = 1; i < in.size(); ++i) shapes += (i > 1 ? ", " : "") + to_string(in[i]);
    shapes += "]";
    // One cell: name its states (h, or h and c); stacked cells: every cell's states, in order.
    const bool one_cell = rnn_detail::as_rnn(forward_) || forward_.class_name().rfind("ConvLSTM", 0) == 0;
    const std::string list = !one_cell ? "the forward layer's " + std::to_string(n) + " states (every cell's, in order)"
                             : n == 2  ? "{h_fwd, c_fwd, h_bwd, c_bwd}, the forward layer's (h, c)"
                                       : "{h_fwd, h_bwd}, the forward layer's (h)";
    const ErrorDetails details{
        .layer = name(), .expected = std::to_string(2 * n) + " initial states", .received = std::to_string(got),
        .hint = "layer \"" + name() + "\" (Bidirectional of " + forward_.class_name() + ") has " +
                std::to_string(2 * n) + " states: pass initial_state=" + list + " then the backward layer's."};
    // Keras 3 splits any list in halves and lets the sublayers fail; these are tf.keras's messages.
    if (got % 2)
      throw ValueError("When passing `initial_state` to a Bidirectional RNN, the state should be a list containing "
                       "the states of the underlying RNNs. Received: " + shapes, details);
    throw ValueError("Layer has " + std::to_string(2 * n) + " states but was passed " + std::to_string(got) +
                         " initial states. Received: initial_state=" + shapes,
                     details);
  }

  void build(const std::vector<Shape>& in) override {
    forward_.impl()->check_and_build(split(in, 0));
    backward_.impl()->check_and_build(split(in, 1));
  }

  std::vector<Tensor> compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override {
    std::vector<Tensor> out(n_outputs);
    if (fwd().return_sequences() && !masks.empty()) {
      out[0] = masks[0];
      if (merge_mode_.empty() && n_outputs > 1) out[1] = masks[0];
    }
    return out;
  }

  std::vector<Tensor> forward(CallContext& ctx) override {
    ctx.children.assign(2, CallContext());
    std::vector<Tensor> y[2];
    for (int d = 0; d < 2; ++d) {
      CallContext& c = ctx.children[d];
      c.training = ctx.training;
      c.inputs = split(ctx.inputs, d);
      c.input_masks = {ctx.input_mask(0)};
      c.outputs = (d ? backward_ : forward_).impl()->forward(c);
      y[d] = c.outputs;
    }
    const bool seq = fwd().return_sequences();
    Tensor yf = y[0][0], yb = seq ? flip_time(y[1][0]) : y[1][0];
    std::vector<Tensor> out;
    if (merge_mode_ == "concat") {
      const int64_t rows = yf.size() / yf.dim(-1), F = yf.dim(-1);
      std::vector<int64_t> dims = yf.dims();
      dims.back() = 2 * F;
      Tensor m = Tensor::empty(dims);
      for (int64_t r = 0; r < rows; ++r) {
        std::memcpy(m.data() + r * 2 * F, yf.data() + r * F, sizeof(float) * F);
        std::memcpy(m.data() + r * 2 * F + F, yb.data() + r * F, sizeof(float) * F);
      }
      out.push_back(m);
    } else if (merge_mode_ == "sum") {
      out.push_back(yf + yb);
    } else if (merge_mode_ == "ave") {
      out.push_back((yf + yb) * 0.5f);
    } else if (merge_mode_ == "mul") {
      out.push_back(yf * yb);
    } else {
      out.push_back(yf);
      out.push_back(yb);
    }
    for (int d = 0; d < 2; ++d) out.insert(out.end(), y[d].begin() + 1, y[d].end());
    return out;
  }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& g) override {
    const bool seq = fwd().return_sequences();
    const size_t n_merged = merge_mode_.empty() ? 2 : 1;
    const Tensor& yf = ctx.children[0].outputs[0];
    const Tensor& yb_raw = ctx.children[1].outputs[0];
    Tensor gf, gb;  // gradients of yf and of the flipped-back yb
    const Tensor g0 = g.empty() ? Tensor() : g[0];
    if (merge_mode_.empty()) {
      gf = g0;
      gb = g.size() > 1 ? g[1] : Tensor();
    } else if (g0.defined()) {
      if (merge_mode_ == "concat") {
        const int64_t F = yf.dim(-1), rows = yf.size() / F;
        gf = Tensor::empty(yf.dims());
        gb = Tensor::empty(yf.dims());
        for (int64_t r = 0; r < rows; ++r) {
          std::memcpy(gf.data() + r * F, g0.data() + r * 2 * F, sizeof(float) * F);
          std::memcpy(gb.data() + r * F, g0.data() + r * 2 * F + F, sizeof(float) * F);
        }
      } else if (merge_mode_ == "sum") {
        gf = g0;
        gb = g0;
      } else if (merge_mode_ == "ave") {
        gf = g0 * 0.5f;
        gb = gf;
      } else {  // mul
        gf = g0 * (seq ? flip_time(yb_raw) : yb_raw);
        gb = g0 * yf;
      }
    }
    if (seq && gb.defined()) gb = flip_time(gb);
    const size_t n = fwd().n_states();
    std::vector<Tensor> in_grads(ctx.inputs.size());
    for (int d = 0; d < 2; ++d) {
      std::vector<Tensor> grads{d ? gb : gf};
      for (size_t k = 0; k < n; ++k) {
        const size_t idx = n_merged + d * n + k;
        grads.push_back(idx < g.size() ? g[idx] : Tensor());
      }
      CallContext& c = ctx.children[d];
      c.needs_input_grad.assign(c.inputs.size(), true);
      if (!ctx.input_needs_grad(0)) c.needs_input_grad[0] = false;
      auto gi = (d ? backward_ : forward_).impl()->backward(c, grads);
      if (gi[0].defined()) {
        if (in_grads[0].defined()) in_grads[0] += gi[0];
        else in_grads[0] = gi[0];
      }
      for (size_t k = 1; k < gi.size(); ++k) in_grads[d * n + k] = gi[k];
    }
    return in_grads;
  }

 private:
  SequenceLayer& fwd() const { return *rnn_detail::as_sequence_layer(forward_); }
  SequenceLayer& bwd() const { return *rnn_detail::as_sequence_layer(backward_); }

  // The inputs of direction d: the sequence, then its half of the initial states.
  template <class T>
  std::vector<T> split(const std::vector<T>& in, int d) const {
    std::vector<T> out{in.at(0)};
    if (in.size() > 1) {
      const size_t n = (in.size() - 1) / 2;
      out.insert(out.end(), in.begin() + 1 + d * n, in.begin() + 1 + (d + 1) * n);
    }
    return out;
  }

  void verify() const {
    if (fwd().go_backwards() == bwd().go_backwards())
      throw ValueError("Forward layer and backward layer should have different `go_backwards` value. Received: "
                       "forward_layer.go_backwards " + py_bool(fwd().go_backwards()) +
                           ", backward_layer.go_backwards=" + py_bool(bwd().go_backwards()),
                       {.layer = name(), .hint = "give the backward layer go_backwards=true."});
    auto same = [&](const char* attr, bool f, bool b) {
      if (f != b)
        throw ValueError(std::string("Forward layer and backward layer are expected to have the same value for "
                                     "attribute \"") + attr + "\", got \"" + py_bool(f) +
                             "\" for forward layer and \"" + py_bool(b) + "\" for backward layer",
                         {.layer = name(), .hint = std::string("give both layers the same ") + attr + "."});
    };
    same("stateful", fwd().stateful(), bwd().stateful());
    same("return_sequences", fwd().return_sequences(), bwd().return_sequences());
    same("return_state", fwd().return_state(), bwd().return_state());
  }

  std::string merge_mode_;  // "" for None
  Layer forward_, backward_;
};

kw::Kwargs with_layer_removed(const kw::Kwargs& k) {
  kw::Kwargs out = k;
  out.erase("layer");
  return out;
}

Layer layer_from(const kw::Kwargs& k) {
  auto l = k.get<Layer>("layer");
  if (!l) throw TypeError("Bidirectional.__init__() missing 1 required positional argument: 'layer'");
  return *l;
}

}  // namespace

Bidirectional::Bidirectional(const Layer& layer, const kw::Kwargs& kwargs)
    : RecurrentLayer(std::make_shared<BidirectionalImpl>(layer, kwargs)) {}
Bidirectional::Bidirectional(const kw::Kwargs& kwargs)
    : Bidirectional(layer_from(kwargs), with_layer_removed(kwargs)) {}

Layer Bidirectional::forward_layer() const { return static_cast<BidirectionalImpl&>(*impl_).forward_layer(); }
Layer Bidirectional::backward_layer() const { return static_cast<BidirectionalImpl&>(*impl_).backward_layer(); }

KERAS_REGISTER_LAYER(Bidirectional)

}  // namespace keras::layers

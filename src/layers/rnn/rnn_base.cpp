#include "layers/rnn/rnn_base.hpp"

#include <algorithm>
#include <cstring>

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/random/random.hpp"

namespace keras::layers {

namespace rnn_detail {

namespace {

bool is_recurrent_class(const std::string& c) {
  return c == "LSTM" || c == "GRU" || c == "SimpleRNN" || c == "Bidirectional" || c == "RNN";
}

}  // namespace

RnnBase::RnnBase(std::string class_name, const kw::Kwargs& k, int gates, int n_states)
    : LayerImpl(std::move(class_name), k), SingleSequenceLayer(k), gates_(gates), n_states_(n_states) {
  auto u = k.get<int>("units");
  if (!u)
    throw TypeError(this->class_name() + ".__init__() missing 1 required positional argument: 'units'",
                    {.layer = name(), .hint = "give the number of units: " + this->class_name() + "(32)."});
  if (*u <= 0)
    throw ValueError("Received an invalid value for argument `units`, expected a positive integer, got " +
                         std::to_string(*u) + ".",
                     {.layer = name(), .expected = "units > 0", .received = std::to_string(*u),
                      .hint = "units is the size of the state and output: use a positive number such as " +
                              this->class_name() + "(32)."});
  units_ = *u;
  activation_ = activation_keyword(k, "activation", "tanh");
  recurrent_activation_ = activation_keyword(k, "recurrent_activation", "sigmoid");
  use_bias_ = k.get_or("use_bias", true);
  kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
  recurrent_init_ = k.get_or<InitializerArg>("recurrent_initializer", "orthogonal");
  bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
  initializers::get(kernel_init_);
  initializers::get(recurrent_init_);
  initializers::get(bias_init_);
  kernel_reg_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
  recurrent_reg_ = regularizers::get(k.get_or<RegularizerArg>("recurrent_regularizer", {}));
  bias_reg_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
  input_spec = {InputSpec{.ndim = 3}};
  cell_mode_ = this->class_name().ends_with("Cell");
  if (cell_mode_) {
    // One step that returns the output and the states, as a cell's call does.
    opt_.return_sequences = false;
    opt_.return_state = true;
    input_spec = {InputSpec{.ndim = 2}};
  }
}

void RnnBase::run_weights_of(std::shared_ptr<RnnBase> cell, kw::Kwargs config) {
  weights_cell_ = std::move(cell);
  config_ = std::move(config);
}

std::vector<VariablePtr> RnnBase::variables() const {
  return weights_cell_ ? weights_cell_->variables() : LayerImpl::variables();
}

void RnnBase::set_trainable(bool t) {
  LayerImpl::set_trainable(t);
  if (weights_cell_) weights_cell_->set_trainable(t);  // Keras: rnn.trainable = False freezes its cell
}

std::vector<Tensor> RnnBase::forward(CallContext& ctx) {
  if (!cell_mode_) return forward_sequence(ctx);
  // A cell's step is a sequence of one timestep.
  ctx.children.assign(1, CallContext());
  CallContext& c = ctx.children[0];
  c.training = ctx.training;
  c.inputs = ctx.inputs;
  const Tensor& x = ctx.inputs.at(0);
  c.inputs[0] = x.reshape({x.dim(0), 1, x.dim(1)});
  return forward_sequence(c);
}

std::vector<Tensor> RnnBase::backward(CallContext& ctx, const std::vector<Tensor>& grads) {
  if (!cell_mode_) return backward_sequence(ctx, grads);
  CallContext& c = ctx.children.at(0);
  c.needs_input_grad = ctx.needs_input_grad;
  std::vector<Tensor> g = backward_sequence(c, grads);
  if (!g.empty() && g[0].defined()) g[0] = g[0].reshape(ctx.inputs.at(0).dims());
  return g;
}

Tensor RnnBase::initial_bias() const { return (*initializers::get(bias_init_))(bias_shape()); }

std::string sequence_hint(const SpecViolation& v, const std::string& name, const std::string& class_name) {
  if (v.kind != SpecViolation::Kind::ndim || v.input_index != 0 || v.received.ndim() != 2) return "";
  if (is_recurrent_class(v.producer_class))
    return "the previous layer \"" + v.producer + "\" (" + v.producer_class + ") returns only its last output " +
           to_string(v.received) + "; set return_sequences=true on it so that it returns the whole sequence "
           "(batch, timesteps, units) for layer \"" + name + "\".";
  std::string from = v.producer.empty() ? "the data" : "the previous layer \"" + v.producer + "\"";
  return "layer \"" + name + "\" (" + class_name + ") takes sequences of shape (samples, timesteps, features), but " +
         from + " gives " + to_string(v.received) +
         ": put RepeatVector(timesteps) before it to repeat a vector over timesteps, or reshape the data to "
         "(samples, timesteps, features).";
}

std::string RnnBase::hint_for(const SpecViolation& v) const {
  if (cell_mode_ && v.kind == SpecViolation::Kind::ndim && v.input_index == 0 && v.received.ndim() == 3)
    return "layer \"" + name() + "\" (" + class_name() +
           ") is one timestep: it takes (batch, features) and the states. To run it over sequences (batch, "
           "timesteps, features), wrap it: layers::RNN(" + name() + ").";
  std::string h = sequence_hint(v, name(), class_name());
  return h.empty() ? LayerImpl::hint_for(v) : h;
}

void RnnBase::check_input_compatibility(const std::vector<Shape>& shapes,
                                        const std::vector<std::pair<std::string, std::string>>& producers) const {
  LayerImpl::check_input_compatibility(shapes, producers);
  if (shapes.size() <= 1) return;
  auto state_list = [&] {
    std::string s = "[";
    for (int k = 0; k < n_states_; ++k) s += (k ? ", " : "") + std::to_string(units_);
    return s + "]";
  };
  if (static_cast<int>(shapes.size()) - 1 != n_states_) {
    // Keras 3's RNN.call has no count check (the cell fails on its own); this is tf.keras's RNN message.
    std::string got = "[";
    for (size_t i = 1; i < shapes.size(); ++i) got += (i > 1 ? ", " : "") + to_string(shapes[i]);
    const std::string names = n_states_ == 2 ? "h, c" : "h";
    throw ValueError("Layer has " + std::to_string(n_states_) + " states but was passed " +
                         std::to_string(shapes.size() - 1) + " initial states. Received: initial_state=" + got + "]",
                     {.layer = name(), .expected = std::to_string(n_states_) + " initial state(s)",
                      .received = std::to_string(shapes.size() - 1),
                      .hint = "layer \"" + name() + "\" (" + class_name() + ") has " + std::to_string(n_states_) +
                              " state(s) (" + names + "): pass initial_state={" + (n_states_ == 2 ? "h0, c0" : "h0") +
                              "}, each of shape (batch, " + std::to_string(units_) + ")."});
  }
  for (size_t i = 1; i < shapes.size(); ++i) {
    const Shape& s = shapes[i];
    bool ok = s.ndim() == 2 && (s[1].is_none() || s[1].value() == units_) &&
              (s[0].is_none() || shapes[0][0].is_none() || s[0] == shapes[0][0]);
    if (!ok)
      throw ValueError("An `initial_state` was passed that is not compatible with `cell.state_size`. Received "
                       "initial state shape " + to_string(s) + "; however `cell.state_size` is " + state_list() + ".",
                       {.layer = name(), .expected = "(batch, " + std::to_string(units_) + ")",
                        .received = to_string(s),
                        .hint = "each initial state has shape (batch, units) = (batch, " + std::to_string(units_) +
                                "), with the sequence's batch size."});
  }
}

std::vector<Shape> RnnBase::compute_output_shapes(const std::vector<Shape>& in) {
  const Shape& s = cell_mode_ ? Shape{in.at(0)[0], Dim(1), in.at(0)[-1]} : in.at(0);
  std::vector<Shape> out;
  out.push_back(opt_.return_sequences ? Shape{s[0], s[1], Dim(units_)} : Shape{s[0], Dim(units_)});
  if (opt_.return_state)
    for (int k = 0; k < n_states_; ++k) out.push_back(Shape{s[0], Dim(units_)});
  return out;
}

void RnnBase::build(const std::vector<Shape>& in) {
  const Shape& s = cell_mode_ ? Shape{in.at(0)[0], Dim(1), in.at(0)[-1]} : in.at(0);
  if (s[-1].is_none())
    throw ValueError("The last dimension of the inputs to a " + class_name() + " layer should be defined. Found None. "
                     "Full input shape received: " + to_string(s),
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the sequence a concrete feature size, e.g. Input(shape={None, 16})."});
  if (opt_.stateful && s[0].is_none())
    throw ValueError("When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: "
                     "sequence.shape=" + to_string(s),
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the batch size: batch_input_shape={32, timesteps, features} or "
                              "Input(shape=..., batch_size=32)."});
  if (config_.get_or("unroll", false) && s[1].is_none())
    throw ValueError("Cannot unroll a RNN if the time dimension is undefined.",
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the number of timesteps in the input shape, or leave unroll=false."});
  in_ = s[-1].value();
  if (opt_.stateful) state_batch_ = s[0].value();
  if (weights_cell_) return adopt_cell_weights(s);
  const int64_t Gu = gates_ * units_;
  kernel_ = add_weight("kernel", {in_, Gu}, kernel_init_);
  recurrent_kernel_ = add_weight("recurrent_kernel", {units_, Gu}, recurrent_init_);
  if (use_bias_) {
    bias_ = add_weight("bias", bias_shape(), "zeros");
    bias_->value = initial_bias();
  }
  input_spec = {InputSpec{.ndim = cell_mode_ ? 2 : 3, .axes = {{-1, in_}}}};
}

void RnnBase::adopt_cell_weights(const Shape& s) {
  RnnBase& cell = *weights_cell_;
  if (!cell.built()) cell.check_and_build({Shape{s[0], s[-1]}});
  if (cell.in_ != in_)
    throw ValueError("Input 0 of layer \"" + cell.name() + "\" is incompatible with the layer: expected axis -1 of "
                     "input shape to have value " + std::to_string(cell.in_) + ", but received input with shape " +
                     to_string(Shape{s[0], s[-1]}),
                     {.layer = name(), .expected = std::to_string(cell.in_) + " features",
                      .received = to_string(s),
                      .hint = "the cell \"" + cell.name() + "\" was built for " + std::to_string(cell.in_) +
                              " features per timestep; give layer \"" + name() + "\" sequences of that many features, "
                              "or use a new cell."});
  kernel_ = cell.kernel_;
  recurrent_kernel_ = cell.recurrent_kernel_;
  bias_ = cell.bias_;
  input_spec = {InputSpec{.ndim = 3, .axes = {{-1, in_}}}};
}

std::vector<Tensor> RnnBase::compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                           size_t n_outputs) const {
  std::vector<Tensor> out(n_outputs);
  if (opt_.return_sequences && !masks.empty() && n_outputs > 0) out[0] = masks[0];
  return out;
}

double RnnBase::regularization_penalty(bool accumulate_grads) {
  if (!built_ || !trainable()) return 0.0;
  double total = 0.0;
  auto add = [&](const std::shared_ptr<const regularizers::Regularizer>& r, const VariablePtr& v) {
    if (!r || !v || !v->trainable) return;
    total += r->penalty(v->value);
    if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
  };
  add(kernel_reg_, kernel_);
  add(recurrent_reg_, recurrent_kernel_);
  add(bias_reg_, bias_);
  return total;
}

void RnnBase::reset_states() {
  // Zero states; unlike Keras 3 (whose state variables keep their shape) the next batch may also change the size.
  states_.clear();
  state_batch_ = 0;
}

void check_state_batch(const LayerImpl& layer, int64_t state_batch, int64_t batch, const Shape& expected,
                       const Shape& x_shape) {
  if (state_batch == 0 || batch == state_batch) return;
  // Keras 3 fails inside the cell (mismatched shapes); tf.keras fixes the batch size in a stateful layer's input
  // spec, and this is its message.
  const std::string n = std::to_string(state_batch), name = layer.name();
  throw ValueError("Input 0 of layer \"" + name + "\" is incompatible with the layer: expected shape=" +
                       to_string(expected) + ", found shape=" + to_string(x_shape),
                   {.layer = name, .expected = "batch size " + n, .received = "batch size " + std::to_string(batch),
                    .hint = "layer \"" + name + "\" is stateful: it carries its states (batch size " + n +
                            ") from one batch to the next, so every batch must have " + n +
                            " samples. Keep the batch size fixed (fit/predict with batch_size=" + n +
                            " on a sample count that is a multiple of it, as drop_remainder=True does in Keras), "
                            "or call reset_state() before a batch of another size."});
}

void RnnBase::check_state_batch(int64_t B, const Shape& x_shape) const {
  if (opt_.stateful)
    rnn_detail::check_state_batch(*this, state_batch_, B, Shape{Dim(state_batch_), None, Dim(in_)}, x_shape);
}

void RnnBase::reseed(uint64_t seed) { opt_.generator = random::seeded_generator(seed); }

SequenceOptions::SequenceOptions(const kw::Kwargs& k)
    : dropout(std::clamp(k.get_or("dropout", 0.0), 0.0, 1.0)),
      recurrent_dropout(std::clamp(k.get_or("recurrent_dropout", 0.0), 0.0, 1.0)),
      return_sequences(k.get_or("return_sequences", false)),
      return_state(k.get_or("return_state", false)),
      go_backwards(k.get_or("go_backwards", false)),
      stateful(k.get_or("stateful", false)),
      zero_output_for_mask(k.get_or("zero_output_for_mask", false)) {
  (void)k.get_or("unroll", false);  // unrolling changes nothing here: the loops are explicit
  if (auto seed = k.get<int>("seed")) generator = random::seeded_generator(static_cast<uint64_t>(*seed));
}

std::mt19937_64& SequenceOptions::dropout_generator() { return generator ? *generator : random::generator(); }

std::shared_ptr<const activations::ActivationKernel> activation_keyword(const kw::Kwargs& k, const char* key,
                                                                        const char* fallback) {
  return activations::get(k.is_none(key) ? ActivationArg() : k.get_or<ActivationArg>(key, fallback));
}

Tensor flip_time(const Tensor& t) {
  if (t.size() == 0) return Tensor::empty(t.dims());
  const int64_t B = t.dim(0), T = t.dim(1), F = t.size() / (B * T);
  Tensor out = Tensor::empty(t.dims());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < T; ++s)
      std::memcpy(out.data() + (b * T + s) * F, t.data() + (b * T + T - 1 - s) * F, sizeof(float) * F);
  return out;
}

Tensor draw_dropout_masks(std::mt19937_64& gen, int count, std::vector<int64_t> dims, double rate) {
  const float scale = static_cast<float>(1.0 / (1.0 - rate));
  dims.insert(dims.begin(), count);
  Tensor m = Tensor::empty(dims);
  float* p = m.data();
  for (int64_t i = 0; i < m.size(); ++i) p[i] = static_cast<double>(gen() >> 11) * 0x1.0p-53 < rate ? 0.0f : scale;
  return m;
}

Tensor RnnBase::dropout_masks(int count, int64_t batch, int64_t width, double rate) {
  // Keras 3 draws one mask per sequence (per gate with implementation=1), scaled by 1/(1-rate), and reuses it
  // at every timestep.
  return draw_dropout_masks(opt_.dropout_generator(), count, {batch, width}, rate);
}

void RnnBase::recurrent_product(const Step& s, int g0, int g1, float* out, int64_t ldo, float beta) const {
  const float* rk = recurrent_kernel_->value.data();
  const int64_t u = units_, Gu = gates_ * units_;
  bool shared = true;
  for (int g = g0 + 1; g < g1; ++g) shared = shared && s.hrec[g] == s.hrec[g0];
  if (shared) {
    backend::gemm(false, false, s.batch, (g1 - g0) * u, u, 1.0f, s.hrec[g0], u, rk + g0 * u, Gu, beta,
                  out + g0 * u, ldo);
    return;
  }
  for (int g = g0; g < g1; ++g)
    backend::gemm(false, false, s.batch, u, u, 1.0f, s.hrec[g], u, rk + g * u, Gu, beta, out + g * u, ldo);
}

void RnnBase::recurrent_product_grad(const StepGrad& gr, int64_t batch, int g0, int g1, const float* dz,
                                     int64_t ldz, bool accumulate) const {
  const float* rk = recurrent_kernel_->value.data();
  const int64_t u = units_, Gu = gates_ * units_;
  if (gr.dhrec[1] == nullptr) {  // one shared operand: one product over all the blocks
    backend::gemm(false, true, batch, u, (g1 - g0) * u, 1.0f, dz + g0 * u, ldz, rk + g0 * u, Gu,
                  accumulate ? 1.0f : 0.0f, gr.dhrec[0], u);
    return;
  }
  for (int g = g0; g < g1; ++g)
    backend::gemm(false, true, batch, u, u, 1.0f, dz + g * u, ldz, rk + g * u, Gu, accumulate ? 1.0f : 0.0f,
                  gr.dhrec[g], u);
}

void RnnBase::add_recurrent_kernel_grad(int64_t rows, const float* hrec, const float* dz, int g0, int g1) {
  float* drk = grad_of(*recurrent_kernel_).data();
  const int64_t u = units_, Gu = gates_ * units_;
  if (cur_rec_ops_ <= 1) {
    backend::gemm(true, false, u, (g1 - g0) * u, rows, 1.0f, hrec, u, dz + g0 * u, Gu, 1.0f, drk + g0 * u, Gu);
    return;
  }
  for (int g = g0; g < g1; ++g)
    backend::gemm(true, false, u, u, rows, 1.0f, hrec + g * rows * u, u, dz + g * u, Gu, 1.0f, drk + g * u, Gu);
}

void RnnBase::recurrent_weight_grads(int64_t steps, int64_t batch, const float* hrec, const float* dz,
                                     const float*) {
  add_recurrent_kernel_grad(steps * batch, hrec, dz, 0, gates_);
}

}  // namespace rnn_detail

}  // namespace keras::layers

namespace keras::layers {

namespace {

template <class T>
std::vector<T> with_states(const T& x, const kw::InitialState<T>& s) {
  std::vector<T> in{x};
  in.insert(in.end(), s.states.begin(), s.states.end());
  return in;
}

}  // namespace

Tensor RecurrentLayer::operator()(const Tensor& x, const kw::InitialState<Tensor>& s) const {
  return call_outputs(x, s).at(0);
}
KerasTensor RecurrentLayer::operator()(const KerasTensor& x, const kw::InitialState<KerasTensor>& s) const {
  return call_outputs(x, s).at(0);
}
std::vector<Tensor> RecurrentLayer::call_outputs(const Tensor& x, const kw::InitialState<Tensor>& s) const {
  return impl_->call_eager(with_states(x, s));
}
std::vector<KerasTensor> RecurrentLayer::call_outputs(const KerasTensor& x,
                                                      const kw::InitialState<KerasTensor>& s) const {
  return impl_->call_symbolic(with_states(x, s));
}

void RecurrentLayer::reset_states() const {
  auto* impl = dynamic_cast<rnn_detail::ResettableStates*>(impl_.get());
  if (!impl)
    throw ValueError("Layer \"" + name() + "\" (" + class_name() + ") is not a recurrent layer.",
                     {.layer = name(),
                      .hint = "reset_states() applies to SimpleRNN, LSTM, GRU, RNN, ConvLSTM and Bidirectional."});
  impl->reset_states();
}

}  // namespace keras::layers

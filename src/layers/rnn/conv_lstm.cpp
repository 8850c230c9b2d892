#include <algorithm>
#include <cctype>
#include <cstring>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/rnn/conv_lstm_impl.hpp"

namespace keras::layers::rnn_detail {

namespace {

// The input convolution's keywords: the ConvLSTM's own of a convolution, with 4 * filters.
kw::Kwargs input_conv_keywords(const kw::Kwargs& k, const std::string& name, int64_t filters) {
  kw::Kwargs c;
  c.set("name", name);
  c.set("filters", static_cast<int>(4 * filters));
  for (const char* key : {"kernel_size", "strides", "padding", "data_format", "dilation_rate", "use_bias",
                          "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                          "kernel_constraint", "bias_constraint", "trainable"})
    c.copy_from(k, key);
  return c;
}

std::string spatial_names(int rank) {
  return rank == 1 ? "steps" : rank == 2 ? "rows, cols" : "depth, rows, cols";
}

}  // namespace

ConvLSTMImpl::ConvLSTMImpl(int rank, std::string class_name, const kw::Kwargs& k)
    : LayerImpl(std::move(class_name), k), SingleSequenceLayer(k), rank_(rank) {
  const auto filters = k.get<int>("filters");
  const auto kernel_size = k.get<IntTuple>("kernel_size");
  const std::string example = rank == 1 ? "3" : rank == 2 ? "{3, 3}" : "{3, 3, 3}";
  if (!filters || !kernel_size) {
    const std::string missing = !filters && !kernel_size
                                    ? "2 required positional arguments: 'filters' and 'kernel_size'"
                                : !filters ? "1 required positional argument: 'filters'"
                                           : "1 required positional argument: 'kernel_size'";
    throw TypeError(this->class_name() + ".__init__() missing " + missing,
                    {.layer = name(), .hint = "give the number of filters and the window size: " +
                                              this->class_name() + "(32, " + example + ")."});
  }
  if (*filters <= 0)
    throw ValueError("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=" +
                         std::to_string(*filters) + ".",
                     {.layer = name(), .expected = "filters > 0", .received = std::to_string(*filters),
                      .hint = "filters is the number of channels of h and c: use a positive number, e.g. " +
                              this->class_name() + "(32, " + example + ")."});
  filters_ = *filters;
  if (const auto p = k.get<PaddingArg>("padding"); p && p->is_mode()) {
    std::string mode = p->mode;
    std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::tolower(c); });
    if (mode == "causal")
      throw ValueError("The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: causal",
                       {.layer = name(), .expected = "{'valid', 'same'}", .received = "causal",
                        .hint = "ConvLSTM layers take padding=\"valid\" or \"same\"."});
  }
  // The convolution checks kernel_size, strides, dilation_rate, padding and data_format with Keras's messages.
  conv_ = from_config("Conv" + std::to_string(rank) + "D", input_conv_keywords(k, name(), filters_));
  kernel_size_ = kernel_size->expand(static_cast<size_t>(rank));
  std::string df = k.get_or<std::string>("data_format", "channels_last");
  std::transform(df.begin(), df.end(), df.begin(), [](unsigned char c) { return std::tolower(c); });
  channels_first_ = df == "channels_first";
  use_bias_ = k.get_or("use_bias", true);
  unit_forget_bias_ = k.get_or("unit_forget_bias", true);
  activation_ = activation_keyword(k, "activation", "tanh");
  recurrent_activation_ = activation_keyword(k, "recurrent_activation", "sigmoid");
  recurrent_init_ = k.get_or<InitializerArg>("recurrent_initializer", "orthogonal");
  bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
  initializers::get(recurrent_init_);
  recurrent_reg_ = regularizers::get(k.get_or<RegularizerArg>("recurrent_regularizer", {}));
  input_spec = {InputSpec{.ndim = rank + 3}};
}

void ConvLSTMImpl::reseed(uint64_t seed) { opt_.generator = random::seeded_generator(seed); }

Shape ConvLSTMImpl::step_shape(const Shape& s) const {
  std::vector<Dim> d{s[0]};
  for (int i = 2; i < s.ndim(); ++i) d.push_back(s[i]);
  return Shape(std::move(d));
}

Shape ConvLSTMImpl::state_shape(const Shape& sequence) {
  // The input convolution's output for one timestep, with filters channels instead of 4 * filters.
  Shape s = conv_.impl()->compute_output_shapes({step_shape(sequence)}).at(0);
  s[channels_first_ ? 1 : -1] = Dim(filters_);
  return s;
}

std::vector<int64_t> ConvLSTMImpl::state_dims(int64_t batch, const std::vector<int64_t>& out_spatial) const {
  std::vector<int64_t> d{batch};
  if (channels_first_) d.push_back(filters_);
  d.insert(d.end(), out_spatial.begin(), out_spatial.end());
  if (!channels_first_) d.push_back(filters_);
  return d;
}

std::vector<Shape> ConvLSTMImpl::compute_output_shapes(const std::vector<Shape>& in) {
  const Shape& s = in.at(0);
  const Shape st = state_shape(s);
  std::vector<Shape> out;
  if (opt_.return_sequences) {
    std::vector<Dim> d{st[0], s[1]};
    for (int i = 1; i < st.ndim(); ++i) d.push_back(st[i]);
    out.push_back(Shape(std::move(d)));
  } else {
    out.push_back(st);
  }
  if (opt_.return_state) out.insert(out.end(), {st, st});
  return out;
}

void ConvLSTMImpl::build(const std::vector<Shape>& in) {
  const Shape& s = in.at(0);
  const Shape step = step_shape(s);
  for (int i = 0; i < rank_; ++i)
    if (step[channels_first_ ? 2 + i : 1 + i].is_none())
      throw ValueError("ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid "
                       "input shape: input_shape=" + to_string(step),
                       {.layer = name(), .received = to_string(s),
                        .hint = "give every spatial size (" + spatial_names(rank_) + ") in the input shape; only the "
                                "batch and time may be None."});
  if (step[channels_first_ ? 1 : -1].is_none())
    throw ValueError("The channel dimension of the inputs (last axis) should be defined. Found None. Full input shape "
                     "received: input_shape=" + to_string(step),
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the number of channels in the input shape."});
  if (opt_.stateful && s[0].is_none())
    throw ValueError("When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: "
                     "sequence.shape=" + to_string(s),
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the batch size: batch_input_shape={...} or Input(shape=..., batch_size=...)."});
  if (config_.get_or("unroll", false) && s[1].is_none())
    throw ValueError("Cannot unroll a RNN if the time dimension is undefined.",
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the number of timesteps in the input shape, or leave unroll=false."});
  state_shape(s);  // the output-size checks
  conv_.impl()->check_and_build({step});
  const std::vector<VariablePtr> conv_vars = conv_.impl()->own_variables();
  // Keras's order: kernel, recurrent_kernel, bias.
  adopt_weight(conv_vars.at(0));
  std::vector<int64_t> rshape = kernel_size_;
  rshape.push_back(filters_);
  rshape.push_back(4 * filters_);
  recurrent_kernel_ = add_weight("recurrent_kernel", rshape, recurrent_init_);
  if (use_bias_) {
    const VariablePtr& bias = conv_vars.at(1);
    adopt_weight(bias);
    if (unit_forget_bias_) {
      // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
      auto init = initializers::get(bias_init_);
      Tensor i = (*init)({filters_}), co = (*init)({2 * filters_});
      float* b = bias->value.data();
      std::memcpy(b, i.data(), sizeof(float) * filters_);
      std::fill(b + filters_, b + 2 * filters_, 1.0f);
      std::memcpy(b + 2 * filters_, co.data(), sizeof(float) * 2 * filters_);
    }
  }
  if (opt_.stateful) state_batch_ = s[0].value();
  InputSpec fixed{.ndim = rank_ + 3};
  fixed.axes = {{channels_first_ ? 2 : -1, step[channels_first_ ? 1 : -1].value()}};
  input_spec = {fixed};
}

void ConvLSTMImpl::check_input_compatibility(const std::vector<Shape>& shapes,
                                             const std::vector<std::pair<std::string, std::string>>& producers) const {
  LayerImpl::check_input_compatibility(shapes, producers);
  if (shapes.size() <= 1) return;
  std::string got = "[";
  for (size_t i = 1; i < shapes.size(); ++i) got += (i > 1 ? ", " : "") + to_string(shapes[i]);
  got += "]";
  if (shapes.size() != 3)
    throw ValueError("Layer has 2 states but was passed " + std::to_string(shapes.size() - 1) +
                         " initial states. Received: initial_state=" + got,
                     {.layer = name(), .expected = "2 initial states", .received = std::to_string(shapes.size() - 1),
                      .hint = "layer \"" + name() + "\" (" + class_name() + ") has 2 states: pass initial_state={h0, "
                              "c0}, each of the shape of its output for one timestep."});
  const Shape want = const_cast<ConvLSTMImpl*>(this)->state_shape(shapes[0]);
  for (size_t i = 1; i < 3; ++i) {
    const Shape& s = shapes[i];
    bool ok = s.ndim() == want.ndim();
    for (int d = 0; ok && d < s.ndim(); ++d) ok = s[d].is_none() || want[d].is_none() || s[d] == want[d];
    if (!ok)
      throw ValueError("An `initial_state` was passed that is not compatible with `cell.state_size`. Received "
                       "initial state shape " + to_string(s) + "; however the state shape is " + to_string(want) + ".",
                       {.layer = name(), .expected = to_string(want), .received = to_string(s),
                        .hint = "h0 and c0 have the shape of the layer's output for one timestep: " + to_string(want) +
                                "."});
  }
}

ConvLSTMImpl::Geometry ConvLSTMImpl::geometry(const Tensor& x) const {
  Geometry g;
  g.B = x.dim(0);
  g.T = x.dim(1);
  g.step_in = g.B * g.T > 0 ? x.size() / (g.B * g.T) : 0;
  std::vector<Dim> step{Dim(g.B)};
  for (int i = 2; i < x.ndim(); ++i) step.push_back(Dim(x.dim(i)));
  const Shape out = conv_.impl()->compute_output_shapes({Shape(std::move(step))}).at(0);
  int64_t positions = 1;
  for (int i = 0; i < rank_; ++i) {
    const int64_t d = out[channels_first_ ? 2 + i : 1 + i].value();
    g.out_spatial.push_back(d);
    positions *= d;
  }
  g.state = filters_ * positions;
  g.rows_per_sample = channels_first_ ? 1 : positions;
  g.rows = g.B * g.rows_per_sample;
  g.blk = channels_first_ ? g.state : filters_;
  return g;
}

backend::ConvSpec ConvLSTMImpl::recurrent_spec(int64_t batch, const std::vector<int64_t>& out_spatial) const {
  backend::ConvSpec s;
  s.rank = rank_;
  s.channels_first = channels_first_;
  s.batch = batch;
  s.in_channels = filters_;
  s.filters = 4 * filters_;
  s.kernel = kernel_size_;
  for (size_t u = 0; u < out_spatial.size(); ++u) {
    const backend::ConvDim d = backend::conv_output_dim(out_spatial[u], kernel_size_[u], 1, 1, "same");
    s.in_size.push_back(out_spatial[u]);
    s.out_size.push_back(d.out);
    s.strides.push_back(1);
    s.dilation.push_back(1);
    s.pad_before.push_back(d.pad_before);
    s.pad_after.push_back(d.pad_after);
  }
  return s;
}

void ConvLSTMImpl::gather_blocks(const float* copies, float* out, int n, int64_t samples, const Geometry& G) const {
  const int64_t rows = G.rows_per_sample, blk = G.blk;
  for (int g = 0; g < n; ++g)
    for (int64_t i = 0; i < samples; ++i)
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(out + ((i * rows + r) * 4 + g) * blk, copies + (((g * samples + i) * rows + r) * 4 + g) * blk,
                    sizeof(float) * blk);
}

void ConvLSTMImpl::scatter_blocks(const float* in, float* copies, int n, int64_t samples, const Geometry& G) const {
  const int64_t rows = G.rows_per_sample, blk = G.blk;
  std::memset(copies, 0, sizeof(float) * n * samples * rows * 4 * blk);
  for (int g = 0; g < n; ++g)
    for (int64_t i = 0; i < samples; ++i)
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(copies + (((g * samples + i) * rows + r) * 4 + g) * blk, in + ((i * rows + r) * 4 + g) * blk,
                    sizeof(float) * blk);
}

std::vector<Tensor> ConvLSTMImpl::forward(CallContext& ctx) {
  const Tensor& x = ctx.inputs.at(0);
  const Geometry G = geometry(x);
  const int64_t B = G.B, T = G.T, S = T, N = G.state * B, Z = 4 * N;
  if (opt_.stateful) {
    std::vector<Dim> expected{Dim(state_batch_), None};
    for (int i = 2; i < x.ndim(); ++i) expected.push_back(Dim(x.dim(i)));
    check_state_batch(*this, state_batch_, B, Shape(std::move(expected)), x.shape());
  }
  auto time_of = [&](int64_t s) { return opt_.go_backwards ? T - 1 - s : s; };

  // Keras's ConvLSTMCell draws four input masks and four recurrent masks (one per gate) per call.
  const bool drop_in = ctx.training && opt_.dropout > 0.0 && opt_.dropout < 1.0;
  const bool drop_rec = ctx.training && opt_.recurrent_dropout > 0.0 && opt_.recurrent_dropout < 1.0;
  const int n_in = drop_in ? 4 : 1, n_rec = drop_rec ? 4 : 1;
  Tensor in_masks = drop_in ? draw_dropout_masks(opt_.dropout_generator(), 4, {B, G.step_in}, opt_.dropout) : Tensor();
  Tensor rec_masks =
      drop_rec ? draw_dropout_masks(opt_.dropout_generator(), 4, {B, G.state}, opt_.recurrent_dropout) : Tensor();

  // Every timestep's input (one copy per input mask), in processing order, through the input convolution at once.
  std::vector<int64_t> in_dims{n_in * S * B};
  for (int i = 2; i < x.ndim(); ++i) in_dims.push_back(x.dim(i));
  Tensor xin = Tensor::empty(in_dims);
  for (int g = 0; g < n_in; ++g)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t b = 0; b < B; ++b) {
        const float* src = x.data() + (b * T + time_of(s)) * G.step_in;
        float* dst = xin.data() + ((g * S + s) * B + b) * G.step_in;
        if (!drop_in) {
          std::memcpy(dst, src, sizeof(float) * G.step_in);
          continue;
        }
        const float* m = in_masks.data() + (g * B + b) * G.step_in;
        for (int64_t i = 0; i < G.step_in; ++i) dst[i] = src[i] * m[i];
      }
  ctx.children.assign(1, CallContext());
  CallContext& cc = ctx.children[0];
  cc.training = ctx.training;
  cc.inputs = {xin};
  cc.outputs = conv_.impl()->forward(cc);
  Tensor zx = cc.outputs[0];
  if (n_in > 1) {
    Tensor merged = Tensor::empty({S * B * 4 * G.state});
    gather_blocks(zx.data(), merged.data(), 4, S * B, G);
    zx = merged;
  }

  // States: h and c before every step, (S+1, B, state).
  Tensor hist = Tensor::empty({S + 1, N}), cell = Tensor::empty({S + 1, N});
  const bool given = ctx.inputs.size() > 1;
  const bool carried = !given && opt_.stateful && states_.size() == 2;
  for (int k = 0; k < 2; ++k) {
    float* dst = (k ? cell : hist).data();
    if (given) std::memcpy(dst, ctx.inputs[1 + k].data(), sizeof(float) * N);
    else if (carried) std::memcpy(dst, states_[k].data(), sizeof(float) * N);
    else std::memset(dst, 0, sizeof(float) * N);
  }
  const Tensor& mask_t = ctx.input_mask(0);
  const float* mask = mask_t.defined() ? mask_t.data() : nullptr;
  auto masked = [&](int64_t b, int64_t s) { return mask && mask[b * T + time_of(s)] == 0.0f; };

  const backend::ConvSpec rspec = recurrent_spec(n_rec * B, G.out_spatial);
  Tensor pre = Tensor::empty({S, Z}), ra = Tensor::empty({S, Z}), act = Tensor::empty({S, Z});
  Tensor act_c = Tensor::empty({S, N});
  Tensor hrec = drop_rec ? Tensor::empty({S, n_rec * N}) : Tensor();
  Tensor zh = Tensor::empty({n_rec * Z}), zh_merged = n_rec > 1 ? Tensor::empty({Z}) : Tensor();
  const float* rk = recurrent_kernel_->value.data();
  const int64_t blk = G.blk;
  for (int64_t s = 0; s < S; ++s) {
    const float* h_prev = hist.data() + s * N;
    const float* c_prev = cell.data() + s * N;
    const float* h_in = h_prev;
    if (drop_rec) {
      float* dst = hrec.data() + s * n_rec * N;
      for (int g = 0; g < n_rec; ++g)
        for (int64_t b = 0; b < B; ++b)
          for (int64_t i = 0; i < G.state; ++i)
            dst[g * N + b * G.state + i] = h_prev[b * G.state + i] * rec_masks.data()[(g * B + b) * G.state + i];
      h_in = dst;
    }
    backend::conv_forward(rspec, h_in, rk, nullptr, zh.data());
    const float* zr = zh.data();
    if (n_rec > 1) {
      gather_blocks(zh.data(), zh_merged.data(), 4, B, G);
      zr = zh_merged.data();
    }
    float* z = pre.data() + s * Z;
    const float* zxs = zx.data() + s * Z;
    for (int64_t i = 0; i < Z; ++i) z[i] = zxs[i] + zr[i];
    float* ra_s = ra.data() + s * Z;
    float* a_s = act.data() + s * Z;
    recurrent_activation_->forward(z, ra_s, Z / blk, blk);
    activation_->forward(z, a_s, Z / blk, blk);
    float* h = hist.data() + (s + 1) * N;
    float* c = cell.data() + (s + 1) * N;
    for (int64_t r = 0; r < G.rows; ++r) {
      const float *gi = ra_s + r * 4 * blk, *gf = gi + blk, *gc = a_s + r * 4 * blk + 2 * blk;
      for (int64_t j = 0; j < blk; ++j) c[r * blk + j] = gf[j] * c_prev[r * blk + j] + gi[j] * gc[j];
    }
    float* ac = act_c.data() + s * N;
    activation_->forward(c, ac, N / blk, blk);
    for (int64_t r = 0; r < G.rows; ++r) {
      const float* go = ra_s + r * 4 * blk + 3 * blk;
      for (int64_t j = 0; j < blk; ++j) h[r * blk + j] = go[j] * ac[r * blk + j];
    }
    // A masked step carries h and c forward unchanged.
    for (int64_t b = 0; mask && b < B; ++b)
      if (masked(b, s)) {
        std::memcpy(h + b * G.state, h_prev + b * G.state, sizeof(float) * G.state);
        std::memcpy(c + b * G.state, c_prev + b * G.state, sizeof(float) * G.state);
      }
  }

  std::vector<Tensor> out;
  // As for LSTM: the output at a masked step is the carried h, or zeros with zero_output_for_mask.
  const std::vector<int64_t> sdims = state_dims(B, G.out_spatial);
  if (opt_.return_sequences) {
    std::vector<int64_t> ydims{B, S};
    ydims.insert(ydims.end(), sdims.begin() + 1, sdims.end());
    Tensor y = Tensor::empty(ydims);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s) {
        float* dst = y.data() + (b * S + s) * G.state;
        if (opt_.zero_output_for_mask && masked(b, s)) std::memset(dst, 0, sizeof(float) * G.state);
        else std::memcpy(dst, hist.data() + (s + 1) * N + b * G.state, sizeof(float) * G.state);
      }
    out.push_back(y);
  } else {
    Tensor y = Tensor::empty(sdims);
    std::memcpy(y.data(), hist.data() + S * N, sizeof(float) * N);
    for (int64_t b = 0; opt_.zero_output_for_mask && b < B; ++b)
      if (masked(b, S - 1)) std::memset(y.data() + b * G.state, 0, sizeof(float) * G.state);
    out.push_back(y);
  }
  Tensor hT = Tensor::empty(sdims), cT = Tensor::empty(sdims);
  std::memcpy(hT.data(), hist.data() + S * N, sizeof(float) * N);
  std::memcpy(cT.data(), cell.data() + S * N, sizeof(float) * N);
  if (opt_.stateful) {
    states_ = {hT.copy(), cT.copy()};
    state_batch_ = B;
  }
  if (opt_.return_state) out.insert(out.end(), {hT, cT});

  ctx.saved.assign(kSavedCount, Tensor());
  ctx.saved[kInMasks] = in_masks;
  ctx.saved[kRecMasks] = rec_masks;
  ctx.saved[kHist] = hist;
  ctx.saved[kCell] = cell;
  ctx.saved[kPre] = pre;
  ctx.saved[kRa] = ra;
  ctx.saved[kAct] = act;
  ctx.saved[kActC] = act_c;
  ctx.saved[kHrec] = hrec;
  return out;
}

std::vector<Tensor> ConvLSTMImpl::backward(CallContext& ctx, const std::vector<Tensor>& grads) {
  const Tensor& x = ctx.inputs.at(0);
  const Geometry G = geometry(x);
  const int64_t B = G.B, T = G.T, S = T, N = G.state * B, Z = 4 * N, blk = G.blk;
  auto time_of = [&](int64_t s) { return opt_.go_backwards ? T - 1 - s : s; };
  const Tensor &in_masks = ctx.saved.at(kInMasks), &rec_masks = ctx.saved.at(kRecMasks);
  const Tensor &hist = ctx.saved.at(kHist), &cell = ctx.saved.at(kCell), &pre = ctx.saved.at(kPre);
  const Tensor &ra = ctx.saved.at(kRa), &act = ctx.saved.at(kAct), &act_c = ctx.saved.at(kActC);
  const Tensor& hrec = ctx.saved.at(kHrec);
  const int n_in = in_masks.defined() ? 4 : 1, n_rec = rec_masks.defined() ? 4 : 1;
  const Tensor& mask_t = ctx.input_mask(0);
  const float* mask = mask_t.defined() ? mask_t.data() : nullptr;
  auto masked = [&](int64_t b, int64_t s) { return mask && mask[b * T + time_of(s)] == 0.0f; };

  // Gradients of the outputs: the sequence (or last output), then h and c with return_state.
  const Tensor gy = grads.empty() ? Tensor() : grads[0];
  Tensor dh_t = Tensor::zeros({N}), dc_t = Tensor::zeros({N});
  float *dh = dh_t.data(), *dc = dc_t.data();
  for (int k = 0; opt_.return_state && k < 2; ++k)
    if (grads.size() > static_cast<size_t>(1 + k) && grads[1 + k].defined())
      std::memcpy(k ? dc : dh, grads[1 + k].data(), sizeof(float) * N);
  auto add_output_grad = [&](int64_t s, const float* src, int64_t stride) {
    for (int64_t b = 0; b < B; ++b) {
      if (opt_.zero_output_for_mask && masked(b, s)) continue;
      const float* g = src + b * stride;
      float* d = dh + b * G.state;
      for (int64_t i = 0; i < G.state; ++i) d[i] += g[i];
    }
  };
  if (!opt_.return_sequences && gy.defined()) add_output_grad(S - 1, gy.data(), G.state);

  const backend::ConvSpec rspec = recurrent_spec(n_rec * B, G.out_spatial);
  Tensor dzx = Tensor::empty({S, Z});
  Tensor dact_t = Tensor::empty({Z}), dz_ra_t = Tensor::empty({Z}), dz_a_t = Tensor::empty({Z});
  Tensor dac_t = Tensor::empty({N}), dct_t = Tensor::empty({N}), dc_prev_t = Tensor::empty({N});
  Tensor dh_prev_t = Tensor::empty({N});
  float *dact = dact_t.data(), *dz_ra = dz_ra_t.data(), *dz_a = dz_a_t.data();
  float *dac = dac_t.data(), *dct = dct_t.data(), *dc_prev = dc_prev_t.data(), *dh_prev = dh_prev_t.data();
  Tensor dz_in = n_rec > 1 ? Tensor::empty({n_rec * Z}) : Tensor(), dhr = Tensor::empty({n_rec * N});
  float* drk = grad_of(*recurrent_kernel_).data();
  const float* rk = recurrent_kernel_->value.data();
  for (int64_t s = S - 1; s >= 0; --s) {
    if (opt_.return_sequences && gy.defined()) add_output_grad(s, gy.data() + s * G.state, S * G.state);
    const float *z = pre.data() + s * Z, *ra_s = ra.data() + s * Z, *a_s = act.data() + s * Z;
    const float *ac = act_c.data() + s * N, *c = cell.data() + (s + 1) * N, *c_prev = cell.data() + s * N;
    // Through h = o * act(c) and c = f * c_prev + i * act(z_c).
    for (int64_t r = 0; r < G.rows; ++r) {
      const float* go = ra_s + r * 4 * blk + 3 * blk;
      for (int64_t j = 0; j < blk; ++j) dac[r * blk + j] = dh[r * blk + j] * go[j];
    }
    activation_->backward(c, ac, dac, dct, N / blk, blk);
    for (int64_t r = 0; r < G.rows; ++r) {
      const float *gi = ra_s + r * 4 * blk, *gf = gi + blk, *gc = a_s + r * 4 * blk + 2 * blk;
      float* d = dact + r * 4 * blk;
      for (int64_t j = 0; j < blk; ++j) {
        const int64_t k = r * blk + j;
        const float total = dct[k] + dc[k];
        d[j] = total * gc[j];
        d[blk + j] = total * c_prev[k];
        d[2 * blk + j] = total * gi[j];
        d[3 * blk + j] = dh[k] * ac[k];
        dc_prev[k] = total * gf[j];
      }
    }
    recurrent_activation_->backward(z, ra_s, dact, dz_ra, Z / blk, blk);
    activation_->backward(z, a_s, dact, dz_a, Z / blk, blk);
    float* dz = dzx.data() + s * Z;
    for (int64_t r = 0; r < G.rows; ++r)
      for (int g = 0; g < 4; ++g)
        std::memcpy(dz + (r * 4 + g) * blk, (g == 2 ? dz_a : dz_ra) + (r * 4 + g) * blk, sizeof(float) * blk);
    // A masked step gives its gates no gradient (a sample's gates are 4 * state contiguous floats).
    for (int64_t b = 0; mask && b < B; ++b)
      if (masked(b, s)) std::memset(dz + b * 4 * G.state, 0, sizeof(float) * 4 * G.state);
    // The recurrent convolution: h_prev's gradient and the recurrent kernel's.
    const float* h_in = n_rec > 1 ? hrec.data() + s * n_rec * N : hist.data() + s * N;
    const float* dz_r = dz;
    if (n_rec > 1) {
      scatter_blocks(dz, dz_in.data(), 4, B, G);
      dz_r = dz_in.data();
    }
    backend::conv_backward(rspec, h_in, rk, dz_r, dhr.data(), drk, nullptr);
    if (n_rec == 1) {
      std::memcpy(dh_prev, dhr.data(), sizeof(float) * N);
    } else {
      std::memset(dh_prev, 0, sizeof(float) * N);
      const float* m = rec_masks.data();
      for (int g = 0; g < n_rec; ++g)
        for (int64_t i = 0; i < N; ++i) dh_prev[i] += dhr.data()[g * N + i] * m[g * N + i];
    }
    // A masked step carried h and c: their gradients pass through unchanged.
    for (int64_t b = 0; mask && b < B; ++b)
      if (masked(b, s)) {
        std::memcpy(dh_prev + b * G.state, dh + b * G.state, sizeof(float) * G.state);
        std::memcpy(dc_prev + b * G.state, dc + b * G.state, sizeof(float) * G.state);
      }
    std::swap(dh, dh_prev);
    std::swap(dc, dc_prev);
  }

  // The input convolution of every timestep at once.
  CallContext& cc = ctx.children.at(0);
  cc.needs_input_grad = {ctx.input_needs_grad(0)};
  Tensor dzc = dzx;
  if (n_in > 1) {
    dzc = Tensor::empty({n_in * S * Z});
    scatter_blocks(dzx.data(), dzc.data(), 4, S * B, G);
  }
  dzc = dzc.reshape(cc.outputs[0].dims());
  std::vector<Tensor> gi = conv_.impl()->backward(cc, {dzc});
  std::vector<Tensor> out(ctx.inputs.size());
  if (ctx.input_needs_grad(0) && !gi.empty() && gi[0].defined()) {
    Tensor dx = Tensor::zeros(x.dims());
    for (int g = 0; g < n_in; ++g)
      for (int64_t s = 0; s < S; ++s)
        for (int64_t b = 0; b < B; ++b) {
          const float* src = gi[0].data() + ((g * S + s) * B + b) * G.step_in;
          float* dst = dx.data() + (b * T + time_of(s)) * G.step_in;
          const float* m = n_in > 1 ? in_masks.data() + (g * B + b) * G.step_in : nullptr;
          for (int64_t i = 0; i < G.step_in; ++i) dst[i] += m ? src[i] * m[i] : src[i];
        }
    out[0] = dx;
  }
  if (ctx.inputs.size() > 2) {
    out[1] = Tensor::empty(ctx.inputs[1].dims());
    out[2] = Tensor::empty(ctx.inputs[2].dims());
    std::memcpy(out[1].data(), dh, sizeof(float) * N);
    std::memcpy(out[2].data(), dc, sizeof(float) * N);
  }
  return out;
}

std::vector<Tensor> ConvLSTMImpl::compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>& masks,
                                                size_t n_outputs) const {
  std::vector<Tensor> out(n_outputs);
  if (opt_.return_sequences && !masks.empty() && n_outputs > 0) out[0] = masks[0];
  return out;
}

std::string ConvLSTMImpl::hint_for(const SpecViolation& v) const {
  if (v.kind == SpecViolation::Kind::ndim && v.input_index == 0) {
    const std::string layout = channels_first_ ? "(batch, time, channels, " + spatial_names(rank_) + ")"
                                               : "(batch, time, " + spatial_names(rank_) + ", channels)";
    const std::string from = v.producer.empty() ? "the data" : "the previous layer \"" + v.producer + "\"";
    std::string h = "layer \"" + name() + "\" (" + class_name() + ") takes sequences " + layout + " of rank " +
                    std::to_string(rank_ + 3) + ", but " + from + " gives " + to_string(v.received);
    if (v.received.ndim() == rank_ + 2)
      return h + ": for one " + (rank_ == 1 ? "sequence of steps" : std::to_string(rank_) + "-D input") +
             " per sample, add the time axis (Reshape), or use Conv" + std::to_string(rank_) + "D" +
             (rank_ > 1 ? "; for sequences of " + std::to_string(rank_ - 1) + "-D inputs, use ConvLSTM" +
                              std::to_string(rank_ - 1) + "D"
                        : "") +
             ".";
    return h + ": reshape it to rank " + std::to_string(rank_ + 3) + ".";
  }
  return LayerImpl::hint_for(v);
}

double ConvLSTMImpl::regularization_penalty(bool accumulate_grads) {
  if (!built_ || !trainable()) return 0.0;
  double total = conv_.impl()->regularization_penalty(accumulate_grads);
  if (recurrent_reg_ && recurrent_kernel_->trainable) {
    total += recurrent_reg_->penalty(recurrent_kernel_->value);
    if (accumulate_grads) recurrent_reg_->add_gradient(recurrent_kernel_->value, grad_of(*recurrent_kernel_));
  }
  return total;
}

void ConvLSTMImpl::set_trainable(bool t) {
  LayerImpl::set_trainable(t);
  conv_.impl()->set_trainable(t);
}

void ConvLSTMImpl::reset_states() {
  if (!opt_.stateful)
    throw ValueError("Layer must be stateful.",
                     {.layer = name(), .hint = "reset_states() applies to layers made with stateful=true."});
  states_.clear();
  state_batch_ = 0;
}

}  // namespace keras::layers::rnn_detail

#include "layers/convolutional/conv_layer_base.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "keras/core/errors.hpp"

namespace keras::layers::detail {

std::string py_tuple(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}
std::string np_array(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + std::to_string(v[i]);
  return s + "]";
}
std::string braces(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}
std::string by(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}
std::string braces_of(const Shape& s) {
  std::string out = "{";
  for (int i = 0; i < s.ndim(); ++i) out += (i ? ", " : "") + to_string(s[i]);
  return out + "}";
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

ConvLayerBase::ConvLayerBase(int rank, const std::string& class_name, const kw::Kwargs& k, bool allow_causal)
    : SingleInputLayer(class_name, k), rank_(rank) {
  if (auto ks = k.get<IntTuple>("kernel_size")) kernel_size_ = standardize_tuple(*ks, "kernel_size");
  strides_ = standardize_tuple(k.get_or<IntTuple>("strides", IntTuple(1)), "strides");
  dilation_ = standardize_tuple(k.get_or<IntTuple>("dilation_rate", IntTuple(1)), "dilation_rate");
  padding_ = standardize_padding(k.get_or<PaddingArg>("padding", PaddingArg("valid")), allow_causal);
  const std::string df = lower(k.get_or<std::string>("data_format", "channels_last"));
  if (df != "channels_last" && df != "channels_first")
    throw ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                     "data_format=" + df,
                     {.layer = name(), .expected = "channels_last or channels_first", .received = df,
                      .hint = "leave data_format unset for (batch, " + spatial_names() +
                              ", channels) inputs, or use \"channels_first\" for (batch, channels, " +
                              spatial_names() + ")."});
  channels_first_ = df == "channels_first";
  activation_ = activations::get(k.get_or<ActivationArg>("activation", {}));
  use_bias_ = k.get_or("use_bias", true);
  input_spec = {InputSpec{.min_ndim = rank_ + 2}};
}

void ConvLayerBase::check_positive(int64_t value, const std::string& arg) const {
  if (value > 0) return;
  throw ValueError("Invalid value for argument `" + arg + "`. Expected a strictly positive value. Received " + arg +
                       "=" + std::to_string(value) + ".",
                   {.layer = name(), .expected = arg + " > 0", .received = std::to_string(value),
                    .hint = arg == "filters"
                                ? "filters is the number of output channels: use a positive number, e.g. " +
                                      class_name() + "(32, " + example_kernel() + ")."
                                : arg + " is the number of output channels per input channel: use 1 or more."});
}

void ConvLayerBase::check_strides_and_dilation() const {
  const bool strided = std::any_of(strides_.begin(), strides_.end(), [](int64_t s) { return s > 1; });
  const bool dilated = std::any_of(dilation_.begin(), dilation_.end(), [](int64_t d) { return d > 1; });
  if (strided && dilated)
    throw ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=" +
                         py_tuple(strides_) + " and dilation_rate=" + py_tuple(dilation_),
                     {.layer = name(), .expected = "strides == 1 or dilation_rate == 1",
                      .received = "strides=" + py_tuple(strides_) + ", dilation_rate=" + py_tuple(dilation_),
                      .hint = "use either strides or dilation_rate; to downsample a dilated convolution, add a "
                              "pooling layer (or a strided convolution) after it."});
}

void ConvLayerBase::check_rank(const Shape& s) const {
  if (s.ndim() == rank_ + 2) return;
  throw ValueError("Kernel shape must have the same length as input, but received kernel of shape " +
                       kernel_shape_string(s) + " and input of shape " + to_string(s) + ".",
                   {.layer = name(), .expected = "rank " + std::to_string(rank_ + 2), .received = to_string(s),
                    .hint = class_name() + " takes inputs shaped " + layout() + "; reshape the input to rank " +
                            std::to_string(rank_ + 2) +
                            (rank_ < 3 ? " (or use the " + std::to_string(rank_ + 1) +
                                             "D version of the layer for one more spatial axis)"
                                       : "") +
                            "."});
}

int64_t ConvLayerBase::channels_of(const Shape& s) {
  const int axis = channels_first_ ? 1 : -1;
  const Dim c = s[axis];
  if (c.is_none())
    throw ValueError("The channel dimension of the inputs should be defined. The input_shape received is " +
                         to_string(s) + ", where axis " + std::to_string(axis) +
                         " (0-based) is the channel dimension, which found to be `None`.",
                     {.layer = name(), .received = to_string(s),
                      .hint = "give the model a concrete number of channels, e.g. Input(shape=" + example_shape(1) +
                              ")."});
  in_channels_ = c.value();
  input_spec = {InputSpec{.min_ndim = rank_ + 2, .axes = {{axis, in_channels_}}}};
  return in_channels_;
}

std::string ConvLayerBase::final_activation() const {
  const std::string n = activation_->name();
  return n == "softmax" || n == "sigmoid" ? n : "";
}

bool ConvLayerBase::relu_output() const { return activation_ == activations::get("relu"); }

double ConvLayerBase::regularization_penalty(bool accumulate_grads) {
  if (!built_ || !trainable()) return 0.0;
  double total = 0.0;
  for (const auto& [r, v] : regularized()) {
    if (!r || !v || !v->trainable) continue;
    total += r->penalty(v->value);
    if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
  }
  return total;
}

bool ConvLayerBase::relu_fusable() const {
  static const auto relu = activations::get("relu");
  return activation_ == relu;
}

Tensor ConvLayerBase::activate(const Tensor& z, CallContext& ctx, bool fused_relu) const {
  if (ctx.saved.empty()) ctx.saved.resize(1);
  ctx.saved[0] = Tensor();
  if (activation_->is_linear() || fused_relu) return z;
  // Keep the pre-activation when backward needs it, or when a loss may take over the activation.
  const bool keep_z = activation_->backward_needs_input() || !final_activation().empty();
  Tensor y = keep_z ? Tensor::empty(z.dims()) : z;
  const int64_t cols = z.dims().back();
  activation_->forward(z.data(), y.data(), z.size() / cols, cols);
  if (keep_z) ctx.saved[0] = z;
  return y;
}

Tensor ConvLayerBase::activation_grad(const Tensor& g, const CallContext& ctx) const {
  if (activation_->is_linear() || ctx.grad_wrt_preactivation) return g;
  const Tensor& y = ctx.outputs.at(0);
  const Tensor& z = !ctx.saved.empty() && ctx.saved[0].defined() ? ctx.saved[0] : y;
  Tensor dz = Tensor::empty(g.dims());
  const int64_t cols = g.dims().back();
  activation_->backward(z.data(), y.data(), g.data(), dz.data(), g.size() / cols, cols);
  return dz;
}

backend::ConvSpec ConvLayerBase::conv_spec(int64_t batch, const std::vector<int64_t>& in_size, int64_t in_channels,
                                           int64_t filters, int64_t groups, const Shape& for_errors) const {
  backend::ConvSpec s;
  s.rank = rank_;
  s.channels_first = channels_first_;
  s.batch = batch;
  s.in_channels = in_channels;
  s.filters = filters;
  s.groups = groups;
  s.kernel = kernel_size_;
  s.strides = strides_;
  s.dilation = dilation_;
  for (size_t u = 0; u < in_size.size(); ++u) {
    const backend::ConvDim d =
        backend::conv_output_dim(in_size[u], kernel_size_[u], strides_[u], dilation_[u], padding_);
    if (d.out <= 0) throw_too_small(for_errors);
    s.in_size.push_back(in_size[u]);
    s.out_size.push_back(d.out);
    s.pad_before.push_back(d.pad_before);
    s.pad_after.push_back(d.pad_after);
  }
  return s;
}

std::vector<int64_t> ConvLayerBase::spatial_dims(const Tensor& x) const {
  std::vector<int64_t> v;
  for (int i = 0; i < rank_; ++i) v.push_back(x.dims()[static_cast<size_t>(spatial_axis(i))]);
  return v;
}

std::vector<int64_t> ConvLayerBase::out_dims(int64_t batch, const std::vector<int64_t>& spatial,
                                             int64_t channels) const {
  std::vector<int64_t> d{batch};
  if (channels_first_) d.push_back(channels);
  d.insert(d.end(), spatial.begin(), spatial.end());
  if (!channels_first_) d.push_back(channels);
  return d;
}

std::string ConvLayerBase::hint_for(const SpecViolation& v) const {
  const std::string who = class_name() + " needs inputs shaped " + layout();
  if (v.kind == SpecViolation::Kind::min_ndim || v.kind == SpecViolation::Kind::ndim) {
    const Shape& r = v.received;
    const std::string batch = r.ndim() > 0 && r[0].known() ? std::to_string(r[0].value()) : "-1";
    if (!v.producer.empty())
      return who + ", but the previous layer \"" + v.producer + "\" outputs " + to_string(r) +
             ": add a Reshape layer between them, e.g. Reshape(" + suggest_sample_shape(r) + ").";
    if (r.ndim() == rank_ + 1 && r.fully_known()) {
      // Probably the channels axis is missing: (100, 28, 28) -> (100, 28, 28, 1).
      std::vector<int64_t> d = r.as_vector();
      d.insert(channels_first_ ? d.begin() + 1 : d.end(), 1);
      return who + ": add the channels axis, e.g. x.reshape(" + braces(d) + ").";
    }
    std::string shape = suggest_sample_shape(r);
    return who + ": reshape the data, e.g. x.reshape({" + batch + ", " + shape.substr(1) + ").";
  }
  if (v.kind == SpecViolation::Kind::axis) {
    const Shape& r = v.received;
    const VariablePtr kernel = main_kernel();
    std::string got = v.axis < r.ndim() && -v.axis <= r.ndim() ? to_string(r[v.axis]) : "no";
    std::string who2 = "layer \"" + name() + "\" (" + class_name() + ") was built for inputs with " +
                       std::to_string(v.expected_value) + " channels (its kernel has shape " +
                       (kernel ? to_string(kernel->value.shape()) : std::string("?")) + ") but got " + got;
    if (!v.producer.empty())
      return who2 + " from the previous layer \"" + v.producer + "\": give that layer " +
             std::to_string(v.expected_value) + " output channels, or use a new " + class_name() + " layer here.";
    if (declared_input_shape())
      return who2 + ": set input_shape=" + braces_of(r.without_batch()) + " to match the data, or convert the data "
             "to " + std::to_string(v.expected_value) + " channels.";
    return who2 + ": a layer's kernel fixes its input channels; use a new " + class_name() +
           " layer for these inputs, or convert the data to " + std::to_string(v.expected_value) + " channels.";
  }
  return SingleInputLayer::hint_for(v);
}

int64_t ConvLayerBase::required_filters(const kw::Kwargs& k) const {
  auto filters = k.get<int>("filters");
  const bool has_kernel = !kernel_size_.empty();
  if (!filters || !has_kernel) {
    std::string missing = !filters && !has_kernel ? "2 required positional arguments: 'filters' and 'kernel_size'"
                          : !filters              ? "1 required positional argument: 'filters'"
                                                  : "1 required positional argument: 'kernel_size'";
    throw TypeError(class_name() + ".__init__() missing " + missing,
                    {.layer = name(), .hint = "give the number of filters and the window size: " + class_name() +
                                              "(32, " + example_kernel() + ")."});
  }
  return *filters;
}

std::vector<int64_t> ConvLayerBase::standardize_tuple(const IntTuple& t, const std::string& arg,
                                                      bool allow_zero) const {
  std::vector<int64_t> v = t.expand(static_cast<size_t>(rank_));
  std::string received = t.values.size() == 1 ? std::to_string(t.values[0]) : py_tuple(t.values);
  std::string msg = "The `" + arg + "` argument must be a tuple of " + std::to_string(rank_) + " integers. Received " +
                    arg + "=" + received;
  if (v.size() != static_cast<size_t>(rank_))
    throw ValueError(msg, {.layer = name(), .expected = std::to_string(rank_) + " integers", .received = received,
                           .hint = "give one int for every axis, or one value per spatial axis (" + spatial_names() +
                                   "): " + arg + "=" + (arg == "kernel_size" ? example_kernel() : "1") + "."});
  std::set<int64_t> bad;
  for (int64_t x : v)
    if (allow_zero ? x < 0 : x <= 0) bad.insert(x);
  if (!bad.empty()) {
    msg += ", including values {";
    bool first = true;
    for (int64_t b : bad) {
      msg += (first ? "" : ", ") + std::to_string(b);
      first = false;
    }
    msg += allow_zero ? "} that do not satisfy `value >= 0`" : "} that do not satisfy `value > 0`";
    throw ValueError(msg, {.layer = name(), .expected = allow_zero ? "non-negative integers" : "positive integers",
                           .received = received,
                           .hint = arg + " values count pixels and must be at least " + (allow_zero ? "0" : "1") +
                                   (arg == "kernel_size" ? ", e.g. kernel_size=" + example_kernel()
                                                         : ", e.g. " + arg + "=" + (allow_zero ? "0" : "1")) +
                                   "."});
  }
  return v;
}

std::string ConvLayerBase::standardize_padding(const PaddingArg& p, bool allow_causal) const {
  std::string padding = lower(p.mode);
  if (!p.is_mode()) {
    padding = "(";
    for (size_t i = 0; i < p.values.size(); ++i) {
      std::vector<int64_t> v = p.values[i];
      padding += (i ? ", " : "") + (v.size() == 1 ? std::to_string(v[0]) : py_tuple(v));
    }
    padding += p.values.size() == 1 ? ",)" : ")";
  }
  const bool ok = padding == "valid" || padding == "same" || (allow_causal && padding == "causal");
  if (!ok) {
    const std::string allowed = allow_causal ? "{'valid', 'same', 'causal'}" : "{'valid', 'same'}";
    throw ValueError("The `padding` argument must be a list/tuple or one of " + allowed + ". Received: " + padding,
                     {.layer = name(), .expected = allowed, .received = padding,
                      .hint = std::string("use padding=\"valid\" (no padding: the output is smaller than the input) "
                                          "or padding=\"same\" (zero padding: the output keeps the input's size "
                                          "when strides=1)") +
                              (allow_causal ? ", or \"causal\" for outputs that see only earlier steps" : "") +
                              (p.is_mode() ? "." : "; for explicit padding sizes, put a ZeroPadding" +
                                                       std::to_string(rank_) + "D layer before this one.")});
  }
  return padding;
}

std::string ConvLayerBase::spatial_names() const {
  return rank_ == 1 ? "steps" : rank_ == 2 ? "height, width" : "depth, height, width";
}
std::string ConvLayerBase::layout() const {
  return channels_first_ ? "(batch, channels, " + spatial_names() + ")" : "(batch, " + spatial_names() + ", channels)";
}

void ConvLayerBase::throw_too_small(const Shape& s) const {
  std::vector<int64_t> extent(kernel_size_.size());
  for (size_t i = 0; i < extent.size(); ++i) extent[i] = dilation_[i] * (kernel_size_[i] - 1) + 1;
  std::string spatial = "(";
  for (int i = 0; i < rank_; ++i) spatial += (i ? ", " : "") + to_string(s[spatial_axis(i)]);
  spatial += rank_ == 1 ? ",)" : ")";
  std::string window = by(kernel_size_) + " kernel";
  if (extent != kernel_size_) window += " (a " + by(extent) + " window with dilation_rate=" + py_tuple(dilation_) + ")";
  throw ValueError(
      "Computed output size would be zero or negative. Received `inputs shape=" + to_string(s) +
          "`, `kernel shape=" + kernel_shape_string(s) + "`, `dilation_rate=" + np_array(dilation_) +
          "`, `strides=" + py_tuple(strides_) + "`, `padding=" + padding_ + "`.",
      {.layer = name(), .expected = "spatial size at least " + by(extent), .received = to_string(s),
       .hint = "the input " + to_string(s) + " (" + spatial_names() + " " + spatial + ") is smaller than the " +
               window + " of layer \"" + name() + "\": use padding=\"same\", a smaller kernel, or fewer pooling "
               "layers before it."});
}

// A plausible per-sample shape for data with these dims, as a brace list: the declared input_shape when the sizes
// agree, else a square/cube image with one channel when the per-sample size allows it.
std::string ConvLayerBase::suggest_sample_shape(const Shape& r) const {
  std::optional<int64_t> n;
  if (r.ndim() >= 1) n = r.without_batch().num_elements();
  if (const auto& d = declared_input_shape()) {
    auto want = d->without_batch().num_elements();
    if (want && (!n || *n == *want)) return braces_of(d->without_batch());
  }
  if (n && *n > 0) {
    if (rank_ == 1) return channels_first_ ? "{1, " + std::to_string(*n) + "}" : "{" + std::to_string(*n) + ", 1}";
    auto side = static_cast<int64_t>(std::llround(std::pow(static_cast<double>(*n), 1.0 / rank_)));
    int64_t p = 1;
    for (int i = 0; i < rank_; ++i) p *= side;
    if (p == *n) return example_shape(side);
  }
  return channels_first_ ? "{channels, " + spatial_names() + "}" : "{" + spatial_names() + ", channels}";
}

// {s, s, 1} (channels_last) or {1, s, s} for a square/cube of side s with one channel.
std::string ConvLayerBase::example_shape(int64_t side) const {
  if (side == 1) side = rank_ == 1 ? 100 : rank_ == 2 ? 28 : 16;
  std::vector<int64_t> d(static_cast<size_t>(rank_), side);
  d.insert(channels_first_ ? d.begin() : d.end(), 1);
  return braces(d);
}

}  // namespace keras::layers::detail

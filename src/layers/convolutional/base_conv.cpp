#include "layers/convolutional/base_conv.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "backend/conv_kernels.hpp"
#include "backend/kernels.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers::detail {

namespace {

// Python's repr of a tuple of ints: (3, 3) or (3,).
std::string py_tuple(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}
// numpy's str of an int array: [1 1].
std::string np_array(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + std::to_string(v[i]);
  return s + "]";
}
// C++ brace list for hints: {3, 3}.
std::string braces(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}
// 3x3, 3x3x3, 5.
std::string by(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class ConvImpl : public SingleInputLayer {
 public:
  ConvImpl(int rank, const std::string& class_name, const kw::Kwargs& k) : SingleInputLayer(class_name, k), rank_(rank) {
    auto filters = k.get<int>("filters");
    auto kernel_size = k.get<IntTuple>("kernel_size");
    const std::string example = class_name + "(32, " + (rank == 1 ? "3" : rank == 2 ? "{3, 3}" : "{3, 3, 3}") + ")";
    if (!filters || !kernel_size) {
      std::string missing = !filters && !kernel_size ? "2 required positional arguments: 'filters' and 'kernel_size'"
                            : !filters               ? "1 required positional argument: 'filters'"
                                                     : "1 required positional argument: 'kernel_size'";
      throw TypeError(class_name + ".__init__() missing " + missing,
                      {.layer = name(), .hint = "give the number of filters and the window size: " + example + "."});
    }
    kernel_size_ = standardize_tuple(*kernel_size, "kernel_size");
    strides_ = standardize_tuple(k.get_or<IntTuple>("strides", IntTuple(1)), "strides");
    dilation_ = standardize_tuple(k.get_or<IntTuple>("dilation_rate", IntTuple(1)), "dilation_rate");
    padding_ = standardize_padding(k.get_or<PaddingArg>("padding", PaddingArg("valid")));
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
    kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);  // an unknown name is an error now, not when the layer is first built
    initializers::get(bias_init_);
    kernel_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
    input_spec = {InputSpec{.min_ndim = rank_ + 2}};

    filters_ = *filters;
    groups_ = k.get_or("groups", 1);
    if (filters_ <= 0)
      throw ValueError("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=" +
                           std::to_string(filters_) + ".",
                       {.layer = name(), .expected = "filters > 0", .received = std::to_string(filters_),
                        .hint = "filters is the number of output channels: use a positive number, e.g. " + example +
                                "."});
    if (groups_ <= 0)
      throw ValueError("The number of groups must be a positive integer. Received: groups=" +
                           std::to_string(groups_) + ".",
                       {.layer = name(), .expected = "groups > 0", .received = std::to_string(groups_),
                        .hint = "groups=1 (the default) is an ordinary convolution; groups=g splits the channels into "
                                "g independent convolutions."});
    if (filters_ % groups_ != 0)
      throw ValueError("The number of filters must be evenly divisible by the number of groups. Received: groups=" +
                           std::to_string(groups_) + ", filters=" + std::to_string(filters_) + ".",
                       {.layer = name(), .expected = "filters divisible by " + std::to_string(groups_),
                        .received = "filters=" + std::to_string(filters_),
                        .hint = "each group makes filters / groups output channels: use a multiple of " +
                                std::to_string(groups_) + " for filters (e.g. " +
                                std::to_string((filters_ / groups_ + 1) * groups_) + "), or fewer groups."});
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

  std::string final_activation() const override {
    const std::string n = activation_->name();
    return n == "softmax" || n == "sigmoid" ? n : "";
  }
  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.saved.empty() ? Tensor() : ctx.saved[0];
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    double total = 0.0;
    auto add = [&](const std::shared_ptr<const regularizers::Regularizer>& r, const VariablePtr& v) {
      if (!r || !v || !v->trainable) return;
      total += r->penalty(v->value);
      if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
    };
    add(kernel_regularizer_, kernel_);
    add(bias_regularizer_, bias_);
    return total;
  }

  Shape compute_output_shape(const Shape& s) override {
    if (s.ndim() != rank_ + 2) {
      throw ValueError("Kernel shape must have the same length as input, but received kernel of shape " +
                           kernel_shape_string(s) + " and input of shape " + to_string(s) + ".",
                       {.layer = name(), .expected = "rank " + std::to_string(rank_ + 2),
                        .received = to_string(s),
                        .hint = class_name() + " takes inputs shaped " + layout() + "; reshape the input to rank " +
                                std::to_string(rank_ + 2) + (rank_ < 3 ? " (or use Conv" + std::to_string(rank_ + 1) +
                                                                             "D for one more spatial axis)"
                                                                       : "") +
                                "."});
    }
    std::vector<Dim> out{s[0]};
    if (channels_first_) out.push_back(Dim(filters_));
    for (int i = 0; i < rank_; ++i) {
      const Dim& d = s[spatial_axis(i)];
      if (d.is_none()) {
        out.push_back(Dim(None));
        continue;
      }
      auto u = static_cast<size_t>(i);
      int64_t o = backend::conv_output_dim(d.value(), kernel_size_[u], strides_[u], dilation_[u], padding_).out;
      if (o <= 0) throw_too_small(s);
      out.push_back(Dim(o));
    }
    if (!channels_first_) out.push_back(Dim(filters_));
    return Shape(std::move(out));
  }

  void build_one(const Shape& s) override {
    const int axis = channels_first_ ? 1 : -1;
    const Dim c = s[axis];
    if (c.is_none())
      throw ValueError("The channel dimension of the inputs should be defined. The input_shape received is " +
                           to_string(s) + ", where axis " + std::to_string(axis) +
                           " (0-based) is the channel dimension, which found to be `None`.",
                       {.layer = name(), .received = to_string(s),
                        .hint = "give the model a concrete number of channels, e.g. Input(shape=" +
                                example_shape(1) + ")."});
    in_channels_ = c.value();
    input_spec = {InputSpec{.min_ndim = rank_ + 2, .axes = {{axis, in_channels_}}}};
    if (in_channels_ % groups_ != 0)
      throw ValueError("The number of input channels must be evenly divisible by the number of groups. Received "
                       "groups=" + std::to_string(groups_) + ", but the input has " + std::to_string(in_channels_) +
                           " channels (full input shape is " + to_string(s) + ").",
                       {.layer = name(), .expected = "channels divisible by " + std::to_string(groups_),
                        .received = to_string(s),
                        .hint = "groups must divide the input's " + std::to_string(in_channels_) +
                                " channels as well as filters=" + std::to_string(filters_) +
                                ": use groups=1 or a common divisor."});
    compute_output_shape(s);  // the output-size checks, when the model is defined
    std::vector<int64_t> kshape = kernel_size_;
    kshape.push_back(in_channels_ / groups_);
    kshape.push_back(filters_);
    kernel_ = add_weight("kernel", kshape, kernel_init_);
    if (use_bias_) bias_ = add_weight("bias", {filters_}, bias_init_);
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const backend::ConvSpec spec = spec_for(x);
    Tensor z = Tensor::empty(out_dims(spec));
    static const auto relu = activations::get("relu");
    const bool fuse_relu = activation_ == relu;
    backend::ConvSaved saved;
    backend::conv_forward(spec, x.data(), kernel_->value.data(), use_bias_ ? bias_->value.data() : nullptr, z.data(),
                          fuse_relu ? backend::ConvActivation::relu : backend::ConvActivation::none,
                          ctx.training ? &saved : nullptr);
    ctx.saved.assign(4, Tensor());
    if (ctx.training) {
      ctx.saved[1] = saved.src;
      ctx.saved[2] = saved.weights;
      ctx.saved[3] = Tensor::scalar(static_cast<float>(saved.producer));
    }
    if (activation_->is_linear() || fuse_relu) return z;
    // Keep the pre-activation when backward needs it, or when a loss may take over the activation.
    const bool keep_z = activation_->backward_needs_input() || !final_activation().empty();
    Tensor y = keep_z ? Tensor::empty(z.dims()) : z;
    const int64_t cols = z.dims().back();
    activation_->forward(z.data(), y.data(), z.size() / cols, cols);
    if (keep_z) ctx.saved[0] = z;
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const backend::ConvSpec spec = spec_for(x);
    Tensor dz = g;
    if (!activation_->is_linear() && !ctx.grad_wrt_preactivation) {
      const Tensor& y = ctx.outputs.at(0);
      const Tensor& z = ctx.saved.size() > 0 && ctx.saved[0].defined() ? ctx.saved[0] : y;
      dz = Tensor::empty(g.dims());
      const int64_t cols = g.dims().back();
      activation_->backward(z.data(), y.data(), g.data(), dz.data(), g.size() / cols, cols);
    }
    backend::ConvSaved saved;
    if (ctx.saved.size() == 4 && ctx.saved[3].defined()) {
      saved.src = ctx.saved[1];
      saved.weights = ctx.saved[2];
      saved.producer = static_cast<int>(ctx.saved[3].item());
    }
    const bool train_kernel = trainable() && kernel_->trainable;
    const bool train_bias = use_bias_ && trainable() && bias_->trainable;
    Tensor dx;
    if (ctx.input_needs_grad(0)) dx = Tensor::empty(x.dims());
    backend::conv_backward(spec, x.data(), kernel_->value.data(), dz.data(), dx.defined() ? dx.data() : nullptr,
                           train_kernel ? grad_of(*kernel_).data() : nullptr,
                           train_bias ? grad_of(*bias_).data() : nullptr, &saved);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
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
      std::string got = v.axis < r.ndim() && -v.axis <= r.ndim() ? to_string(r[v.axis]) : "no";
      std::string who2 = "layer \"" + name() + "\" (" + class_name() + ") was built for inputs with " +
                         std::to_string(v.expected_value) + " channels (its kernel has shape " +
                         (kernel_ ? to_string(kernel_->value.shape()) : std::string("?")) + ") but got " + got;
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

 private:
  std::vector<int64_t> standardize_tuple(const IntTuple& t, const std::string& arg) const {
    std::vector<int64_t> v = t.expand(static_cast<size_t>(rank_));
    std::string received = t.values.size() == 1 ? std::to_string(t.values[0]) : py_tuple(t.values);
    std::string msg = "The `" + arg + "` argument must be a tuple of " + std::to_string(rank_) + " integers. Received " +
                      arg + "=" + received;
    const std::string example = rank_ == 1 ? "3" : rank_ == 2 ? "{3, 3}" : "{3, 3, 3}";
    if (v.size() != static_cast<size_t>(rank_))
      throw ValueError(msg, {.layer = name(), .expected = std::to_string(rank_) + " integers", .received = received,
                             .hint = "give one int for every axis, or one value per spatial axis (" + spatial_names() +
                                     "): " + arg + "=" + (arg == "kernel_size" ? example : "1") + "."});
    std::set<int64_t> bad;
    for (int64_t x : v)
      if (x <= 0) bad.insert(x);
    if (!bad.empty()) {
      msg += ", including values {";
      bool first = true;
      for (int64_t b : bad) {
        msg += (first ? "" : ", ") + std::to_string(b);
        first = false;
      }
      msg += "} that do not satisfy `value > 0`";
      throw ValueError(msg, {.layer = name(), .expected = "positive integers", .received = received,
                             .hint = arg + " values count pixels and must be at least 1" +
                                     (arg == "kernel_size" ? std::string(", e.g. kernel_size=") + example
                                                           : ", e.g. " + arg + "=1") + "."});
    }
    return v;
  }

  std::string standardize_padding(const PaddingArg& p) const {
    std::string padding = lower(p.mode);
    if (!p.is_mode()) {
      padding = "(";
      for (size_t i = 0; i < p.values.size(); ++i) {
        std::vector<int64_t> v = p.values[i];
        padding += (i ? ", " : "") + (v.size() == 1 ? std::to_string(v[0]) : py_tuple(v));
      }
      padding += p.values.size() == 1 ? ",)" : ")";
    }
    const bool ok = padding == "valid" || padding == "same" || (rank_ == 1 && padding == "causal");
    if (!ok) {
      const std::string allowed = rank_ == 1 ? "{'valid', 'same', 'causal'}" : "{'valid', 'same'}";
      throw ValueError("The `padding` argument must be a list/tuple or one of " + allowed + ". Received: " + padding,
                       {.layer = name(), .expected = allowed, .received = padding,
                        .hint = std::string("use padding=\"valid\" (no padding: the output is smaller than the input) "
                                            "or padding=\"same\" (zero padding: the output keeps the input's size "
                                            "when strides=1)") +
                                (rank_ == 1 ? ", or \"causal\" for outputs that see only earlier steps" : "") +
                                (p.is_mode() ? "." : "; for explicit padding sizes, put a ZeroPadding" +
                                                         std::to_string(rank_) + "D layer before this one.")});
    }
    return padding;
  }

  std::string spatial_names() const {
    return rank_ == 1 ? "steps" : rank_ == 2 ? "height, width" : "depth, height, width";
  }
  std::string layout() const {
    return channels_first_ ? "(batch, channels, " + spatial_names() + ")" : "(batch, " + spatial_names() + ", channels)";
  }
  int spatial_axis(int i) const { return channels_first_ ? 2 + i : 1 + i; }

  // Kernel shape as Keras's compute_conv_output_shape prints it: kernel_size + (input channels, filters).
  std::string kernel_shape_string(const Shape& s) const {
    std::string out = "(";
    for (int64_t k : kernel_size_) out += std::to_string(k) + ", ";
    const Dim c = s.ndim() == 0 ? Dim(None) : channels_first_ ? (s.ndim() > 1 ? s[1] : Dim(None)) : s[-1];
    return out + to_string(c) + ", " + std::to_string(filters_) + ")";
  }

  [[noreturn]] void throw_too_small(const Shape& s) const {
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
  std::string suggest_sample_shape(const Shape& r) const {
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
  std::string example_shape(int64_t side) const {
    if (side == 1) side = rank_ == 1 ? 100 : rank_ == 2 ? 28 : 16;
    std::vector<int64_t> d(static_cast<size_t>(rank_), side);
    d.insert(channels_first_ ? d.begin() : d.end(), 1);
    return braces(d);
  }
  static std::string braces_of(const Shape& s) {
    std::string out = "{";
    for (int i = 0; i < s.ndim(); ++i) out += (i ? ", " : "") + to_string(s[i]);
    return out + "}";
  }

  backend::ConvSpec spec_for(const Tensor& x) const {
    backend::ConvSpec s;
    s.rank = rank_;
    s.channels_first = channels_first_;
    s.batch = x.dims()[0];
    s.in_channels = in_channels_;
    s.filters = filters_;
    s.groups = groups_;
    s.kernel = kernel_size_;
    s.strides = strides_;
    s.dilation = dilation_;
    for (int i = 0; i < rank_; ++i) {
      const auto u = static_cast<size_t>(i);
      const int64_t in = x.dims()[static_cast<size_t>(spatial_axis(i))];
      const backend::ConvDim d = backend::conv_output_dim(in, kernel_size_[u], strides_[u], dilation_[u], padding_);
      if (d.out <= 0) throw_too_small(x.shape());
      s.in_size.push_back(in);
      s.out_size.push_back(d.out);
      s.pad_before.push_back(d.pad_before);
      s.pad_after.push_back(d.pad_after);
    }
    return s;
  }
  std::vector<int64_t> out_dims(const backend::ConvSpec& s) const {
    std::vector<int64_t> d{s.batch};
    if (channels_first_) d.push_back(filters_);
    d.insert(d.end(), s.out_size.begin(), s.out_size.end());
    if (!channels_first_) d.push_back(filters_);
    return d;
  }

  int rank_;
  int64_t filters_ = 0, groups_ = 1, in_channels_ = 0;
  std::vector<int64_t> kernel_size_, strides_, dilation_;
  std::string padding_;
  bool channels_first_ = false, use_bias_ = true;
  std::shared_ptr<const activations::ActivationKernel> activation_;
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_regularizer_, bias_regularizer_;
  VariablePtr kernel_, bias_;
};

}  // namespace

std::shared_ptr<LayerImpl> make_conv_layer(int rank, const std::string& class_name, const kw::Kwargs& kwargs) {
  return std::make_shared<ConvImpl>(rank, class_name, kwargs);
}

}  // namespace keras::layers::detail

#include "layers/pooling/base_pooling.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "backend/spatial.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "layers/convolutional/conv_pool_fusion.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::detail {

namespace {

// The layer of the same kind for data of `rank` ("MaxPooling2D", 5 -> "MaxPooling3D"); "" where there is none.
std::string pooling_of_rank(const std::string& class_name, int rank) {
  if (rank < 3 || rank > 5) return "";
  std::string s = class_name;
  s[s.size() - 2] = static_cast<char>('0' + rank - 2);
  return s;
}

class PoolingImpl : public SingleInputLayer, public ConvPoolConsumer {
 public:
  PoolingImpl(const std::string& class_name, int dims, PoolMode mode, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims), mode_(mode) {
    const std::string example = dims == 1 ? "pool_size=2" : dims == 2 ? "pool_size={2, 2}" : "pool_size={2, 2, 2}";
    const auto dims_n = static_cast<size_t>(dims);
    if (k.is_none("pool_size"))
      throw ValueError("The `pool_size` argument must be a tuple of " + std::to_string(dims) +
                           " integers. Received pool_size=None",
                       {.layer = name(), .received = "None",
                        .hint = "pool_size is the window size: leave it out for Keras's default (2), or write " +
                                example + "."});
    pool_ = spatial::standardize_tuple(k.get_or<IntTuple>("pool_size", IntTuple(2)).values, dims_n, "pool_size",
                                       false, name(),
                                       "pool_size is the window size, one positive int per spatial axis (or one int "
                                       "for all), e.g. " + example + ".");
    // strides=None (or left out) means strides = pool_size: windows that do not overlap.
    if (auto s = k.get<IntTuple>("strides"))
      strides_ = spatial::standardize_tuple(s->values, dims_n, "strides", false, name(),
                                            "strides is the step between windows, one positive int per spatial axis; "
                                            "leave it out to step by pool_size.");
    else
      strides_ = pool_;
    PaddingArg padding = k.get_or<PaddingArg>("padding", PaddingArg("valid"));
    std::string mode_str = padding.mode;
    std::transform(mode_str.begin(), mode_str.end(), mode_str.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!padding.is_mode() || (mode_str != "valid" && mode_str != "same"))
      throw ValueError("Argument `padding` must be either 'valid' or 'same'. Received: padding=" +
                           spatial::py_value(padding),
                       {.layer = name(), .expected = "'valid' or 'same'", .received = spatial::py_value(padding),
                        .hint = "padding=\"valid\" uses only whole windows; padding=\"same\" keeps ceil(size / "
                                "strides) outputs per axis. To add zeros around the data use ZeroPadding" +
                                std::to_string(dims) + "D first."});
    same_ = mode_str == "same";
    channels_first_ = spatial::channels_first(k, name());
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out = s;
    const int first = channels_first_ ? 2 : 1;
    bool bad = false;
    for (int i = 0; i < dims_; ++i) {
      const Dim d = s[first + i];
      if (d.is_none()) continue;
      const int64_t k = pool_[static_cast<size_t>(i)], st = strides_[static_cast<size_t>(i)];
      // numpy's floor division, so that sizes below the window give zero or less.
      const int64_t n = same_ ? d.value() - 1 : d.value() - k;
      const auto o = static_cast<int64_t>(std::floor(static_cast<double>(n) / static_cast<double>(st))) + 1;
      if (!same_ && o <= 0) bad = true;
      out[first + i] = Dim(o);
    }
    if (bad) throw_too_small(s);
    return out;
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    compute_output_shape(x.shape());  // eager calls get the same "would be zero or negative" error
    const backend::PoolSpec p = geometry(x.dims());
    Tensor y = Tensor::empty(out_dims(x.dims(), p));
    ctx.saved.clear();
    // Training max pooling keeps where each maximum was (oneDNN's workspace, in a float buffer), so backward needs
    // no second search.
    const size_t bytes = ctx.training ? backend::pool_workspace_bytes(p) : 0;
    if (bytes > 0) {
      Tensor workspace = Tensor::empty({static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float))});
      backend::pool_forward(p, x.data(), y.data(), workspace.data());
      ctx.saved = {workspace};
    } else {
      backend::pool_forward(p, x.data(), y.data(), nullptr);
    }
    return y;
  }

  bool folds_input_relu() const override { return mode_ == PoolMode::max; }

  bool halves_by_max() const override {
    return mode_ == PoolMode::max && dims_ == 2 && !channels_first_ && !same_ && pool_ == std::vector<int64_t>{2, 2} &&
           strides_ == std::vector<int64_t>{2, 2};
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const backend::PoolSpec p = geometry(x.dims());
    Tensor dx = Tensor::empty(x.dims());
    // The input is relu(z): each gradient goes to its window's maximum m, where relu'(z) is (m > 0), and m is the
    // output. Masking the output's gradient here is the producer's whole relu backward.
    const Tensor dy =
        ctx.fold_input_relu ? activations::gradient(*activations::get("relu"), Tensor(), ctx.outputs.at(0), g) : g;
    backend::pool_backward(p, x.data(), ctx.saved.empty() ? nullptr : ctx.saved[0].data(), dy.data(), dx.data());
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    return spatial::rank_hint(class_name(), dims_, channels_first_,
                              pooling_of_rank(class_name(), v.received.ndim()), v);
  }

 private:
  // The kernels' view of x: 1-D data is one row of steps (d = h = 1), 2-D data one slice (d = 1).
  backend::PoolSpec geometry(const std::vector<int64_t>& d) const {
    backend::PoolSpec p;
    p.n = d[0];
    p.c = channels_first_ ? d[1] : d.back();
    p.channels_first = channels_first_;
    p.max = mode_ == PoolMode::max;
    const int first = channels_first_ ? 2 : 1;
    // Per kernel axis (depth, height, width): the size, window, step, output size and padding before and after.
    std::array<int64_t, 3> size{1, 1, 1}, k{1, 1, 1}, st{1, 1, 1}, out{1, 1, 1}, before{}, after{};
    for (int i = 0; i < dims_; ++i) {
      const auto j = static_cast<size_t>(i + 3 - dims_);  // fewer axes fill the last ones (1-D data: width)
      size[j] = d[static_cast<size_t>(first + i)];
      k[j] = pool_[static_cast<size_t>(i)];
      st[j] = strides_[static_cast<size_t>(i)];
      out[j] = same_ ? (size[j] + st[j] - 1) / st[j] : (size[j] >= k[j] ? (size[j] - k[j]) / st[j] + 1 : 0);
      if (same_) {
        // TensorFlow's "same": the total padding, the smaller half before.
        const int64_t total = std::max<int64_t>((out[j] - 1) * st[j] + k[j] - size[j], 0);
        before[j] = total / 2, after[j] = total - total / 2;
      }
    }
    p.d = size[0], p.h = size[1], p.w = size[2];
    p.kd = k[0], p.kh = k[1], p.kw = k[2];
    p.sd = st[0], p.sh = st[1], p.sw = st[2];
    p.od = out[0], p.oh = out[1], p.ow = out[2];
    p.pad_front = before[0], p.pad_top = before[1], p.pad_left = before[2];
    p.pad_back = after[0], p.pad_bottom = after[1], p.pad_right = after[2];
    return p;
  }

  std::vector<int64_t> out_dims(const std::vector<int64_t>& d, const backend::PoolSpec& p) const {
    const std::array<int64_t, 3> sizes{p.od, p.oh, p.ow};
    std::vector<int64_t> out = d;
    const int first = channels_first_ ? 2 : 1;
    for (int i = 0; i < dims_; ++i)
      out[static_cast<size_t>(first + i)] = sizes[static_cast<size_t>(i + 3 - dims_)];
    return out;
  }

  [[noreturn]] void throw_too_small(const Shape& s) const {
    // Keras prints numpy arrays: the input shape (None spatial sizes already replaced by -1) and pool_size.
    const int first = channels_first_ ? 2 : 1;
    std::string shape = "[", pool = "[", sizes, pools;
    for (int i = 0; i < s.ndim(); ++i) {
      const bool spatial = i >= first && i < first + dims_;
      shape += (i ? " " : "") + (s[i].known() ? std::to_string(s[i].value()) : spatial ? "-1" : "None");
    }
    for (int i = 0; i < dims_; ++i) {
      pool += (i ? " " : "") + std::to_string(pool_[static_cast<size_t>(i)]);
      sizes += (i ? ", " : "") + to_string(s[first + i]);
    }
    shape += "]";
    pool += "]";
    const std::string what = dims_ == 1 ? "steps" : dims_ == 2 ? "height and width" : "depth, height and width";
    throw ValueError("Computed output size would be zero or negative. Received: `inputs.shape=" + shape +
                         "`, `pool_size=" + pool + "`, `strides=" + spatial::py_tuple(strides_) +
                         "`, `padding=" + (same_ ? "same" : "valid") + "`.",
                     {.layer = name(), .expected = "spatial sizes >= pool_size " + spatial::py_tuple(pool_),
                      .received = to_string(s),
                      .hint = "with padding=\"valid\" every window must fit, but the input's " + what + " (" + sizes +
                              ") are smaller than pool_size " + spatial::py_tuple(pool_) +
                              ": use padding=\"same\", a smaller pool_size, or fewer downsampling layers before "
                              "this one."});
  }

  int dims_;
  PoolMode mode_;
  std::vector<int64_t> pool_, strides_;
  bool same_ = false;
  bool channels_first_ = false;
};

class GlobalPoolingImpl : public SingleInputLayer {
 public:
  GlobalPoolingImpl(const std::string& class_name, int dims, PoolMode mode, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims), mode_(mode) {
    channels_first_ = spatial::channels_first(k, name());
    keepdims_ = k.get_or("keepdims", false);
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out{s[0]};
    if (channels_first_) out.push_back(s[1]);
    if (keepdims_)
      for (int i = 0; i < dims_; ++i) out.push_back(Dim(1));
    if (!channels_first_) out.push_back(s[-1]);
    return out;
  }

  // Keras 3 gives only GlobalAveragePooling1D supports_masking (a masked mean); its output carries no mask. The
  // other global poolings drop a mask (with Keras's warning).
  bool supports_masking() const override { return dims_ == 1 && mode_ == PoolMode::average; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>&, const std::vector<Tensor>&,
                                    size_t n_outputs) const override {
    return std::vector<Tensor>(n_outputs, Tensor());
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    ctx.saved.clear();
    int64_t outer, steps, inner;
    view(x.dims(), outer, steps, inner);
    std::vector<int64_t> od = compute_output_shape(x.shape()).as_vector();
    Tensor y = Tensor::empty(od);
    if (const Tensor& m = ctx.input_mask(0); m.defined() && supports_masking()) {
      if (m.size() != x.dim(0) * steps)
        throw ValueError("Layer \"" + name() + "\" received a mask of shape " + to_string(m.shape()) +
                             " for an input of shape " + to_string(x.shape()) + ".",
                         {.layer = name(), .expected = "a (batch, steps) mask", .received = to_string(m.shape()),
                          .hint = "the mask needs one value per sample and step of the input."});
      // sum(m * x) / sum(m) over the steps is the plain mean of x scaled per step by m * steps / sum(m).
      Tensor w = step_weights(m, x.dims());
      ctx.saved = {w};
      Tensor xw = Tensor::empty(x.dims());
      scale_steps(x.data(), w.data(), xw.data(), x.dims());
      backend::global_avg_pool(xw.data(), y.data(), outer, steps, inner);
      return y;
    }
    if (mode_ == PoolMode::average) backend::global_avg_pool(x.data(), y.data(), outer, steps, inner);
    else backend::global_max_pool(x.data(), y.data(), outer, steps, inner);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    int64_t outer, steps, inner;
    view(x.dims(), outer, steps, inner);
    Tensor dx = Tensor::empty(x.dims());
    if (mode_ == PoolMode::average) backend::global_avg_pool_backward(g.data(), dx.data(), outer, steps, inner);
    else backend::global_max_pool_backward(x.data(), g.data(), dx.data(), outer, steps, inner);
    if (!ctx.saved.empty()) scale_steps(dx.data(), ctx.saved[0].data(), dx.data(), x.dims());
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    if (v.received.ndim() == 2) {
      const std::string from = v.producer.empty() ? "the input" : "the previous layer \"" + v.producer + "\"";
      return class_name() + " turns " + spatial::layout(dims_, false) + " into (batch, channels), but " + from +
             " already gives " + to_string(v.received) +
             ", with no " + (dims_ == 1 ? "steps axis" : "spatial axes") +
             " left to pool: remove this layer (or the Flatten before it).";
    }
    return spatial::rank_hint(class_name(), dims_, channels_first_,
                              pooling_of_rank(class_name(), v.received.ndim()), v);
  }

 private:
  // (outer, steps, inner): channels_last pools (batch, steps, channels) over steps; channels_first pools each
  // (batch * channel) row.
  void view(const std::vector<int64_t>& d, int64_t& outer, int64_t& steps, int64_t& inner) const {
    steps = 1;
    const size_t first = channels_first_ ? 2 : 1;
    for (size_t i = first; i < first + static_cast<size_t>(dims_); ++i) steps *= d[i];
    outer = channels_first_ ? d[0] * d[1] : d[0];
    inner = channels_first_ ? 1 : d.back();
  }

  // Per (sample, step) weights m * steps / sum(m) of a (batch, steps) mask. A sample with every step masked gets
  // 0/0, as Keras's masked mean does (NaN).
  static Tensor step_weights(const Tensor& m, const std::vector<int64_t>& x_dims) {
    const int64_t batch = x_dims.at(0);
    const int64_t steps = m.size() / std::max<int64_t>(batch, 1);
    Tensor w = Tensor::empty({batch, steps});
    const float* md = m.data();
    float* wd = w.data();
    for (int64_t b = 0; b < batch; ++b) {
      float valid = 0.0f;
      for (int64_t t = 0; t < steps; ++t) valid += md[b * steps + t] != 0.0f ? 1.0f : 0.0f;
      const float scale = static_cast<float>(steps) / valid;
      for (int64_t t = 0; t < steps; ++t) wd[b * steps + t] = md[b * steps + t] != 0.0f ? scale : 0.0f * scale;
    }
    return w;
  }

  // out = in * w per (sample, step): channels_last rows of `features`; channels_first (batch, features, steps).
  void scale_steps(const float* in, const float* w, float* out, const std::vector<int64_t>& d) const {
    const int64_t batch = d[0];
    const int64_t a = channels_first_ ? d[1] : d[2];  // features
    const int64_t steps = channels_first_ ? d[2] : d[1];
#pragma omp parallel for schedule(static) if (batch * steps * a > (1 << 16))
    for (int64_t b = 0; b < batch; ++b) {
      const float* wb = w + b * steps;
      if (channels_first_) {
        for (int64_t c = 0; c < a; ++c) {
          const float* src = in + (b * a + c) * steps;
          float* dst = out + (b * a + c) * steps;
#pragma omp simd
          for (int64_t t = 0; t < steps; ++t) dst[t] = src[t] * wb[t];
        }
      } else {
        for (int64_t t = 0; t < steps; ++t) {
          const float s = wb[t];
          const float* src = in + (b * steps + t) * a;
          float* dst = out + (b * steps + t) * a;
#pragma omp simd
          for (int64_t c = 0; c < a; ++c) dst[c] = src[c] * s;
        }
      }
    }
  }

  int dims_;
  PoolMode mode_;
  bool channels_first_ = false;
  bool keepdims_ = false;
};

}  // namespace

std::shared_ptr<LayerImpl> make_pooling(const std::string& class_name, int spatial_dims, PoolMode mode,
                                        const kw::Kwargs& kwargs) {
  return std::make_shared<PoolingImpl>(class_name, spatial_dims, mode, kwargs);
}

std::shared_ptr<LayerImpl> make_global_pooling(const std::string& class_name, int spatial_dims, PoolMode mode,
                                               const kw::Kwargs& kwargs) {
  return std::make_shared<GlobalPoolingImpl>(class_name, spatial_dims, mode, kwargs);
}

}  // namespace keras::layers::detail

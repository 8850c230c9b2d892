#include "keras/layers/preprocessing/normalization.hpp"

#include <cmath>
#include <optional>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/norm_kernels.hpp"

namespace keras::layers {

namespace {

constexpr double kEpsilon = 1e-7;  // keras.config.epsilon()

// mean= / variance=: one number (kw::mean is declared as a double) or a list of numbers.
std::optional<std::vector<double>> read_floats(const kw::Kwargs& k, std::string_view key) {
  if (!k.has(key) || k.is_none(key)) return std::nullopt;
  try {
    return std::vector<double>{*k.get<double>(key)};
  } catch (const TypeError&) {
  }
  return k.get<FloatList>(key)->values;
}

// Python's repr of a list of numbers (a single one as a scalar), for messages.
std::string repr(const std::optional<std::vector<double>>& v) {
  if (!v) return "None";
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s += '0';
    return s;
  };
  if (v->size() == 1) return num((*v)[0]);
  std::string out = "[";
  for (size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + num((*v)[i]);
  return out + "]";
}

std::string shape_repr(const std::vector<double>& v) {
  return v.size() == 1 ? "()" : "(" + std::to_string(v.size()) + ",)";
}

class NormalizationImpl : public SingleInputLayer {
 public:
  explicit NormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("Normalization", k) {
    if (k.is_none("axis")) axis_ = std::nullopt;
    else axis_ = k.get_or("axis", -1);
    invert_ = k.get_or("invert", false);
    input_mean_ = read_floats(k, "mean");
    input_variance_ = read_floats(k, "variance");
    if (input_mean_.has_value() != input_variance_.has_value())
      throw ValueError("When setting values directly, both `mean` and `variance` must be set. Received: mean=" +
                           repr(input_mean_) + " and variance=" + repr(input_variance_),
                       {.layer = name(), .hint = "give both, e.g. Normalization(mean=3.0, variance=2.0), or neither "
                                                 "and call adapt(data) to compute them."});
    if (input_mean_) {
      if (input_mean_->size() != input_variance_->size())
        throw ValueError("When setting values directly, `mean` and `variance` must have the same shape. Received: "
                         "mean shape " + shape_repr(*input_mean_) + " and variance shape " +
                             shape_repr(*input_variance_),
                         {.layer = name(), .hint = "give one mean and one variance per feature."});
      if (input_mean_->size() > 1 && !axis_)
        throw ValueError("The rank of `mean` must be less than or equal to the number of axes (0). Received: mean "
                         "shape " + shape_repr(*input_mean_) + " for axis ()",
                         {.layer = name(), .hint = "axis=None normalizes with one scalar mean and variance; to keep "
                                                   "one per feature, leave axis at -1 (the features axis)."});
    }
  }

  Shape compute_output_shape(const Shape& s) override {
    if (axis_) keep_axis(s);
    return s;
  }

  void build_one(const Shape& s) override {
    features_ = 1;
    if (axis_) {
      int d = keep_axis(s);
      if (s[d].is_none())
        throw ValueError("All `axis` values to be kept must have a known shape. Received axis=" + axis_repr() +
                             ", inputs.shape=" + to_string(s) + ", with unknown axis at index " + std::to_string(d),
                         {.layer = name(), .received = to_string(s),
                          .hint = "the features axis must have a fixed size (one mean and variance per feature); "
                                  "use axis=None for a single scalar mean and variance."});
      features_ = s[d].value();
      input_spec = {InputSpec{.min_ndim = *axis_ < 0 ? -*axis_ : *axis_ + 1, .axes = {{*axis_, features_}}}};
    }
    build_shape_ = s;
    std::vector<int64_t> stat_shape = axis_ ? std::vector<int64_t>{features_} : std::vector<int64_t>{};
    if (!input_mean_) {
      mean_ = add_weight("mean", stat_shape, "zeros", false);
      variance_ = add_weight("variance", stat_shape, "ones", false);
      count_ = add_weight("count", {}, "zeros", false);
      count_->value.set_dtype("int64");
      return;
    }
    // Given statistics: constants broadcast to the kept axis.
    const std::vector<double>& m = *input_mean_;
    const std::vector<double>& v = *input_variance_;
    if (m.size() != 1 && static_cast<int64_t>(m.size()) != features_)
      throw ValueError("Cannot broadcast `mean` and `variance` of shape " + shape_repr(m) +
                           " to the kept axes of shape (" + std::to_string(features_) + ",).",
                       {.layer = name(), .expected = std::to_string(features_) + " values",
                        .received = std::to_string(m.size()) + " values",
                        .hint = "give one mean and variance per feature on axis " + axis_repr() + " (" +
                                std::to_string(features_) + " values here), or a single number for all."});
    const_mean_ = Tensor::empty({features_});
    const_variance_ = Tensor::empty({features_});
    for (int64_t c = 0; c < features_; ++c) {
      size_t i = m.size() == 1 ? 0 : static_cast<size_t>(c);
      const_mean_.data()[c] = static_cast<float>(m[i]);
      const_variance_.data()[c] = static_cast<float>(v[i]);
    }
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const norm::AxisSplit s = split(x);
    std::vector<float> a = scales();
    Tensor y = Tensor::empty(x.dims());
    const float* mean = mean_values().data();
    if (invert_) norm::channel_affine(x.data(), s, a.data(), nullptr, mean, y.data());
    else {
      for (float& v : a) v = 1.0f / v;
      norm::channel_affine(x.data(), s, a.data(), mean, nullptr, y.data());
    }
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const norm::AxisSplit s = split(g);
    std::vector<float> a = scales();
    if (!invert_)
      for (float& v : a) v = 1.0f / v;
    Tensor dx = Tensor::empty(g.dims());
    norm::channel_affine(g.data(), s, a.data(), nullptr, nullptr, dx.data());
    return dx;
  }

  void adapt(const std::vector<Tensor>& batches) {
    if (batches.empty())
      throw ValueError("adapt() received an empty iterable (no batches). Expected at least one batch. Pass a "
                       "non-empty iterable of arrays or tensors, e.g. layer.adapt([x]) or layer.adapt(list_of_batches).",
                       {.layer = name(), .hint = "pass the training data (or a list of its batches)."});
    if (input_mean_)
      throw ValueError("adapt() cannot be called on Normalization layer \"" + name() +
                           "\": it was given mean= and variance= at construction.",
                       {.layer = name(), .hint = "make the layer without mean= and variance= to compute them with "
                                                 "adapt(data), or keep the given values and skip adapt()."});
    const Shape first = batches[0].shape();
    if (!built_) {
      check_and_build({first});
    } else if (axis_) {
      int d = keep_axis(first);
      if (first[d] != build_shape_[keep_axis(build_shape_)])
        throw ValueError("The layer was built with input_shape=" + to_string(build_shape_) +
                             ", but adapt() is being called with data with an incompatible shape, data.shape=" +
                             to_string(first),
                         {.layer = name(), .expected = std::to_string(features_) + " features on axis " + axis_repr(),
                          .received = to_string(first),
                          .hint = "adapt the layer on data shaped like its inputs, or use a new Normalization."});
    }
    const int64_t C = features_;
    std::vector<double> total_mean(static_cast<size_t>(C), 0.0), total_var(static_cast<size_t>(C), 0.0);
    std::vector<double> m(static_cast<size_t>(C)), v(static_cast<size_t>(C));
    double total_count = 0;
    for (const Tensor& b : batches) {
      if (axis_) {
        int d = keep_axis(b.shape());
        if (b.ndim() != first.ndim() || b.dims()[static_cast<size_t>(d)] != C)
          throw ValueError("adapt() yielded a batch with incompatible shape. Expected " + to_string(build_shape_) +
                               ", got " + to_string(b.shape()) + ".",
                           {.layer = name(), .hint = "every batch must have " + std::to_string(C) +
                                                     " features on axis " + axis_repr() + "."});
      }
      const norm::AxisSplit s = split(b);
      if (s.count() == 0) continue;
      norm::channel_moments(b.data(), s, m.data(), v.data());
      const double n = static_cast<double>(s.count());
      total_count += n;
      const double wb = n / total_count, we = 1.0 - wb;
      for (int64_t c = 0; c < C; ++c) {
        // Lack-of-fit sum of squares: the exact variance of the union of the batches.
        double new_mean = total_mean[c] * we + m[c] * wb;
        total_var[c] = (total_var[c] + (total_mean[c] - new_mean) * (total_mean[c] - new_mean)) * we +
                       (v[c] + (m[c] - new_mean) * (m[c] - new_mean)) * wb;
        total_mean[c] = new_mean;
      }
    }
    for (int64_t c = 0; c < C; ++c) {
      mean_->value.data()[c] = static_cast<float>(total_mean[c]);
      variance_->value.data()[c] = static_cast<float>(total_var[c]);
    }
  }

 private:
  int keep_axis(const Shape& s) const {
    int nd = s.ndim(), a = *axis_;
    if (a < -nd || a >= nd)
      throw ValueError("All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=" +
                           std::to_string(nd) + ", while axis=" + axis_repr(),
                       {.layer = name(), .received = to_string(s),
                        .hint = "axis counts the batch axis too: for inputs (batch, features) the features axis is "
                                "1 or -1; axis=None uses one scalar mean and variance."});
    return a < 0 ? a + nd : a;
  }
  std::string axis_repr() const { return axis_ ? "(" + std::to_string(*axis_) + ",)" : "()"; }

  norm::AxisSplit split(const Tensor& x) const {
    if (!axis_) return norm::AxisSplit{.outer = x.size(), .channels = 1, .inner = 1};
    return norm::split_at(x.dims(), keep_axis(x.shape()));
  }

  const Tensor& mean_values() const { return input_mean_ ? const_mean_ : mean_->value; }
  // max(sqrt(variance), epsilon) per feature.
  std::vector<float> scales() const {
    const Tensor& var = input_mean_ ? const_variance_ : variance_->value;
    std::vector<float> a(static_cast<size_t>(features_));
    for (int64_t c = 0; c < features_; ++c)
      a[static_cast<size_t>(c)] =
          static_cast<float>(std::max(std::sqrt(static_cast<double>(var.data()[c])), kEpsilon));
    return a;
  }

  std::optional<int> axis_;
  bool invert_ = false;
  std::optional<std::vector<double>> input_mean_, input_variance_;
  int64_t features_ = 1;
  Shape build_shape_;
  Tensor const_mean_, const_variance_;
  VariablePtr mean_, variance_, count_;
};

NormalizationImpl& normalization_impl(const Layer& l) { return static_cast<NormalizationImpl&>(*l.impl()); }

}  // namespace

Normalization::Normalization(const kw::Kwargs& kwargs) : Layer(std::make_shared<NormalizationImpl>(kwargs)) {}

void Normalization::adapt(const Tensor& data) const { normalization_impl(*this).adapt(std::vector<Tensor>{data}); }
void Normalization::adapt(const std::vector<Tensor>& batches) const { normalization_impl(*this).adapt(batches); }

KERAS_REGISTER_LAYER(Normalization)

}  // namespace keras::layers

#include "keras/layers/normalization/spectral_normalization.hpp"

#include <algorithm>
#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/core/wrapper.hpp"

namespace keras::layers {

namespace {

// ops.nn.normalize(x, axis=None) with Keras's backend.epsilon(): x * min(rsqrt(sum(x^2)), 1 / 1e-7).
void l2_normalize(std::vector<float>& x) {
  double square_sum = 0;
  for (float v : x) square_sum += static_cast<double>(v) * v;
  const double scale = std::min(1.0 / std::sqrt(square_sum), 1e7);
  for (float& v : x) v = static_cast<float>(v * scale);
}

std::shared_ptr<LayerImpl> spectral_normalization_inner(const Layer& inner) {
  if (!inner.impl())
    throw ValueError("Layer None supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a "
                     "valid Keras layer.",
                     {.hint = "wrap a layer object: SpectralNormalization(layers::Dense(8))."});
  return inner.impl();
}

class SpectralNormalizationImpl : public detail::WrapperImpl {
 public:
  SpectralNormalizationImpl(const Layer& inner, const kw::Kwargs& k)
      : WrapperImpl("SpectralNormalization", spectral_normalization_inner(inner), k),
        power_iterations_(k.get_or("power_iterations", 1)) {
    if (power_iterations_ <= 0)
      throw ValueError("`power_iterations` should be greater than zero. Received: `power_iterations=" +
                           std::to_string(power_iterations_) + "`",
                       {.layer = name(), .expected = "1 or more", .received = std::to_string(power_iterations_),
                        .hint = "power_iterations is the number of power-method steps per training call (Keras's "
                                "default: 1)."});
  }

  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    LayerImpl::check_input_compatibility(shapes, producers);
    inner_->check_input_compatibility(shapes, producers);
  }

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) override {
    return inner_->compute_output_shapes(shapes);
  }

  void build(const std::vector<Shape>& shapes) override {
    inner_->check_and_build(shapes);
    kernel_ = normalized_variable();
    const Shape& s = shapes.at(0);
    // Keras's InputSpec(min_ndim=1, axes={-1: input_shape[-1]}); a rank-1 input's last axis is its batch axis, which
    // keraspp does not fix.
    InputSpec spec{.min_ndim = 1};
    if (s.ndim() >= 2 && s[s.ndim() - 1].known()) spec.axes = {{-1, s[s.ndim() - 1].value()}};
    input_spec = {spec};
    adopt_weight(kernel_);
    vector_u_ = add_weight("vector_u", {1, kernel_->value.dim(-1)},
                           initializers::TruncatedNormal(kw::stddev = 0.02), false);
  }

  std::vector<Tensor> forward(CallContext& ctx) override {
    if (ctx.training) normalize_kernel();
    ctx.children.assign(1, CallContext{});
    CallContext& c = ctx.children[0];
    c.training = ctx.training;
    c.inputs = ctx.inputs;
    c.outputs = inner_->forward(c);
    return c.outputs;
  }

  // The gradient is the wrapped layer's at the stored (normalized) kernel: Keras stops the gradient through u and v
  // and assigns the kernel before calling the layer, so sigma is not differentiated either.
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override {
    CallContext& c = ctx.children.at(0);
    c.needs_input_grad = ctx.needs_input_grad;
    c.grad_wrt_preactivation = ctx.grad_wrt_preactivation;
    return inner_->backward(c, output_grads);
  }

  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.children.empty() ? Tensor() : inner_->preactivation(ctx.children[0]);
  }

  // Keras's weights: the kernel and vector_u (the wrapper's own), then the wrapped layer's others.
  std::vector<VariablePtr> variables() const override {
    std::vector<VariablePtr> out = own_variables();
    for (const VariablePtr& v : inner_->variables())
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
  }

 private:
  // The wrapped layer's `kernel`, else its `embeddings`, as Keras's build looks them up. A recurrent layer (one with
  // a recurrent_kernel) keeps its kernels in a cell in Keras, which does not expose them as the layer's `kernel`.
  VariablePtr normalized_variable() const {
    const auto& own = inner_->own_variables();
    const bool recurrent =
        std::any_of(own.begin(), own.end(), [](const VariablePtr& v) { return v->name == "recurrent_kernel"; });
    for (const char* wanted : {"kernel", "embeddings"})
      for (const VariablePtr& v : inner_->own_variables())
        if (!recurrent && v->name == wanted) return v;
    throw ValueError(inner_->class_name() + " object has no attribute 'kernel' nor 'embeddings'",
                     {.layer = name(), .received = "layer \"" + inner_->name() + "\" (" + inner_->class_name() + ")",
                      .hint = "SpectralNormalization wraps a layer with a kernel (Dense, Conv2D, EinsumDense, ...) "
                              "or embeddings (Embedding)."});
  }

  // Keras's normalized_weights() and its assignments: the power method on W = kernel as (-1, C) from u, then
  // kernel / sigma with sigma = (v W) u^T; both stored. A kernel of zeros keeps both as they are.
  void normalize_kernel() {
    Tensor& kernel = kernel_->value;
    float* w = kernel.data();
    const int64_t c = kernel.dim(-1), n = kernel.size() / c;
    if (std::all_of(w, w + kernel.size(), [](float x) { return x == 0.0f; })) return;
    std::vector<float> u(vector_u_->value.data(), vector_u_->value.data() + c), v(static_cast<size_t>(n)),
        vw(static_cast<size_t>(c));
    for (int i = 0; i < power_iterations_; ++i) {
      for (int64_t r = 0; r < n; ++r) {  // v = normalize(u W^T)
        double s = 0;
        for (int64_t j = 0; j < c; ++j) s += static_cast<double>(u[static_cast<size_t>(j)]) * w[r * c + j];
        v[static_cast<size_t>(r)] = static_cast<float>(s);
      }
      l2_normalize(v);
      for (int64_t j = 0; j < c; ++j) {  // u = normalize(v W)
        double s = 0;
        for (int64_t r = 0; r < n; ++r) s += static_cast<double>(v[static_cast<size_t>(r)]) * w[r * c + j];
        vw[static_cast<size_t>(j)] = static_cast<float>(s);
      }
      u.swap(vw);
      l2_normalize(u);
    }
    double sigma = 0;  // (v W) u^T
    for (int64_t j = 0; j < c; ++j) {
      double vw = 0;
      for (int64_t r = 0; r < n; ++r) vw += static_cast<double>(v[static_cast<size_t>(r)]) * w[r * c + j];
      sigma += static_cast<float>(vw) * static_cast<double>(u[static_cast<size_t>(j)]);
    }
    const float divisor = static_cast<float>(sigma);
    for (int64_t i = 0; i < kernel.size(); ++i) w[i] /= divisor;
    std::copy(u.begin(), u.end(), vector_u_->value.data());
  }

  int power_iterations_;
  VariablePtr kernel_, vector_u_;
};

}  // namespace

SpectralNormalization::SpectralNormalization(const Layer& layer, const kw::Kwargs& kwargs)
    : Layer(std::make_shared<SpectralNormalizationImpl>(layer, kwargs)) {}

SpectralNormalization::SpectralNormalization(const kw::Kwargs& kwargs)
    : SpectralNormalization(detail::wrapped_layer_argument(kwargs, "SpectralNormalization",
                                                           "SpectralNormalization(layers::Dense(8))"),
                            kwargs) {}

Layer SpectralNormalization::layer() const {
  return Layer(static_cast<const SpectralNormalizationImpl&>(*impl_).inner());
}

KERAS_REGISTER_LAYER(SpectralNormalization)

}  // namespace keras::layers

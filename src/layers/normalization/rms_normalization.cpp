#include "keras/layers/normalization/rms_normalization.hpp"

#include <any>
#include <cmath>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/norm_kernels.hpp"
#include "layers/normalization/norm_utils.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

class RMSNormalizationImpl : public SingleInputLayer {
 public:
  explicit RMSNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("RMSNormalization", k) {
    axes_.given = norm::read_axes(k, -1, name());
    config_.set("axis", axes_.single() ? std::any(static_cast<int>(axes_.given.values[0])) : std::any(axes_.given));
    epsilon_ = k.get_or("epsilon", 1e-6);
  }

  Shape compute_output_shape(const Shape& s) override {
    check_axes(s);
    return s;
  }

  void build_one(const Shape& s) override {
    check_axes(s);
    auto [shape, spec] = axes_.params(s, name(), class_name());
    scale_ = add_weight("scale", shape, "ones");
    input_spec = {spec};
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (!built_) return LayerImpl::hint_for(v);
    return norm::channel_hint(*this, v, "scale values");
  }

  // ctx.saved: rsqrt(mean(x^2) + epsilon), one per normalized slice (outer * inner values).
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const norm::AxisSplit s = axes_.split(x, name(), class_name());
    const int64_t D = s.channels, I = s.inner;
    Tensor inv = Tensor::empty({s.outer * I});
    Tensor y = Tensor::empty(x.dims());
    const float* xd = x.data();
    const float* sc = scale_->value.data();
    float* yd = y.data();
    float* rd = inv.data();
#pragma omp parallel for schedule(static) if (s.size() > norm::kParallelThreshold)
    for (int64_t o = 0; o < s.outer; ++o) {
      const float* p = xd + o * D * I;
      float* q = yd + o * D * I;
      thread_local std::vector<double> sq;  // one buffer per thread, not one allocation per row
      sq.assign(static_cast<size_t>(I), 0.0);
      for (int64_t d = 0; d < D; ++d)
        for (int64_t i = 0; i < I; ++i) sq[static_cast<size_t>(i)] += static_cast<double>(p[d * I + i]) * p[d * I + i];
      float* r = rd + o * I;
      for (int64_t i = 0; i < I; ++i)
        r[i] = static_cast<float>(1.0 / std::sqrt(sq[static_cast<size_t>(i)] / static_cast<double>(D) + epsilon_));
      for (int64_t d = 0; d < D; ++d)
        for (int64_t i = 0; i < I; ++i) q[d * I + i] = p[d * I + i] * r[i] * sc[d];
    }
    ctx.saved = {inv};
    return y;
  }

  // With z = x * r and g' = dy * scale: dx = r * (g' - z * mean(g' * z)) over the normalized axes, and scale's
  // gradient the sum of dy * z over everything else.
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const norm::AxisSplit s = axes_.split(x, name(), class_name());
    const int64_t D = s.channels, I = s.inner;
    const float* xd = x.data();
    const float* gd = g.data();
    const float* rd = ctx.saved.at(0).data();
    const float* sc = scale_->value.data();
    const bool want_dx = ctx.input_needs_grad(0);
    Tensor dx = want_dx ? Tensor::empty(x.dims()) : Tensor();
    float* dxd = want_dx ? dx.data() : nullptr;
    const double inv_d = 1.0 / static_cast<double>(D);
    std::vector<double> dscale(static_cast<size_t>(D));
    norm::parallel_accumulate(s.outer, D, s.size() > norm::kParallelThreshold, dscale.data(), [&](double* acc,
                                                                                                   int64_t o) {
      const float* p = xd + o * D * I;
      const float* gp = gd + o * D * I;
      const float* r = rd + o * I;
      thread_local std::vector<double> dot;  // sum of g' * z per inner position; one buffer per thread
      dot.assign(static_cast<size_t>(I), 0.0);
      for (int64_t d = 0; d < D; ++d) {
        double t = 0.0;
        for (int64_t i = 0; i < I; ++i) {
          const double gz = static_cast<double>(gp[d * I + i]) * p[d * I + i] * r[i];
          t += gz;
          dot[static_cast<size_t>(i)] += gz * sc[d];
        }
        acc[d] += t;
      }
      if (!dxd) return;
      float* q = dxd + o * D * I;
      for (int64_t d = 0; d < D; ++d)
        for (int64_t i = 0; i < I; ++i) {
          const double z = static_cast<double>(p[d * I + i]) * r[i];
          q[d * I + i] = static_cast<float>(r[i] * (static_cast<double>(gp[d * I + i]) * sc[d] -
                                                    z * dot[static_cast<size_t>(i)] * inv_d));
        }
    });
    if (trainable()) {
      float* ds = grad_of(*scale_).data();
      for (int64_t d = 0; d < D; ++d) ds[d] += static_cast<float>(dscale[static_cast<size_t>(d)]);
    }
    return dx;
  }

 private:
  // Keras's RMSNormalization message for an axis out of range (its own wording, not LayerNormalization's); then the
  // axes must be adjacent.
  void check_axes(const Shape& s) const {
    for (int64_t a : axes_.given.values)
      if (a >= s.ndim() || a < -s.ndim())
        throw ValueError("Axis " + std::to_string(a) + " is out of bounds for input shape " + to_string(s) +
                             ". Received: axis=" +
                             (axes_.single() ? std::to_string(a) : spatial::py_value(axes_.given)),
                         {.layer = name(), .received = to_string(s),
                          .hint = "the inputs have rank " + std::to_string(s.ndim()) + " (the batch axis counts as "
                                  "axis 0): normalize over axes that exist, e.g. axis=-1 for the features."});
    axes_.span(s, name(), class_name());
  }

  norm::BlockAxes axes_;
  double epsilon_ = 1e-6;
  VariablePtr scale_;
};

}  // namespace

RMSNormalization::RMSNormalization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<RMSNormalizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RMSNormalization)

}  // namespace keras::layers

#include "keras/layers/normalization/layer_normalization.hpp"

#include <algorithm>
#include <any>
#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/norm_kernels.hpp"
#include "layers/normalization/norm_utils.hpp"

namespace keras::layers {

namespace {

// Backward over `rows` rows of D features each (the usual axis -1). Each row's two sums are short float reductions;
// gamma's and beta's gradients accumulate in float over L1-sized blocks of rows and then in double per thread,
// added in thread order. Per-row double accumulation (the general path) ran at half the vector width and made
// this 4x slower than the forward pass.
void channels_last_backward(const float* x, const float* g, const float* mean, const float* inv, const float* gamma,
                            int64_t rows, int64_t D, bool parallel, float* dx, double* wsum) {
  const float inv_d = 1.0f / static_cast<float>(D);
  norm::accumulate_thread_rows(rows, parallel ? norm::row_threads(rows) : 1, 2 * D, wsum,
                               [&](double* acc, int64_t r0, int64_t r1) {
    std::vector<float> block(static_cast<size_t>(2 * D));
    // __restrict: without it GCC versioned the row loop on an aliasing check and ran the scalar copy.
    float* __restrict bgx = block.data();
    float* __restrict bg = bgx + D;
    const float* __restrict gam = gamma;
    const int64_t step = norm::block_rows(D);
    for (int64_t b0 = r0; b0 < r1; b0 += step) {
      const int64_t b1 = std::min(r1, b0 + step);
      std::fill(block.begin(), block.end(), 0.0f);
      for (int64_t o = b0; o < b1; ++o) {
        const float* __restrict p = x + o * D;
        const float* __restrict gp = g + o * D;
        const float m = mean[o], iv = inv[o];
        float s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
        for (int64_t d = 0; d < D; ++d) {
          const float xh = (p[d] - m) * iv;
          const float dxh = gp[d] * gam[d];
          s1 += dxh;
          s2 += dxh * xh;
          bgx[d] += gp[d] * xh;
          bg[d] += gp[d];
        }
        if (dx) {
          float* q = dx + o * D;
          const float a1 = s1 * inv_d, a2 = s2 * inv_d;
#pragma omp simd
          for (int64_t d = 0; d < D; ++d) q[d] = iv * (gp[d] * gam[d] - a1 - (p[d] - m) * iv * a2);
        }
      }
      for (int64_t d = 0; d < 2 * D; ++d) acc[d] += block[static_cast<size_t>(d)];
    }
  });
}

class LayerNormalizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit LayerNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("LayerNormalization", k) {
    axes_.given = norm::read_axes(k, -1, name());
    // Written back as given: an int, or a list (tf.keras's [3] is one axis, written as 3).
    config_.set("axis", axes_.single() ? std::any(static_cast<int>(axes_.given.values[0])) : std::any(axes_.given));
    epsilon_ = k.get_or("epsilon", 1e-3);
    center_ = norm::read_flag(k, "center", true);
    scale_ = norm::read_flag(k, "scale", true);
    beta_init_ = k.get_or<InitializerArg>("beta_initializer", "zeros");
    gamma_init_ = k.get_or<InitializerArg>("gamma_initializer", "ones");
    initializers::get(beta_init_);
    initializers::get(gamma_init_);
    beta_reg_ = regularizers::get(k.get_or<RegularizerArg>("beta_regularizer", {}));
    gamma_reg_ = regularizers::get(k.get_or<RegularizerArg>("gamma_regularizer", {}));
  }

  Shape compute_output_shape(const Shape& s) override {
    axes_.span(s, name(), class_name());
    return s;
  }

  // gamma and beta have the normalized axes' shape (Keras's param_shape), e.g. (h, w, c) for axis={1, 2, 3}.
  void build_one(const Shape& s) override {
    auto [param_shape, spec] = axes_.params(s, name(), class_name());
    dim_ = 1;
    for (int64_t d : param_shape) dim_ *= d;
    if (scale_) gamma_ = add_weight("gamma", param_shape, gamma_init_);
    if (center_) beta_ = add_weight("beta", param_shape, beta_init_);
    input_spec = {spec};
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (!built_) return LayerImpl::hint_for(v);
    return norm::channel_hint(*this, v, "gamma and beta");
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    return norm::regularization({{gamma_reg_, gamma_}, {beta_reg_, beta_}}, accumulate_grads, &grad_of);
  }

  // saved: {mean, inv_std}, one per normalized slice (outer * inner values).
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const norm::AxisSplit s = split(x);
    const int64_t D = s.channels, I = s.inner;
    Tensor mean = Tensor::empty({s.outer * I}), inv = Tensor::empty({s.outer * I});
    Tensor y = Tensor::empty(x.dims());
    std::vector<float> ones;
    const float* gam = scale_ ? gamma_->value.data() : (ones.assign(static_cast<size_t>(D), 1.0f), ones.data());
    std::vector<float> zeros;
    const float* bet = center_ ? beta_->value.data() : (zeros.assign(static_cast<size_t>(D), 0.0f), zeros.data());
    const double eps = epsilon_;
    const float* xd = x.data();
    float* yd = y.data();
    float* md = mean.data();
    float* vd = inv.data();
#pragma omp parallel for schedule(static) if (s.size() > norm::kParallelThreshold)
    for (int64_t o = 0; o < s.outer; ++o) {
      const float* p = xd + o * D * I;
      float* q = yd + o * D * I;
      if (I == 1) {
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (int64_t d = 0; d < D; ++d) sum += p[d];
        const double mu = sum / static_cast<double>(D);
        double sq = 0;
#pragma omp simd reduction(+ : sq)
        for (int64_t d = 0; d < D; ++d) sq += (p[d] - mu) * (p[d] - mu);
        const float iv = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(D) + eps));
        const float m = static_cast<float>(mu);
#pragma omp simd
        for (int64_t d = 0; d < D; ++d) q[d] = (p[d] - m) * iv * gam[d] + bet[d];
        md[o] = m;
        vd[o] = iv;
      } else {
        std::vector<double> mu(static_cast<size_t>(I), 0.0), sq(static_cast<size_t>(I), 0.0);
        for (int64_t d = 0; d < D; ++d)
          for (int64_t i = 0; i < I; ++i) mu[i] += p[d * I + i];
        for (int64_t i = 0; i < I; ++i) mu[i] /= static_cast<double>(D);
        for (int64_t d = 0; d < D; ++d)
          for (int64_t i = 0; i < I; ++i) sq[i] += (p[d * I + i] - mu[i]) * (p[d * I + i] - mu[i]);
        float* m = md + o * I;
        float* iv = vd + o * I;
        for (int64_t i = 0; i < I; ++i) {
          m[i] = static_cast<float>(mu[i]);
          iv[i] = static_cast<float>(1.0 / std::sqrt(sq[i] / static_cast<double>(D) + eps));
        }
        for (int64_t d = 0; d < D; ++d)
          for (int64_t i = 0; i < I; ++i) q[d * I + i] = (p[d * I + i] - m[i]) * iv[i] * gam[d] + bet[d];
      }
    }
    ctx.saved = {mean, inv};
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const norm::AxisSplit s = split(x);
    const int64_t D = s.channels, I = s.inner;
    const float* md = ctx.saved.at(0).data();
    const float* vd = ctx.saved.at(1).data();
    std::vector<float> ones;
    const float* gam = scale_ ? gamma_->value.data() : (ones.assign(static_cast<size_t>(D), 1.0f), ones.data());
    const bool want_dx = ctx.input_needs_grad(0);
    Tensor dx = want_dx ? Tensor::empty(x.dims()) : Tensor();
    const float* xd = x.data();
    const float* gd = g.data();
    float* dxd = want_dx ? dx.data() : nullptr;
    const double inv_d = 1.0 / static_cast<double>(D);
    // wsum[0, D): sum g * x_hat (gamma's gradient); wsum[D, 2D): sum g (beta's).
    std::vector<double> wsum(static_cast<size_t>(2 * D));
    const bool parallel = s.size() > norm::kParallelThreshold;
    if (I == 1) {
      channels_last_backward(xd, gd, md, vd, gam, s.outer, D, parallel, dxd, wsum.data());
    } else {
      norm::parallel_accumulate(s.outer, 2 * D, parallel, wsum.data(), [&](double* acc, int64_t o) {
        const float* p = xd + o * D * I;
        const float* gp = gd + o * D * I;
        const float* m = md + o * I;
        const float* iv = vd + o * I;
        std::vector<double> s1(static_cast<size_t>(I), 0.0), s2(static_cast<size_t>(I), 0.0);
        for (int64_t d = 0; d < D; ++d) {
          double tg = 0, tgx = 0;
          for (int64_t i = 0; i < I; ++i) {
            const float xh = (p[d * I + i] - m[i]) * iv[i];
            const float gv = gp[d * I + i];
            s1[i] += gv * gam[d];
            s2[i] += static_cast<double>(gv) * gam[d] * xh;
            tgx += static_cast<double>(gv) * xh;
            tg += gv;
          }
          acc[d] += tgx;
          acc[D + d] += tg;
        }
        if (dxd) {
          float* q = dxd + o * D * I;
          for (int64_t d = 0; d < D; ++d)
            for (int64_t i = 0; i < I; ++i) {
              const float xh = (p[d * I + i] - m[i]) * iv[i];
              q[d * I + i] =
                  iv[i] * static_cast<float>(gp[d * I + i] * gam[d] - s1[i] * inv_d - xh * s2[i] * inv_d);
            }
        }
      });
    }
    if (trainable()) {
      if (scale_) {
        float* dg = grad_of(*gamma_).data();
        for (int64_t d = 0; d < D; ++d) dg[d] += static_cast<float>(wsum[d]);
      }
      if (center_) {
        float* db = grad_of(*beta_).data();
        for (int64_t d = 0; d < D; ++d) db[d] += static_cast<float>(wsum[D + d]);
      }
    }
    return dx;
  }

 private:
  norm::AxisSplit split(const Tensor& x) const { return axes_.split(x, name(), class_name()); }

  norm::BlockAxes axes_;
  double epsilon_ = 1e-3;
  bool center_ = true, scale_ = true;
  int64_t dim_ = 0;
  InitializerArg beta_init_, gamma_init_;
  std::shared_ptr<const regularizers::Regularizer> beta_reg_, gamma_reg_;
  VariablePtr gamma_, beta_;
};

}  // namespace

LayerNormalization::LayerNormalization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<LayerNormalizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(LayerNormalization)

}  // namespace keras::layers

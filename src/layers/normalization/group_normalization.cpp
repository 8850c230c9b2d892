#include "keras/layers/normalization/group_normalization.hpp"

#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/norm_kernels.hpp"
#include "layers/normalization/norm_utils.hpp"

namespace keras::layers {

namespace {

// The input seen as (batch, before, channels, after): a sample's group g is, for each of the `before` positions, one
// contiguous block of (channels / groups) * after values.
struct GroupLayout {
  int64_t batch = 1, before = 1, channels = 1, after = 1, groups = 1;
  int64_t per_group() const { return channels / groups; }                // channels in a group
  int64_t block() const { return per_group() * after; }                  // contiguous values
  int64_t count() const { return before * block(); }                     // values normalized together
  int64_t offset(int64_t n, int64_t a, int64_t g) const { return ((n * before + a) * channels) * after + g * block(); }
  int64_t size() const { return batch * before * channels * after; }
};

class GroupNormalizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit GroupNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("GroupNormalization", k) {
    groups_ = k.get_or("groups", 32);
    axis_ = k.get_or("axis", -1);
    epsilon_ = k.get_or("epsilon", 1e-3);
    center_ = norm::read_flag(k, "center", true);
    scale_ = norm::read_flag(k, "scale", true);
    beta_init_ = k.get_or<InitializerArg>("beta_initializer", "zeros");
    gamma_init_ = k.get_or<InitializerArg>("gamma_initializer", "ones");
    initializers::get(beta_init_);
    initializers::get(gamma_init_);
    beta_reg_ = regularizers::get(k.get_or<RegularizerArg>("beta_regularizer", {}));
    gamma_reg_ = regularizers::get(k.get_or<RegularizerArg>("gamma_regularizer", {}));
    if (groups_ == 0 || groups_ < -1)
      throw ValueError("Received an invalid value for `groups`, expected a positive integer or -1. Received: groups=" +
                           std::to_string(groups_),
                       {.layer = name(), .received = "groups=" + std::to_string(groups_),
                        .hint = "groups is how many groups the channels are split into: a divisor of the channel "
                                "count, such as GroupNormalization(groups=8), or -1 for one group per channel."});
  }

  Shape compute_output_shape(const Shape& s) override {
    axis_index(s);
    return s;
  }

  void build_one(const Shape& s) override {
    int ax = axis_index(s);
    int64_t dim = norm::known_channels(s, ax, axis_, name());
    if (groups_ == -1) groups_ = static_cast<int>(dim);
    const std::string g = std::to_string(groups_), c = std::to_string(dim);
    if (dim < groups_)
      throw ValueError("Number of groups (" + g + ") cannot be more than the number of channels (" + c + ").",
                       {.layer = name(), .expected = "groups <= " + c, .received = "groups=" + g,
                        .hint = "use a divisor of " + c + " for groups, e.g. groups=" + std::to_string(divisor_near(dim)) +
                                ", or groups=-1 for one group per channel."});
    if (dim % groups_ != 0)
      throw ValueError("Number of groups (" + g + ") must be a multiple of the number of channels (" + c + ").",
                       {.layer = name(), .expected = "a divisor of " + c, .received = "groups=" + g,
                        .hint = "the channel count must divide evenly into groups: " + c + " channels cannot form " +
                                g + " equal groups; use a divisor of " + c + " such as groups=" +
                                std::to_string(divisor_near(dim)) + "."});
    channels_ = dim;
    input_spec = {InputSpec{.ndim = s.ndim(), .axes = {{axis_, dim}}}};
    if (scale_) gamma_ = add_weight("gamma", {dim}, gamma_init_);
    if (center_) beta_ = add_weight("beta", {dim}, beta_init_);
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (!built_) return LayerImpl::hint_for(v);
    return norm::channel_hint(*this, v, "gamma and beta");
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    return norm::regularization({{gamma_reg_, gamma_}, {beta_reg_, beta_}}, accumulate_grads, &grad_of);
  }

  // saved: {mean, inv_std} per (sample, group).
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const GroupLayout L = layout(x);
    const int64_t G = L.groups, Cg = L.per_group(), B = L.after, blk = L.block();
    const double M = static_cast<double>(L.count());
    Tensor mean = Tensor::empty({L.batch * G}), inv = Tensor::empty({L.batch * G});
    Tensor y = Tensor::empty(x.dims());
    std::vector<float> ones, zeros;
    const float* gam = scale_ ? gamma_->value.data() : (ones.assign(static_cast<size_t>(L.channels), 1.0f), ones.data());
    const float* bet = center_ ? beta_->value.data() : (zeros.assign(static_cast<size_t>(L.channels), 0.0f), zeros.data());
    const float* xd = x.data();
    float* yd = y.data();
    float* md = mean.data();
    float* vd = inv.data();
    const double eps = epsilon_;
#pragma omp parallel for schedule(static) if (L.size() > norm::kParallelThreshold)
    for (int64_t k = 0; k < L.batch * G; ++k) {
      const int64_t n = k / G, g = k % G;
      double sum = 0;
      for (int64_t a = 0; a < L.before; ++a) {
        const float* p = xd + L.offset(n, a, g);
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < blk; ++j) sum += p[j];
      }
      const double mu = sum / M;
      double sq = 0;
      for (int64_t a = 0; a < L.before; ++a) {
        const float* p = xd + L.offset(n, a, g);
#pragma omp simd reduction(+ : sq)
        for (int64_t j = 0; j < blk; ++j) sq += (p[j] - mu) * (p[j] - mu);
      }
      const float m = static_cast<float>(mu), iv = static_cast<float>(1.0 / std::sqrt(sq / M + eps));
      md[k] = m;
      vd[k] = iv;
      const float* gg = gam + g * Cg;
      const float* bb = bet + g * Cg;
      for (int64_t a = 0; a < L.before; ++a) {
        const int64_t off = L.offset(n, a, g);
        const float* p = xd + off;
        float* q = yd + off;
        if (B == 1) {
#pragma omp simd
          for (int64_t j = 0; j < Cg; ++j) q[j] = (p[j] - m) * iv * gg[j] + bb[j];
        } else {
          for (int64_t j = 0; j < Cg; ++j) {
            const float s = iv * gg[j], t = bb[j];
#pragma omp simd
            for (int64_t b = 0; b < B; ++b) q[j * B + b] = (p[j * B + b] - m) * s + t;
          }
        }
      }
    }
    ctx.saved = {mean, inv};
    return y;
  }

  Tensor backward_one(const Tensor& grad, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const GroupLayout L = layout(x);
    const int64_t G = L.groups, C = L.channels, Cg = L.per_group(), B = L.after;
    const double inv_m = 1.0 / static_cast<double>(L.count());
    const float* md = ctx.saved.at(0).data();
    const float* vd = ctx.saved.at(1).data();
    std::vector<float> ones;
    const float* gam = scale_ ? gamma_->value.data() : (ones.assign(static_cast<size_t>(C), 1.0f), ones.data());
    const bool want_dx = ctx.input_needs_grad(0);
    Tensor dx = want_dx ? Tensor::empty(x.dims()) : Tensor();
    const float* xd = x.data();
    const float* gd = grad.data();
    float* dxd = want_dx ? dx.data() : nullptr;
    // acc[0, C): sum g * x_hat (gamma's gradient); acc[C, 2C): sum g (beta's).
    std::vector<double> wsum(static_cast<size_t>(2 * C));
    norm::parallel_accumulate(L.batch * G, 2 * C, L.size() > norm::kParallelThreshold, wsum.data(),
                              [&](double* acc, int64_t k) {
      const int64_t n = k / G, g = k % G;
      const float m = md[k], iv = vd[k];
      const float* gg = gam + g * Cg;
      double* ag = acc + g * Cg;
      double* ab = acc + C + g * Cg;
      double s1 = 0, s2 = 0;
      for (int64_t a = 0; a < L.before; ++a) {
        const int64_t off = L.offset(n, a, g);
        const float* p = xd + off;
        const float* gp = gd + off;
        for (int64_t j = 0; j < Cg; ++j) {
          double tg = 0, tgx = 0;
#pragma omp simd reduction(+ : tg, tgx)
          for (int64_t b = 0; b < B; ++b) {
            const float xh = (p[j * B + b] - m) * iv;
            tg += gp[j * B + b];
            tgx += static_cast<double>(gp[j * B + b]) * xh;
          }
          ag[j] += tgx;
          ab[j] += tg;
          s1 += tg * gg[j];
          s2 += tgx * gg[j];
        }
      }
      if (!dxd) return;
      const float a1 = static_cast<float>(s1 * inv_m), a2 = static_cast<float>(s2 * inv_m);
      for (int64_t a = 0; a < L.before; ++a) {
        const int64_t off = L.offset(n, a, g);
        const float* p = xd + off;
        const float* gp = gd + off;
        float* q = dxd + off;
        for (int64_t j = 0; j < Cg; ++j) {
          const float gj = gg[j];
#pragma omp simd
          for (int64_t b = 0; b < B; ++b)
            q[j * B + b] = iv * (gp[j * B + b] * gj - a1 - (p[j * B + b] - m) * iv * a2);
        }
      }
    });
    if (trainable()) {
      if (scale_) {
        float* dg = grad_of(*gamma_).data();
        for (int64_t c = 0; c < C; ++c) dg[c] += static_cast<float>(wsum[c]);
      }
      if (center_) {
        float* db = grad_of(*beta_).data();
        for (int64_t c = 0; c < C; ++c) db[c] += static_cast<float>(wsum[C + c]);
      }
    }
    return dx;
  }

 private:
  // The channel axis as an index; it cannot be the batch axis.
  int axis_index(const Shape& s) const {
    int ax = norm::normalize_axis(axis_, s, name(), class_name());
    if (ax == 0)
      throw ValueError("GroupNormalization cannot normalize over the batch axis: axis=" + std::to_string(axis_) +
                           " is axis 0 of input shape " + to_string(s) + ".",
                       {.layer = name(), .received = "axis=" + std::to_string(axis_),
                        .hint = "axis is the channel axis: -1 for channels-last data, 1 for channels-first."});
    return ax;
  }

  GroupLayout layout(const Tensor& x) const {
    const int ax = axis_ < 0 ? axis_ + x.ndim() : axis_;
    GroupLayout L;
    L.batch = x.dims()[0];
    for (int i = 1; i < x.ndim(); ++i) {
      int64_t d = x.dims()[static_cast<size_t>(i)];
      if (i < ax) L.before *= d;
      else if (i == ax) L.channels = d;
      else L.after *= d;
    }
    L.groups = groups_;
    return L;
  }

  // The divisor of dim closest to the requested groups, for hints.
  int64_t divisor_near(int64_t dim) const {
    int64_t best = 1;
    for (int64_t d = 1; d <= dim; ++d)
      if (dim % d == 0 && std::llabs(d - groups_) < std::llabs(best - groups_)) best = d;
    return best;
  }

  int groups_ = 32, axis_ = -1;
  double epsilon_ = 1e-3;
  bool center_ = true, scale_ = true;
  int64_t channels_ = 0;
  InitializerArg beta_init_, gamma_init_;
  std::shared_ptr<const regularizers::Regularizer> beta_reg_, gamma_reg_;
  VariablePtr gamma_, beta_;
};

}  // namespace

GroupNormalization::GroupNormalization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<GroupNormalizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(GroupNormalization)

}  // namespace keras::layers

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

// Channels-last (after == 1): sample n is `before` rows of `channels` contiguous values, and each group is a slice of
// every row. These walk whole rows as one vector, per-channel sums in float over L1-sized blocks of rows and then in
// double, where the general loops below walk group by group, a few channels (often 1-4) at a time: 5-10x slower.

// Per-group mean and inverse standard deviation of sample n, from per-channel sums; values are summed as
// deviations from the sample's first row so that a far-from-zero mean does not swamp the spread.
void channels_last_moments(const GroupLayout& L, const float* x, double eps, float* mean, float* inv) {
  const int64_t C = L.channels, G = L.groups, Cg = L.per_group(), R = L.before, step = norm::block_rows(C);
  const double M = static_cast<double>(L.count());
  std::vector<double> sum(static_cast<size_t>(C));
  std::vector<float> block(static_cast<size_t>(C));
  float* b = block.data();
  auto per_channel = [&](const float* center, auto&& term) {  // sum over rows of term(x, center), per channel
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t r0 = 0; r0 < R; r0 += step) {
      std::fill(block.begin(), block.end(), 0.0f);
      for (int64_t r = r0; r < std::min(R, r0 + step); ++r) {
        const float* p = x + r * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c) b[c] += term(p[c], center[c]);
      }
      for (int64_t c = 0; c < C; ++c) sum[static_cast<size_t>(c)] += b[c];
    }
  };
  per_channel(x, [](float v, float c) { return v - c; });
  std::vector<float> center(static_cast<size_t>(C));
  for (int64_t g = 0; g < G; ++g) {
    double t = 0;
    for (int64_t c = g * Cg; c < (g + 1) * Cg; ++c)
      t += static_cast<double>(x[c]) * static_cast<double>(R) + sum[static_cast<size_t>(c)];
    mean[g] = static_cast<float>(t / M);
    for (int64_t c = g * Cg; c < (g + 1) * Cg; ++c) center[static_cast<size_t>(c)] = mean[g];
  }
  per_channel(center.data(), [](float v, float m) { return (v - m) * (v - m); });
  for (int64_t g = 0; g < G; ++g) {
    double t = 0;
    for (int64_t c = g * Cg; c < (g + 1) * Cg; ++c) t += sum[static_cast<size_t>(c)];
    inv[g] = static_cast<float>(1.0 / std::sqrt(t / M + eps));
  }
}

void channels_last_forward(const GroupLayout& L, const float* x, const float* gamma, const float* beta, double eps,
                           float* y, float* mean, float* inv) {
  const int64_t C = L.channels, G = L.groups, Cg = L.per_group(), R = L.before;
#pragma omp parallel for schedule(static) if (L.size() > norm::kParallelThreshold && L.batch > 1)
  for (int64_t n = 0; n < L.batch; ++n) {
    const float* xs = x + n * R * C;
    channels_last_moments(L, xs, eps, mean + n * G, inv + n * G);
    std::vector<float> m(static_cast<size_t>(C)), sc(static_cast<size_t>(C));
    for (int64_t c = 0; c < C; ++c) {
      m[static_cast<size_t>(c)] = mean[n * G + c / Cg];
      sc[static_cast<size_t>(c)] = inv[n * G + c / Cg] * gamma[c];
    }
    const float* mc = m.data();
    const float* s = sc.data();
    for (int64_t r = 0; r < R; ++r) {
      const float* p = xs + r * C;
      float* q = y + (n * R + r) * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) q[c] = (p[c] - mc[c]) * s[c] + beta[c];
    }
  }
}

// acc[0, C) += sum g * x_hat, acc[C, 2C) += sum g for sample n; dx (if wanted) for sample n.
void channels_last_backward(const GroupLayout& L, const float* x, const float* g, const float* mean, const float* inv,
                            const float* gamma, int64_t n, double* acc, float* dx) {
  const int64_t C = L.channels, G = L.groups, Cg = L.per_group(), R = L.before, step = norm::block_rows(C);
  const float* xs = x + n * R * C;
  const float* gs = g + n * R * C;
  std::vector<float> coef(static_cast<size_t>(4 * C));
  float* __restrict m = coef.data();
  float* __restrict iv = m + C;
  float* __restrict bg = iv + C;
  float* __restrict bgx = bg + C;
  for (int64_t c = 0; c < C; ++c) {
    m[c] = mean[n * G + c / Cg];
    iv[c] = inv[n * G + c / Cg];
  }
  std::vector<double> tg(static_cast<size_t>(C), 0.0), tgx(static_cast<size_t>(C), 0.0);
  for (int64_t r0 = 0; r0 < R; r0 += step) {
    std::fill(bg, bg + 2 * C, 0.0f);
    for (int64_t r = r0; r < std::min(R, r0 + step); ++r) {
      const float* __restrict p = xs + r * C;
      const float* __restrict gp = gs + r * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        bg[c] += gp[c];
        bgx[c] += gp[c] * ((p[c] - m[c]) * iv[c]);
      }
    }
    for (int64_t c = 0; c < C; ++c) {
      tg[static_cast<size_t>(c)] += bg[c];
      tgx[static_cast<size_t>(c)] += bgx[c];
    }
  }
  for (int64_t c = 0; c < C; ++c) {
    acc[c] += tgx[static_cast<size_t>(c)];
    acc[C + c] += tg[static_cast<size_t>(c)];
  }
  if (!dx) return;
  // dx = iv * (g * gamma - s1 / M - x_hat * s2 / M), s1 and s2 per group; bg and bgx now hold them per channel.
  const double inv_m = 1.0 / static_cast<double>(L.count());
  for (int64_t grp = 0; grp < G; ++grp) {
    double s1 = 0, s2 = 0;
    for (int64_t c = grp * Cg; c < (grp + 1) * Cg; ++c) {
      s1 += tg[static_cast<size_t>(c)] * gamma[c];
      s2 += tgx[static_cast<size_t>(c)] * gamma[c];
    }
    for (int64_t c = grp * Cg; c < (grp + 1) * Cg; ++c) {
      bg[c] = static_cast<float>(s1 * inv_m);
      bgx[c] = static_cast<float>(s2 * inv_m);
    }
  }
  for (int64_t r = 0; r < R; ++r) {
    const float* __restrict p = xs + r * C;
    const float* __restrict gp = gs + r * C;
    float* __restrict q = dx + (n * R + r) * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) q[c] = iv[c] * (gp[c] * gamma[c] - bg[c] - (p[c] - m[c]) * iv[c] * bgx[c]);
  }
}

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
    if (B == 1) {
      channels_last_forward(L, xd, gam, bet, eps, yd, md, vd);
      ctx.saved = {mean, inv};
      return y;
    }
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
    if (B == 1) {
      norm::parallel_accumulate(L.batch, 2 * C, L.size() > norm::kParallelThreshold, wsum.data(),
                                [&](double* acc, int64_t n) {
                                  channels_last_backward(L, xd, gd, md, vd, gam, n, acc, dxd);
                                });
    } else {
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
    }
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

#include "keras/layers/regularization/spatial_dropout.hpp"

#include <optional>
#include <random>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/regularization/dropout_args.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

class SpatialDropoutImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  SpatialDropoutImpl(const std::string& class_name, int dims, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims) {
    auto rate = k.get<double>("rate");
    if (!rate)
      throw TypeError(class_name + ".__init__() missing 1 required positional argument: 'rate'",
                      {.layer = name(), .hint = "give the fraction of channels to drop: " + class_name + "(0.2) or " +
                                                class_name + "(rate=0.2)."});
    rate_ = *rate;
    if (!(0.0 <= rate_ && rate_ <= 1.0)) {
      const std::string r = py_float(rate_);
      std::string hint = "rate is the fraction of channels to drop, between 0 and 1 (0 keeps everything): e.g. " +
                         class_name + "(0.2) drops 20% of the feature maps.";
      if (rate_ > 1.0 && rate_ <= 100.0)
        hint = "rate is a fraction, not a percentage: to drop " + regularization::percent(rate_) + "% of the channels write " +
               class_name + "(" + py_float(rate_ / 100.0) + ").";
      throw ValueError("Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                       "Received: rate=" + r,
                       {.layer = name(), .expected = "0 <= rate <= 1", .received = r, .hint = hint});
    }
    if (dims >= 2) channels_first_ = spatial::channels_first(k, name());  // SpatialDropout1D has no data_format
    if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    ctx.saved.clear();
    if (!ctx.training || rate_ == 0.0) return x;
    const auto& d = x.dims();
    const int64_t batch = d[0], channels = channels_first_ ? d[1] : d.back();
    // One mask value per (sample, channel), as Keras's noise_shape (batch, 1, ..., 1, channels).
    Tensor mask = Tensor::empty({batch, channels});
    const float scale = rate_ >= 1.0 ? 0.0f : static_cast<float>(1.0 / (1.0 - rate_));
    std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
    float* m = mask.data();
    for (int64_t i = 0; i < mask.size(); ++i) {
      const double u = static_cast<double>(gen() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
      m[i] = u >= rate_ ? scale : 0.0f;
    }
    ctx.saved = {mask};
    return apply(x, mask);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.saved.empty()) return g;  // inference or rate 0: the identity
    return apply(g, ctx.saved[0]);
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    const std::string other = dims_ == 2 ? "SpatialDropout1D" : "SpatialDropout2D";
    if (v.received.ndim() == 2) {
      const std::string from = v.producer.empty() ? "the input" : "the previous layer \"" + v.producer + "\"";
      const std::string layout = dims_ == 1 ? "(batch, steps, channels)" : spatial::layout(dims_, false);
      return class_name() + " drops whole channels of " + layout + " data, but " + from + " gives " +
             to_string(v.received) + ", which has no steps, pixels or voxels per channel: use Dropout for "
             "(batch, features) data.";
    }
    return spatial::rank_hint(class_name(), dims_, channels_first_, other, v);
  }

 private:
  // x * mask broadcast over the spatial axes: channels_last rows (sample, position) times the sample's channel mask;
  // channels_first rows (sample, channel) times one value.
  Tensor apply(const Tensor& x, const Tensor& mask) const {
    const auto& d = x.dims();
    const int64_t batch = d[0], channels = mask.dims()[1];
    const int64_t positions = batch * channels == 0 ? 0 : x.size() / (batch * channels);
    Tensor y = Tensor::empty(d);
    const float* m = mask.data();
    const float* a = x.data();
    float* o = y.data();
#pragma omp parallel for if (x.size() > (1 << 16))
    for (int64_t b = 0; b < batch; ++b) {
      const float* mb = m + b * channels;
      for (int64_t i = 0; i < (channels_first_ ? channels : positions); ++i) {
        const int64_t row = b * (channels_first_ ? channels : positions) + i;
        const int64_t len = channels_first_ ? positions : channels;
        const float* __restrict src = a + row * len;
        float* __restrict dst = o + row * len;
        if (channels_first_) {
          const float s = mb[i];
          for (int64_t j = 0; j < len; ++j) dst[j] = src[j] * s;
        } else {
          for (int64_t j = 0; j < len; ++j) dst[j] = src[j] * mb[j];
        }
      }
    }
    return y;
  }

  int dims_;
  double rate_ = 0.0;
  bool channels_first_ = false;
  std::optional<std::mt19937_64> own_generator_;
};

}  // namespace

SpatialDropout1D::SpatialDropout1D(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<SpatialDropoutImpl>("SpatialDropout1D", 1, kwargs)) {}
SpatialDropout2D::SpatialDropout2D(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<SpatialDropoutImpl>("SpatialDropout2D", 2, kwargs)) {}
SpatialDropout3D::SpatialDropout3D(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<SpatialDropoutImpl>("SpatialDropout3D", 3, kwargs)) {}

KERAS_REGISTER_LAYER(SpatialDropout1D)
KERAS_REGISTER_LAYER(SpatialDropout2D)
KERAS_REGISTER_LAYER(SpatialDropout3D)

}  // namespace keras::layers

#include "keras/layers/core/masking.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class MaskingImpl : public SingleInputLayer {
 public:
  explicit MaskingImpl(const kw::Kwargs& k) : SingleInputLayer("Masking", k) {
    mask_value_ = static_cast<float>(k.get_or("mask_value", 0.0));
    config_.set("mask_value", static_cast<double>(mask_value_));  // Keras's get_config always has it
  }

  bool supports_masking() const override { return true; }
  Shape compute_output_shape(const Shape& s) override { return s; }

  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>&,
                                    size_t n_outputs) const override {
    return std::vector<Tensor>(n_outputs, mask_of(inputs.at(0)));
  }

  // The mask is computed once here and set on the output directly, as Keras's call does (_keras_mask).
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    Tensor m = mask_of(x);
    Tensor y = Tensor::empty(x.dims());
    scale_rows(x.data(), m.data(), y.data(), m.size(), row_length(x));
    ctx.saved = {m};
    ctx.output_masks = {m};
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& m = ctx.saved.at(0);
    Tensor dx = Tensor::empty(g.dims());
    scale_rows(g.data(), m.data(), dx.data(), m.size(), row_length(g));
    return dx;
  }

  // any(x != mask_value) over the last axis, one value per row.
  Tensor mask_of(const Tensor& x) const {
    std::vector<int64_t> md = x.dims();
    if (!md.empty()) md.pop_back();
    Tensor m = Tensor::empty(md);
    const int64_t rows = m.size(), f = row_length(x);
    const float* xd = x.data();
    float* out = m.data();
    const float v = mask_value_;
#pragma omp parallel for schedule(static) if (rows * f > (1 << 16))
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = xd + r * f;
      bool keep = false;
      for (int64_t j = 0; j < f && !keep; ++j) keep = row[j] != v;
      out[r] = keep ? 1.0f : 0.0f;
    }
    m.set_dtype("bool");
    return m;
  }

 private:
  static int64_t row_length(const Tensor& x) { return x.ndim() ? x.dims().back() : 1; }

  // out[r, :] = in[r, :] * m[r]
  static void scale_rows(const float* in, const float* m, float* out, int64_t rows, int64_t f) {
#pragma omp parallel for schedule(static) if (rows * f > (1 << 16))
    for (int64_t r = 0; r < rows; ++r) {
      const float s = m[r];
      const float* src = in + r * f;
      float* dst = out + r * f;
#pragma omp simd
      for (int64_t j = 0; j < f; ++j) dst[j] = src[j] * s;
    }
  }

  float mask_value_ = 0.0f;
};

}  // namespace

Masking::Masking(const kw::Kwargs& kwargs) : Layer(std::make_shared<MaskingImpl>(kwargs)) {}

Tensor Masking::compute_mask(const Tensor& inputs) const {
  return static_cast<const MaskingImpl&>(*impl_).mask_of(inputs);
}

KERAS_REGISTER_LAYER(Masking)

}  // namespace keras::layers

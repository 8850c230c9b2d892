#include "keras/layers/merging/multiply.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class MultiplyImpl : public MergeImpl {
 public:
  explicit MultiplyImpl(const kw::Kwargs& k) : MergeImpl("Multiply", k) {}

 protected:
  void combine(float* acc, const float* x, int64_t n, int64_t step) const override {
    for (int64_t k = 0; k < n; ++k) acc[k] *= x[k * step];
  }

  // d(x_0 * ... * x_{n-1})/d(x_i) = the product of the other inputs (no division, so zeros are exact).
  std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor&, const Tensor& g) const override {
    const Combine mul = [](float* acc, const float* x, int64_t n, int64_t step) {
      for (int64_t k = 0; k < n; ++k) acc[k] *= x[k * step];
    };
    std::vector<Tensor> out(ctx.inputs.size());
    for (size_t i = 0; i < ctx.inputs.size(); ++i) {
      if (!ctx.input_needs_grad(i)) continue;
      out[i] = g.copy();
      for (size_t j = 0; j < ctx.inputs.size(); ++j)
        if (j != i) combine_into(out[i], ctx.inputs[j], mul);
    }
    return out;
  }
};

}  // namespace

Multiply::Multiply(const kw::Kwargs& kwargs) : Merge(std::make_shared<MultiplyImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Multiply)

}  // namespace keras::layers

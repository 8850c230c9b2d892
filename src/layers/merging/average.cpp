#include "keras/layers/merging/average.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class AverageImpl : public MergeImpl {
 public:
  explicit AverageImpl(const kw::Kwargs& k) : MergeImpl("Average", k) {}

 protected:
  void combine(float* acc, const float* x, int64_t n, int64_t step) const override {
    for (int64_t k = 0; k < n; ++k) acc[k] += x[k * step];
  }

  // Keras divides the sum by the number of inputs.
  void finish(Tensor& out, size_t num_inputs) const override {
    const float count = static_cast<float>(num_inputs);
    float* p = out.data();
    for (int64_t k = 0; k < out.size(); ++k) p[k] /= count;
  }

  // d(mean)/d(x_i) = 1/n for every input.
  std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor&, const Tensor& g) const override {
    return std::vector<Tensor>(ctx.inputs.size(), g / static_cast<float>(ctx.inputs.size()));
  }
};

}  // namespace

Average::Average(const kw::Kwargs& kwargs) : Merge(std::make_shared<AverageImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Average)

}  // namespace keras::layers

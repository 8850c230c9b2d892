#include "keras/layers/merging/maximum.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class MaximumImpl : public MergeImpl {
 public:
  explicit MaximumImpl(const kw::Kwargs& k) : MergeImpl("Maximum", k) {}

 protected:
  void combine(float* acc, const float* x, int64_t n, int64_t step) const override {
    for (int64_t k = 0; k < n; ++k) {
      const float v = x[k * step];
      if (v > acc[k]) acc[k] = v;
    }
  }

  std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor& out, const Tensor& g) const override {
    return route_to_first_match(ctx, out, g);
  }
};

}  // namespace

Maximum::Maximum(const kw::Kwargs& kwargs) : Merge(std::make_shared<MaximumImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Maximum)

}  // namespace keras::layers

#include "keras/layers/merging/add.hpp"

#include "backend/kernels.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class AddImpl : public MergeImpl {
 public:
  explicit AddImpl(const kw::Kwargs& k) : MergeImpl("Add", k) {}

 protected:
  void combine(float* acc, const float* x, int64_t n, int64_t step) const override {
    if (step == 1) {
      backend::add_into(acc, x, n);
      return;
    }
    const float v = *x;
    for (int64_t k = 0; k < n; ++k) acc[k] += v;
  }

  // d(sum)/d(x_i) = 1 for every input.
  std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor&, const Tensor& g) const override {
    return std::vector<Tensor>(ctx.inputs.size(), g);
  }
};

}  // namespace

Add::Add(const kw::Kwargs& kwargs) : Merge(std::make_shared<AddImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Add)

}  // namespace keras::layers

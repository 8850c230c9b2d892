#include "keras/layers/merging/subtract.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class SubtractImpl : public MergeImpl {
 public:
  explicit SubtractImpl(const kw::Kwargs& k) : MergeImpl("Subtract", k) {}

 protected:
  void combine(float* acc, const float* x, int64_t n, int64_t step) const override {
    for (int64_t k = 0; k < n; ++k) acc[k] -= x[k * step];
  }

  std::vector<Tensor> output_shaped_grads(const CallContext& ctx, const Tensor&, const Tensor& g) const override {
    std::vector<Tensor> out(2);
    out[0] = g;
    if (ctx.input_needs_grad(1)) out[1] = -g;
    return out;
  }

  void check_count(const std::vector<Shape>& shapes) const override {
    if (shapes.size() == 2) return;
    throw ValueError("A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=" +
                         to_string(shapes),
                     {.layer = name(), .expected = "2 inputs", .received = std::to_string(shapes.size()) + " inputs",
                      .hint = "Subtract computes inputs[0] - inputs[1]: call it on exactly two tensors, "
                              "layers::Subtract()({a, b}); to subtract several, sum them first with layers::Add() "
                              "and subtract the sum."});
  }
};

}  // namespace

Subtract::Subtract(const kw::Kwargs& kwargs) : Merge(std::make_shared<SubtractImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Subtract)

}  // namespace keras::layers

#include "keras/layers/preprocessing/random_flip.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class RandomFlipImpl : public image::ImageLayerImpl {
 public:
  explicit RandomFlipImpl(const kw::Kwargs& k) : ImageLayerImpl("RandomFlip", k) {
    const std::string mode = k.get_or<std::string>("mode", "horizontal_and_vertical");
    horizontal_ = mode == "horizontal" || mode == "horizontal_and_vertical";
    vertical_ = mode == "vertical" || mode == "horizontal_and_vertical";
    // Keras does not check the mode (an unknown one silently never flips); keraspp refuses it.
    if (!horizontal_ && !vertical_)
      throw ValueError("RandomFlip layer " + name() + " received an unknown mode argument " + mode,
                       {.layer = name(), .expected = "\"horizontal\", \"vertical\" or \"horizontal_and_vertical\"",
                        .received = mode, .hint = "use mode=\"horizontal\" for left-right flips."});
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    if (!ctx.training) return x;
    const image::Layout l = layout(x);
    Tensor flips = Tensor::empty({l.batch});
    for (int64_t b = 0; b < l.batch; ++b) flips.data()[b] = uniform(0.0, 1.0) <= 0.5 ? 1.0f : 0.0f;
    ctx.saved = {flips};
    return flip(x, l, flips);
  }

  // A flip is its own inverse and its own transpose.
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (!ctx.training) return g;
    return flip(g, layout(g), ctx.saved.at(0));
  }

 private:
  Tensor flip(const Tensor& x, const image::Layout& l, const Tensor& flips) const {
    Tensor y = Tensor::empty(x.dims());
    for (int64_t b = 0; b < l.batch; ++b) {
      const bool on = flips.data()[b] != 0.0f;
      for (int64_t r = 0; r < l.height; ++r)
        for (int64_t c = 0; c < l.width; ++c) {
          const int64_t sr = on && vertical_ ? l.height - 1 - r : r, sc = on && horizontal_ ? l.width - 1 - c : c;
          for (int64_t ch = 0; ch < l.channels; ++ch) y.data()[l.index(b, r, c, ch)] = x.data()[l.index(b, sr, sc, ch)];
        }
    }
    return y;
  }

  bool horizontal_ = true, vertical_ = true;
};

}  // namespace

RandomFlip::RandomFlip(const kw::Kwargs& kwargs) : Layer(std::make_shared<RandomFlipImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomFlip)

}  // namespace keras::layers

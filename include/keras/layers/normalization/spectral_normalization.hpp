#pragma once
// keras.layers.SpectralNormalization(layer, power_iterations=1): keeps the spectral norm (largest singular value)
// of a wrapped layer's kernel (Dense, the convolutions, EinsumDense) or embeddings (Embedding) near 1, as GANs'
// discriminators use it. In training calls (fit, or layer(x, training=true)) it first runs power_iterations steps of
// the power method on the kernel reshaped to (-1, last axis) from its non-trainable vector_u (shape (1, last axis),
// TruncatedNormal(stddev=0.02)), then divides the kernel by the estimated norm and stores it back in the wrapped
// layer, as Keras 3 does; inference calls use the stored kernel as it is. A kernel of zeros is left alone.
// Weights in Keras's order: the kernel, vector_u, then the wrapped layer's others (bias). A layer with no kernel or
// embeddings is Keras's ValueError on the first call.
#include "keras/layers/layer.hpp"

namespace keras::kw {
KERAS_KEYWORD(power_iterations, int);
}  // namespace keras::kw

namespace keras::layers {

class SpectralNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::power_iterations_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpectralNormalization(const Layer& layer, A&&... a)
      : SpectralNormalization(layer, kw::collect<SpectralNormalization>(std::forward<A>(a)...)) {}
  SpectralNormalization(const Layer& layer, const kw::Kwargs& kwargs);
  // For configs: the wrapped layer is the Layer stored under "layer".
  explicit SpectralNormalization(const kw::Kwargs& kwargs);

  // Keras's wrapper.layer.
  Layer layer() const;
};

}  // namespace keras::layers

#pragma once
// keras.layers.Masking(mask_value=0.0): marks timesteps as padding for the layers after it. A position along every
// axis but the last (a timestep of a (batch, timesteps, features) input) is masked when all its features equal
// mask_value: the output is the input with masked positions set to 0, and the output mask (batch, timesteps) is
// any(features != mask_value). Layers that support masking pass the mask on (recurrent layers skip masked steps,
// GlobalAveragePooling1D averages the unmasked ones, losses and metrics give them zero weight).
// The gradient is the output gradient at unmasked positions and 0 at masked ones (the mask itself is a step
// function and is treated as a constant, as in Keras). get_config keywords: mask_value (plus the base ones).
#include "keras/layers/layer.hpp"

namespace keras::kw {
KERAS_KEYWORD(mask_value, double);
}  // namespace keras::kw

namespace keras::layers {

class Masking : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::mask_value_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Masking(A&&... a) : Masking(kw::collect<Masking>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Masking(double mask_value, A&&... a)
      : Masking(kw::collect<Masking>(kw::mask_value = mask_value, std::forward<A>(a)...)) {}
  explicit Masking(const kw::Kwargs& kwargs);

  // Keras's compute_mask: any(inputs != mask_value, axis=-1), dtype "bool".
  Tensor compute_mask(const Tensor& inputs) const;
};

}  // namespace keras::layers

#pragma once
// keras.layers.Rescaling(scale, offset=0.0): y = x * scale + offset, in training and inference alike, on inputs of
// any rank and dtype (integer pixels give float32). Rescaling(1.0 / 255) maps [0, 255] to [0, 1];
// Rescaling(1.0 / 127.5, -1.0) maps it to [-1, 1]. (Keras's per-channel array scales are not supported.)
#include "keras/layers/layer.hpp"

namespace keras::kw {
KERAS_KEYWORD(offset, double);
}  // namespace keras::kw

namespace keras::layers {

class Rescaling : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::scale_t, kw::offset_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Rescaling(A&&... a) : Rescaling(kw::collect<Rescaling>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Rescaling(double scale, A&&... a)
      : Rescaling(kw::collect<Rescaling>(kw::scale = scale, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Rescaling(double scale, double offset, A&&... a)
      : Rescaling(kw::collect<Rescaling>(kw::scale = scale, kw::offset = offset, std::forward<A>(a)...)) {}
  explicit Rescaling(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

#pragma once
// keras.layers.UnitNormalization(axis=-1): scales each sample to unit L2 norm over `axis`,
// x * rsqrt(max(sum(x^2 over axis), 1e-12)), the same in training and inference; no weights. axis is an int
// (UnitNormalization(axis=1)) or a list of adjacent axes (UnitNormalization(axis={1, 2}), or positionally
// UnitNormalization({1, 2})); negative axes count from the end. Axes that are not adjacent are not supported yet.
#include "keras/core/args.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers {

class UnitNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UnitNormalization(A&&... a) : UnitNormalization(kw::collect<UnitNormalization>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UnitNormalization(IntTuple axis, A&&... a)
      : UnitNormalization(with_axis(kw::collect<UnitNormalization>(std::forward<A>(a)...), std::move(axis))) {}
  explicit UnitNormalization(const kw::Kwargs& kwargs);

 private:
  // The keywords with `axis` set: an int for one axis (as kw::axis stores it), else the IntTuple.
  static kw::Kwargs with_axis(kw::Kwargs k, IntTuple axis);
};

}  // namespace keras::layers

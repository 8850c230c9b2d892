#pragma once
// keras.layers.Flatten: (batch, d1, ..., dk) -> (batch, d1*...*dk); a (batch,) input gives (batch, 1), and any None
// among d1..dk gives (batch, None). data_format="channels_first" moves the channel axis last before flattening,
// so the values come out in the order channels_last data would give. channels_last returns a view of the input.
#include <string>

#include "keras/layers/layer.hpp"

namespace keras::layers {

class Flatten : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Flatten(A&&... a) : Flatten(kw::collect<Flatten>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Flatten(std::string data_format, A&&... a)
      : Flatten(kw::collect<Flatten>(kw::data_format = std::move(data_format), std::forward<A>(a)...)) {}
  explicit Flatten(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

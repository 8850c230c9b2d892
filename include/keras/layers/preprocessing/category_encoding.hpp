#pragma once
// keras.layers.CategoryEncoding(num_tokens, output_mode="multi_hot"): integer token ids in [0, num_tokens) to
// one_hot, multi_hot or count vectors (float32), for categorical features.
//   layers::CategoryEncoding(4, output_mode="one_hot")({3, 2, 0, 1}) -> rows e3, e2, e0, e1
//   multi_hot / count: each sample's ids in one vector, (batch, ids) -> (batch, num_tokens)
// A trailing axis of 1 is dropped for one_hot ((batch, 1) -> (batch, num_tokens)). Negative ids give zero rows (as
// every Keras backend does); an id >= num_tokens or one that is not a whole number is a ValueError naming it, where
// Keras's backends disagree (TensorFlow and JAX drop it silently, numpy and torch raise). Not supported: the
// count_weights call argument and sparse=true (keraspp has no sparse tensors). The layer has no weights and passes
// no gradient (its outputs are piecewise constant in its inputs).
#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/categorical_keywords.hpp"

namespace keras::kw {
KERAS_KEYWORD(num_tokens, int);
}  // namespace keras::kw

namespace keras::layers {

class CategoryEncoding : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::num_tokens_t, kw::output_mode_t, kw::sparse_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit CategoryEncoding(A&&... a) : CategoryEncoding(kw::collect<CategoryEncoding>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit CategoryEncoding(int num_tokens, A&&... a)
      : CategoryEncoding(kw::collect<CategoryEncoding>(kw::num_tokens = num_tokens, std::forward<A>(a)...)) {}
  explicit CategoryEncoding(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

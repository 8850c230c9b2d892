#pragma once
// keras.layers.AdditiveAttention(use_scale=true, dropout=0.0): Bahdanau-style attention over a list
// [query (B, Tq, dim), value (B, Tv, dim_v)] or [query, value, key (B, Tv, dim)]:
// scores = sum(scale * tanh(query_i + key_j)) over the features, with `scale` a learned (dim,) vector
// (glorot_uniform) or 1 without use_scale; then as keras.layers.Attention (softmax over Tv with the value's mask and
// use_causal_mask, output = scores value, zero where the query is masked).
#include "keras/layers/attention/attention.hpp"

namespace keras::layers {

class AdditiveAttention : public DenseAttentionLayer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::use_scale_t, kw::dropout_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AdditiveAttention(A&&... a) : AdditiveAttention(kw::collect<AdditiveAttention>(std::forward<A>(a)...)) {}
  explicit AdditiveAttention(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

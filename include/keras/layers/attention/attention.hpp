#pragma once
// keras.layers.Attention(use_scale=false, score_mode="dot", dropout=0.0): Luong-style attention over a list
// [query (B, Tq, dim), value (B, Tv, dim_v)] or [query, value, key (B, Tv, dim)] (the value is the key when none is
// given). scores = query key^T ("dot", times a learned scalar `scale` with use_scale) or
// concat_score_weight * sum(tanh(scale * (query_i + key_j))) ("concat"); softmax over Tv, where the value's Keras mask
// and use_causal_mask=true leave positions out; output = scores value (B, Tq, dim_v), zero where the query is masked.
#include "keras/layers/attention/attention_call.hpp"

namespace keras::kw {
KERAS_KEYWORD(use_scale, bool);
KERAS_KEYWORD(score_mode, std::string);
}  // namespace keras::kw

namespace keras::layers {

class Attention : public DenseAttentionLayer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::use_scale_t, kw::score_mode_t, kw::dropout_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Attention(A&&... a) : Attention(kw::collect<Attention>(std::forward<A>(a)...)) {}
  explicit Attention(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

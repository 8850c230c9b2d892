#pragma once
// keras.layers.GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads): grouped-query attention
// (Ainslie et al., 2023). The query is projected to num_query_heads heads of head_dim, the key and the value to
// num_key_value_heads heads, each serving num_query_heads / num_key_value_heads consecutive query heads (1 key/value
// head is multi-query attention, as many as query heads is MultiHeadAttention); the output has the query's shape.
// Inputs are (batch, positions, features), the value with the query's feature size. Keras's class (and config
// class_name) is GroupedQueryAttention; its automatic names are grouped_query_attention, _1, ...
// Called as MultiHeadAttention: gqa(query, value, key=k, attention_mask=m, use_causal_mask=true,
// return_attention_scores=true) -> (output, scores (batch, num_query_heads, T, S)).
#include "keras/layers/attention/attention_call.hpp"

namespace keras::kw {
KERAS_KEYWORD(head_dim, int);
KERAS_KEYWORD(num_query_heads, int);
KERAS_KEYWORD(num_key_value_heads, int);
}  // namespace keras::kw

namespace keras::layers {

class GroupQueryAttention : public QueryValueAttentionLayer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::head_dim_t, kw::num_query_heads_t, kw::num_key_value_heads_t,
                        kw::dropout_t, kw::use_bias_t, kw::flash_attention_t, kw::kernel_initializer_t,
                        kw::bias_initializer_t, kw::kernel_regularizer_t, kw::bias_regularizer_t,
                        kw::kernel_constraint_t, kw::bias_constraint_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GroupQueryAttention(A&&... a)
      : GroupQueryAttention(kw::collect<GroupQueryAttention>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  GroupQueryAttention(int head_dim, int num_query_heads, int num_key_value_heads, A&&... a)
      : GroupQueryAttention(kw::collect<GroupQueryAttention>(kw::head_dim = head_dim,
                                                             kw::num_query_heads = num_query_heads,
                                                             kw::num_key_value_heads = num_key_value_heads,
                                                             std::forward<A>(a)...)) {}
  explicit GroupQueryAttention(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers

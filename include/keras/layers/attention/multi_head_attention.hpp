#pragma once
// keras.layers.MultiHeadAttention(num_heads, key_dim): attention as in "Attention is all you need".
//   query (B, T, dim_q), value (B, S, dim_v), key (B, S, dim_k; value when not given) are projected per head by
//   EinsumDense sublayers "query" (dim_q, num_heads, key_dim), "key" (dim_k, num_heads, key_dim) and "value"
//   (dim_v, num_heads, value_dim); scores = softmax(q k^T / sqrt(key_dim)) over the source axis, masked where the
//   attention mask is 0; the heads' score-weighted values are projected back by "attention_output"
//   (num_heads, value_dim, dim_q or output_shape). Inputs may have more axes: attention runs over attention_axes
//   (default: every axis but the batch and the features), the other axes act as batch axes.
// Call, as in Keras:
//   KerasTensor y = mha(query, value);                      // or eagerly on Tensors
//   y = mha(query, value, key=k, attention_mask=m, use_causal_mask=true);
//   auto [y, scores] = mha(query, value, return_attention_scores=true);   // scores (B, num_heads, T, S)
// Keras masks of the query, value and key (Embedding(mask_zero=true), Masking) restrict the attention as Keras's
// _compute_attention_mask does; the output carries the query's mask.
#include "keras/layers/attention/attention_call.hpp"
#include "keras/layers/core/einsum_dense.hpp"

namespace keras::kw {
KERAS_KEYWORD(num_heads, int);
KERAS_KEYWORD(key_dim, int);
KERAS_KEYWORD(value_dim, int);
KERAS_KEYWORD(attention_axes, AxisArg);
}  // namespace keras::kw

namespace keras::layers {

class MultiHeadAttention : public QueryValueAttentionLayer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::num_heads_t, kw::key_dim_t, kw::value_dim_t, kw::dropout_t,
                        kw::use_bias_t, kw::output_shape_t, kw::attention_axes_t, kw::flash_attention_t,
                        kw::kernel_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                        kw::bias_regularizer_t, kw::kernel_constraint_t, kw::bias_constraint_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MultiHeadAttention(A&&... a) : MultiHeadAttention(kw::collect<MultiHeadAttention>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  MultiHeadAttention(int num_heads, int key_dim, A&&... a)
      : MultiHeadAttention(kw::collect<MultiHeadAttention>(kw::num_heads = num_heads, kw::key_dim = key_dim,
                                                           std::forward<A>(a)...)) {}
  explicit MultiHeadAttention(const kw::Kwargs& kwargs);

  // The projections, as Keras's properties query_dense, key_dense, value_dense and output_dense (once built).
  Layer query_dense() const;
  Layer key_dense() const;
  Layer value_dense() const;
  Layer output_dense() const;
};

}  // namespace keras::layers

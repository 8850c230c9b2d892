#pragma once
// The computations the attention layers (MultiHeadAttention, Attention, AdditiveAttention) share: batched products
// of stacked matrices, the masked softmax over the source axis and its gradient, and Keras's mask arithmetic
// (numpy's expand_dims and broadcasting, a boolean AND as a product of 0/1 values).
#include <cstdint>
#include <string>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"

namespace keras::layers::attention_ops {

// C[b] = alpha * op(A[b]) op(B[b]) + beta * C[b] for b < batches; op(A) is (M, K), op(B) (K, N), each matrix
// contiguous and the stacks back to back.
void batched_matmul(bool trans_a, bool trans_b, int64_t batches, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, const float* B, float beta, float* C);

// Keras's Softmax(mask=m) on rows of n values, in place: x += (1 - m) * -1e9 where a mask is given (same layout,
// 0/1 values), then softmax. A fully masked row comes out uniform, as in Keras.
void masked_softmax(float* x, const float* mask, int64_t rows, int64_t n);
// The softmax gradient in place: dy <- y * (dy - sum(dy * y)) per row.
void softmax_backward(const float* y, float* dy, int64_t rows, int64_t n);

// The additive scores both Attention(score_mode="concat") and AdditiveAttention compute:
//   scores[b, i, j] = sum over features e of a[e] * tanh(c * (query[b, i, e] + key[b, j, e]))
// with a per-feature weight `a` (AdditiveAttention's scale), one weight for every feature (Attention's
// concat_score_weight), or none (1); c is Attention's scale (1 for AdditiveAttention).
struct TanhScoreWeights {
  const float* a = nullptr;  // null: 1
  bool per_feature = false;
  float c = 1.0f;
  float weight(int64_t e) const { return a ? a[per_feature ? e : 0] : 1.0f; }
};
Tensor tanh_scores(const Tensor& query, const Tensor& key, const TanhScoreWeights& w);
// Its gradients given d loss / d scores: query's and key's, a's (one per feature, or one in all), c's.
struct TanhScoreGrads {
  Tensor query, key;
  std::vector<double> a;
  double c = 0.0;
};
TanhScoreGrads tanh_scores_backward(const Tensor& query, const Tensor& key, const Tensor& d_scores,
                                    const TanhScoreWeights& w);

// The dropout= rate of an attention layer, with Keras's Dropout message outside [0, 1].
double read_dropout(const kw::Kwargs& k, const std::string& layer);

// Keras's causal mask (1, t, s): position i may attend to positions j <= i.
Tensor causal_mask(int64_t t, int64_t s);

// numpy's expand_dims on a shape, or nullopt-like failure: returns false when axis is out of numpy's bounds.
bool expand_dims(std::vector<int64_t>& dims, int axis);
// The same on symbolic shapes (None stays None).
bool expand_dims(std::vector<Dim>& dims, int axis);

// A mask tensor as 0/1 floats (any nonzero value counts as true, as Keras's cast to bool).
Tensor as_bool(const Tensor& m);
// m broadcast to target's dims (numpy rules; m must not need to grow target), as a contiguous 0/1 tensor.
Tensor broadcast_to(const Tensor& m, const std::vector<int64_t>& target);
// Whether a mask of shape `mask` broadcasts to `target` without growing it; None entries match anything.
bool broadcasts_to(const std::vector<Dim>& mask, const std::vector<Dim>& target);
// "(None, 4, 6)" for messages.
std::string dims_text(const std::vector<Dim>& dims);

}  // namespace keras::layers::attention_ops

#pragma once
// What keras.layers.Attention and AdditiveAttention share (Keras 3's Attention base class): the inputs as a list
// [query (B, Tq, dim), value (B, Tv, dim_v)] or [query, value, key (B, Tv, dim)], the score mask (the value's Keras
// mask and the causal mask), the softmax over Tv, dropout, the product with the value and the query's mask on the
// result. Each layer supplies its scores and their gradient.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/layers/attention/attention_call.hpp"

namespace keras::layers::attention_detail {

class DenseAttentionImpl : public LayerImpl {
 public:
  DenseAttentionImpl(const std::string& class_name, const kw::Kwargs& k);

  int expected_inputs() const override { return -1; }  // [query, value] or [query, value, key]
  bool supports_masking() const override { return true; }
  std::vector<std::string> accepted_call_flags() const override {
    return {"use_causal_mask", "return_attention_scores"};
  }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override;
  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override;
  std::string hint_for(const SpecViolation& v) const override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) override;
  std::vector<Shape> compute_call_output_shapes(const std::vector<Shape>& shapes, const CallFlags& flags) override;
  std::vector<Tensor> forward(CallContext& ctx) override;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& grads) override;

 protected:
  // The scores (B, Tq, Tv) of query (B, Tq, dim) and key (B, Tv, dim), before masking.
  virtual Tensor scores(const Tensor& query, const Tensor& key) const = 0;
  // Given d loss / d scores: adds the weights' gradients and returns those of the query and the key (undefined
  // where not asked for).
  virtual std::pair<Tensor, Tensor> scores_backward(const Tensor& query, const Tensor& key, const Tensor& d_scores,
                                                    bool need_query, bool need_key) = 0;

  bool use_scale_ = false;

 private:
  void check_shapes(const std::vector<Shape>& shapes) const;
  Tensor score_mask(const CallContext& ctx, int64_t batch, int64_t tq, int64_t tv) const;

  double rate_ = 0.0;
  Layer dropout_;
};

}  // namespace keras::layers::attention_detail

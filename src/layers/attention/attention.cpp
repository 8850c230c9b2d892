#include "keras/layers/attention/attention.hpp"

#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/attention/attention_ops.hpp"
#include "layers/attention/base_dense_attention.hpp"

namespace keras::layers {

namespace {
namespace luong {  // file-local names apart from those of other sources of a unity batch

class AttentionImpl : public attention_detail::DenseAttentionImpl {
 public:
  explicit AttentionImpl(const kw::Kwargs& k) : DenseAttentionImpl("Attention", k) {
    use_scale_ = k.get_or("use_scale", false);
    mode_ = k.get_or<std::string>("score_mode", "dot");
    if (mode_ != "dot" && mode_ != "concat")
      throw ValueError("Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: "
                       "score_mode=" + mode_,
                       {.layer = name(), .received = mode_,
                        .hint = "score_mode=\"dot\" scores by the query-key dot product, \"concat\" by the summed "
                                "tanh of their sum."});
  }

  void build(const std::vector<Shape>&) override {
    if (use_scale_) scale_ = add_weight("scale", {}, "ones");
    if (mode_ == "concat") concat_weight_ = add_weight("concat_score_weight", {}, "ones");
  }

 protected:
  Tensor scores(const Tensor& q, const Tensor& k) const override {
    if (mode_ != "dot") return attention_ops::tanh_scores(q, k, concat_weights());
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    Tensor s = Tensor::empty({batch, tq, tv});
    attention_ops::batched_matmul(false, true, batch, tq, tv, d, scale(), q.data(), k.data(), 0.0f, s.data());
    return s;
  }

  std::pair<Tensor, Tensor> scores_backward(const Tensor& q, const Tensor& k, const Tensor& ds, bool need_q,
                                            bool need_k) override {
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    const float c = scale();
    if (mode_ != "dot") {
      attention_ops::TanhScoreGrads g = attention_ops::tanh_scores_backward(q, k, ds, concat_weights());
      grad_of(*concat_weight_).data()[0] += static_cast<float>(g.a[0]);
      if (scale_) grad_of(*scale_).data()[0] += static_cast<float>(g.c);
      return {need_q ? g.query : Tensor(), need_k ? g.key : Tensor()};
    }
    Tensor dq = Tensor::zeros(q.dims()), dk = Tensor::zeros(k.dims());
    if (scale_) {
      Tensor raw = Tensor::empty({batch, tq, tv});
      attention_ops::batched_matmul(false, true, batch, tq, tv, d, 1.0f, q.data(), k.data(), 0.0f, raw.data());
      double g = 0.0;
      for (int64_t i = 0; i < raw.size(); ++i) g += static_cast<double>(raw.data()[i]) * ds.data()[i];
      grad_of(*scale_).data()[0] += static_cast<float>(g);
    }
    if (need_q)
      attention_ops::batched_matmul(false, false, batch, tq, d, tv, c, ds.data(), k.data(), 0.0f, dq.data());
    if (need_k)
      attention_ops::batched_matmul(true, false, batch, tv, d, tq, c, ds.data(), q.data(), 0.0f, dk.data());
    return {need_q ? dq : Tensor(), need_k ? dk : Tensor()};
  }

 private:
  float scale() const { return scale_ ? scale_->value.data()[0] : 1.0f; }
  // "concat": concat_score_weight * sum(tanh(scale * (q + k))).
  attention_ops::TanhScoreWeights concat_weights() const {
    return {.a = concat_weight_->value.data(), .per_feature = false, .c = scale()};
  }

  std::string mode_;
  VariablePtr scale_, concat_weight_;
};

}  // namespace luong
}  // namespace

Attention::Attention(const kw::Kwargs& kwargs) : DenseAttentionLayer(std::make_shared<luong::AttentionImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Attention)

}  // namespace keras::layers

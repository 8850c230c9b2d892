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
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    Tensor s = Tensor::empty({batch, tq, tv});
    const float c = scale();
    if (mode_ == "dot") {
      attention_ops::batched_matmul(false, true, batch, tq, tv, d, c, q.data(), k.data(), 0.0f, s.data());
      return s;
    }
    const float w = concat_weight_->value.data()[0];
#pragma omp parallel for if (batch * tq * tv * d > (1 << 15))
    for (int64_t r = 0; r < batch * tq; ++r) {
      const float* qr = q.data() + r * d;
      const float* kb = k.data() + (r / tq) * tv * d;
      for (int64_t j = 0; j < tv; ++j) {
        float sum = 0.0f;
        for (int64_t e = 0; e < d; ++e) sum += std::tanh(c * (qr[e] + kb[j * d + e]));
        s.data()[r * tv + j] = w * sum;
      }
    }
    return s;
  }

  std::pair<Tensor, Tensor> scores_backward(const Tensor& q, const Tensor& k, const Tensor& ds, bool need_q,
                                            bool need_k) override {
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    const float c = scale();
    Tensor dq = Tensor::zeros(q.dims()), dk = Tensor::zeros(k.dims());
    if (mode_ == "dot") {
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
    } else {
      const float w = concat_weight_->value.data()[0];
      double dw = 0.0, dc = 0.0;
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t i = 0; i < tq; ++i) {
          const float* qr = q.data() + (b * tq + i) * d;
          float* dqr = dq.data() + (b * tq + i) * d;
          for (int64_t j = 0; j < tv; ++j) {
            const float* kr = k.data() + (b * tv + j) * d;
            float* dkr = dk.data() + (b * tv + j) * d;
            const float g = ds.data()[(b * tq + i) * tv + j];
            double usum = 0.0;
            for (int64_t e = 0; e < d; ++e) {
              const float sum = qr[e] + kr[e];
              const float u = std::tanh(c * sum);
              usum += u;
              const float du = g * w * (1.0f - u * u);  // d loss / d (c * sum)
              dqr[e] += du * c;
              dkr[e] += du * c;
              dc += static_cast<double>(du) * sum;
            }
            dw += g * usum;
          }
        }
      grad_of(*concat_weight_).data()[0] += static_cast<float>(dw);
      if (scale_) grad_of(*scale_).data()[0] += static_cast<float>(dc);
    }
    return {need_q ? dq : Tensor(), need_k ? dk : Tensor()};
  }

 private:
  float scale() const { return scale_ ? scale_->value.data()[0] : 1.0f; }

  std::string mode_;
  VariablePtr scale_, concat_weight_;
};

}  // namespace luong
}  // namespace

Attention::Attention(const kw::Kwargs& kwargs) : DenseAttentionLayer(std::make_shared<luong::AttentionImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Attention)

}  // namespace keras::layers

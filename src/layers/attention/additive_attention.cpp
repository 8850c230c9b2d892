#include "keras/layers/attention/additive_attention.hpp"

#include <cmath>

#include "keras/layers/registry.hpp"
#include "layers/attention/base_dense_attention.hpp"

namespace keras::layers {

namespace {
namespace bahdanau {  // file-local names apart from those of other sources of a unity batch

class AdditiveAttentionImpl : public attention_detail::DenseAttentionImpl {
 public:
  explicit AdditiveAttentionImpl(const kw::Kwargs& k) : DenseAttentionImpl("AdditiveAttention", k) {
    use_scale_ = k.get_or("use_scale", true);
  }

  void build(const std::vector<Shape>& shapes) override {
    const Dim dim = shapes.at(0)[-1];
    if (!use_scale_) return;
    if (!dim.known())
      throw ValueError("The last dimension of the query of layer \"" + name() + "\" should be defined. Found None.",
                       {.layer = name(), .received = to_string(shapes[0]),
                        .hint = "its scale has one entry per feature: give the query a known number of features."});
    scale_ = add_weight("scale", {dim.value()}, "glorot_uniform");
    input_spec[0].axes[-1] = dim.value();
  }

 protected:
  // sum over features of scale * tanh(query_i + key_j).
  Tensor scores(const Tensor& q, const Tensor& k) const override {
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    Tensor s = Tensor::empty({batch, tq, tv});
    const float* a = scale_ ? scale_->value.data() : nullptr;
#pragma omp parallel for if (batch * tq * tv * d > (1 << 15))
    for (int64_t r = 0; r < batch * tq; ++r) {
      const float* qr = q.data() + r * d;
      const float* kb = k.data() + (r / tq) * tv * d;
      for (int64_t j = 0; j < tv; ++j) {
        float sum = 0.0f;
        for (int64_t e = 0; e < d; ++e) sum += (a ? a[e] : 1.0f) * std::tanh(qr[e] + kb[j * d + e]);
        s.data()[r * tv + j] = sum;
      }
    }
    return s;
  }

  std::pair<Tensor, Tensor> scores_backward(const Tensor& q, const Tensor& k, const Tensor& ds, bool need_q,
                                            bool need_k) override {
    const int64_t batch = q.dim(0), tq = q.dim(1), tv = k.dim(1), d = q.dim(2);
    const float* a = scale_ ? scale_->value.data() : nullptr;
    Tensor dq = Tensor::zeros(q.dims()), dk = Tensor::zeros(k.dims());
    std::vector<double> da(static_cast<size_t>(d), 0.0);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < tq; ++i) {
        const float* qr = q.data() + (b * tq + i) * d;
        float* dqr = dq.data() + (b * tq + i) * d;
        for (int64_t j = 0; j < tv; ++j) {
          const float* kr = k.data() + (b * tv + j) * d;
          float* dkr = dk.data() + (b * tv + j) * d;
          const float g = ds.data()[(b * tq + i) * tv + j];
          for (int64_t e = 0; e < d; ++e) {
            const float u = std::tanh(qr[e] + kr[e]);
            da[static_cast<size_t>(e)] += static_cast<double>(g) * u;
            const float du = g * (a ? a[e] : 1.0f) * (1.0f - u * u);
            dqr[e] += du;
            dkr[e] += du;
          }
        }
      }
    if (scale_) {
      Tensor& grad = grad_of(*scale_);
      for (int64_t e = 0; e < d; ++e) grad.data()[e] += static_cast<float>(da[static_cast<size_t>(e)]);
    }
    return {need_q ? dq : Tensor(), need_k ? dk : Tensor()};
  }

 private:
  VariablePtr scale_;
};

}  // namespace bahdanau
}  // namespace

AdditiveAttention::AdditiveAttention(const kw::Kwargs& kwargs)
    : DenseAttentionLayer(std::make_shared<bahdanau::AdditiveAttentionImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(AdditiveAttention)

}  // namespace keras::layers

#include "keras/layers/attention/additive_attention.hpp"

#include <cmath>

#include "keras/layers/registry.hpp"
#include "layers/attention/attention_ops.hpp"
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
  Tensor scores(const Tensor& q, const Tensor& k) const override { return attention_ops::tanh_scores(q, k, weights()); }

  std::pair<Tensor, Tensor> scores_backward(const Tensor& q, const Tensor& k, const Tensor& ds, bool need_q,
                                            bool need_k) override {
    attention_ops::TanhScoreGrads g = attention_ops::tanh_scores_backward(q, k, ds, weights());
    if (scale_) {
      Tensor& grad = grad_of(*scale_);
      for (int64_t e = 0; e < grad.size(); ++e) grad.data()[e] += static_cast<float>(g.a[static_cast<size_t>(e)]);
    }
    return {need_q ? g.query : Tensor(), need_k ? g.key : Tensor()};
  }

 private:
  attention_ops::TanhScoreWeights weights() const {
    return {.a = scale_ ? scale_->value.data() : nullptr, .per_feature = true, .c = 1.0f};
  }

  VariablePtr scale_;
};

}  // namespace bahdanau
}  // namespace

AdditiveAttention::AdditiveAttention(const kw::Kwargs& kwargs)
    : DenseAttentionLayer(std::make_shared<bahdanau::AdditiveAttentionImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(AdditiveAttention)

}  // namespace keras::layers

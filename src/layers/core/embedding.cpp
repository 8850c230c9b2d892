#include "keras/layers/core/embedding.hpp"

#include <cmath>
#include <cstdio>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

// Embedding's input_dim is the vocabulary size; the base class would read it as an input shape.
kw::Kwargs without_vocabulary(kw::Kwargs k) {
  k.erase("input_dim");
  return k;
}

std::string number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// numpy-style position of flat index k in dims: "[0,3]".
std::string position(int64_t k, const std::vector<int64_t>& dims) {
  std::vector<int64_t> idx(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    idx[i] = dims[i] ? k % dims[i] : 0;
    k = dims[i] ? k / dims[i] : 0;
  }
  std::string out = "[";
  for (size_t i = 0; i < idx.size(); ++i) out += (i ? "," : "") + std::to_string(idx[i]);
  return out + "]";
}

class EmbeddingImpl : public SingleInputLayer {
 public:
  explicit EmbeddingImpl(const kw::Kwargs& k) : SingleInputLayer("Embedding", without_vocabulary(k)) {
    config_ = k;
    auto in = k.get<int>("input_dim");
    auto out = k.get<int>("output_dim");
    if (!in || !out) {
      std::string missing = !in && !out ? "2 required positional arguments: 'input_dim' and 'output_dim'"
                            : !in       ? "1 required positional argument: 'input_dim'"
                                        : "1 required positional argument: 'output_dim'";
      throw TypeError("Embedding.__init__() missing " + missing,
                      {.layer = name(), .hint = "give the vocabulary size and the vector size: Embedding(10000, 64) "
                                                "for indices 0..9999 mapped to 64 values each."});
    }
    if (*in <= 0 || *out <= 0)
      throw ValueError("Both `input_dim` and `output_dim` should be positive, Received input_dim = " +
                           std::to_string(*in) + " and output_dim = " + std::to_string(*out),
                       {.layer = name(), .received = "input_dim=" + std::to_string(*in) + ", output_dim=" +
                                                     std::to_string(*out),
                        .hint = "input_dim is the vocabulary size (largest index + 1) and output_dim the length of "
                                "each embedding vector: both must be at least 1."});
    input_dim_ = *in;
    output_dim_ = *out;
    init_ = k.get_or<InitializerArg>("embeddings_initializer", "uniform");
    initializers::get(init_);
    regularizer_ = regularizers::get(k.get_or<RegularizerArg>("embeddings_regularizer", {}));
    mask_zero_ = k.get_or("mask_zero", false);
    if (k.has("input_length")) callback_types::detail::warn("Argument `input_length` is deprecated. Just remove it.");
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out = s;
    out.push_back(Dim(output_dim_));
    return out;
  }

  void build_one(const Shape&) override { embeddings_ = add_weight("embeddings", {input_dim_, output_dim_}, init_); }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable() || !regularizer_) return 0.0;
    double p = regularizer_->penalty(embeddings_->value);
    if (accumulate_grads) regularizer_->add_gradient(embeddings_->value, grad_of(*embeddings_));
    return p;
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    std::vector<int64_t> rows = indices(x);
    std::vector<int64_t> out_dims = x.dims();
    out_dims.push_back(output_dim_);
    Tensor y = Tensor::empty(out_dims);
    const float* table = embeddings_->value.data();
    float* yd = y.data();
    const int64_t n = static_cast<int64_t>(rows.size()), D = output_dim_;
#pragma omp parallel for schedule(static) if (n * D > (1 << 16))
    for (int64_t r = 0; r < n; ++r) std::copy(table + rows[r] * D, table + (rows[r] + 1) * D, yd + r * D);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (trainable()) {
      std::vector<int64_t> rows = indices(ctx.inputs.at(0));
      float* dt = grad_of(*embeddings_).data();
      const float* gd = g.data();
      const int64_t D = output_dim_;
      for (size_t r = 0; r < rows.size(); ++r) {
        float* dst = dt + rows[r] * D;
        const float* src = gd + static_cast<int64_t>(r) * D;
#pragma omp simd
        for (int64_t j = 0; j < D; ++j) dst[j] += src[j];
      }
    }
    return {};  // integer indices have no gradient
  }

  // Keras sets supports_masking = mask_zero: without it, an incoming mask is dropped with the usual warning.
  bool supports_masking() const override { return mask_zero_; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>&,
                                    size_t n_outputs) const override {
    return std::vector<Tensor>(n_outputs, compute_mask(inputs.at(0)));
  }

  Tensor compute_mask(const Tensor& x) const {
    if (!mask_zero_) return {};
    Tensor m = Tensor::empty(x.dims());
    const float* xd = x.data();
    float* md = m.data();
    const int64_t n = x.size();
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) md[i] = xd[i] != 0.0f ? 1.0f : 0.0f;  // Keras compares the raw inputs
    m.set_dtype("bool");
    return m;
  }

  Tensor embeddings() const {
    if (!built_)
      throw ValueError("You must build the layer before accessing `embeddings`.",
                       {.layer = name(), .hint = "call the layer on indices (or on keras::Input) first."});
    return embeddings_->value;
  }

 private:
  // The rows to take, as Keras's cast to int32 gives them (truncation toward zero); out of range is an error.
  std::vector<int64_t> indices(const Tensor& x) const {
    std::vector<int64_t> rows(static_cast<size_t>(x.size()));
    const float* xd = x.data();
    const double top = static_cast<double>(input_dim_);
    for (int64_t i = 0; i < x.size(); ++i) {
      const double v = xd[i];
      if (!(v > -1.0 && v < top)) bad_index(x, i);  // also catches NaN
      rows[static_cast<size_t>(i)] = static_cast<int64_t>(v);
    }
    return rows;
  }

  [[noreturn]] void bad_index(const Tensor& x, int64_t i) const {
    const double v = x.data()[i];
    const std::string range = "[0, " + std::to_string(input_dim_) + ")";
    std::string hint;
    if (std::isnan(v))
      hint = "the input holds NaN where an integer index is expected: check the data pipeline.";
    else if (v < 0)
      hint = "indices must be non-negative (0 to " + std::to_string(input_dim_ - 1) +
             "): map negative or padding values to 0 (with mask_zero=true) or to an out-of-vocabulary index.";
    else
      hint = "input_dim is the vocabulary size, the largest index + 1: use Embedding(" +
             number(std::floor(v) + 1) + ", " + std::to_string(output_dim_) +
             ") or more to cover this index, or map rare words to an out-of-vocabulary index below " +
             std::to_string(input_dim_) + ".";
    throw ValueError("indices" + position(i, x.dims()) + " = " + number(v) + " is not in " + range +
                         " (layer \"" + name() + "\" has input_dim=" + std::to_string(input_dim_) + ")",
                     {.layer = name(), .expected = "indices in " + range, .received = number(v), .hint = hint});
  }

  int64_t input_dim_ = 0, output_dim_ = 0;
  bool mask_zero_ = false;
  InitializerArg init_;
  std::shared_ptr<const regularizers::Regularizer> regularizer_;
  VariablePtr embeddings_;
};

EmbeddingImpl& embedding_impl(const Layer& l) { return static_cast<EmbeddingImpl&>(*l.impl()); }

}  // namespace

Embedding::Embedding(const kw::Kwargs& kwargs) : Layer(std::make_shared<EmbeddingImpl>(kwargs)) {}

Tensor Embedding::compute_mask(const Tensor& inputs) const { return embedding_impl(*this).compute_mask(inputs); }
Tensor Embedding::embeddings() const { return embedding_impl(*this).embeddings(); }

KERAS_REGISTER_LAYER(Embedding)

}  // namespace keras::layers

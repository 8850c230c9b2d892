// keras.layers.CategoryEncoding (keras/src/layers/preprocessing/category_encoding.py).
#include "keras/layers/preprocessing/category_encoding.hpp"

#include <cmath>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/preprocessing/categorical_encoding.hpp"

namespace keras::layers {

namespace {

class CategoryEncodingImpl : public SingleInputLayer {
 public:
  explicit CategoryEncodingImpl(const kw::Kwargs& k) : SingleInputLayer("CategoryEncoding", k) {
    std::string mode = k.get_or<std::string>("output_mode", "multi_hot");
    if (mode == "binary") mode = "multi_hot";  // Keras's deprecated name
    if (mode != "count" && mode != "one_hot" && mode != "multi_hot")
      throw ValueError("Unknown arg for output_mode: " + mode,
                       {.layer = name(), .expected = "\"one_hot\", \"multi_hot\" or \"count\"", .received = mode,
                        .hint = "one_hot gives a row per id, multi_hot and count one vector per sample."});
    const auto tokens = k.get<int>("num_tokens");
    if (!tokens)
      throw ValueError("num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                       "use the IntegerLookup layer instead.",
                       {.layer = name(), .hint = "give the number of distinct ids: CategoryEncoding(num_tokens=10)."});
    if (*tokens < 1)
      throw ValueError("`num_tokens` must be >= 1. Received: num_tokens=" + std::to_string(*tokens) + ".",
                       {.layer = name(), .expected = ">= 1", .received = std::to_string(*tokens),
                        .hint = "ids run from 0 to num_tokens - 1."});
    categorical::refuse_sparse(k, name());
    mode_ = categorical::mode_from_name(mode);
    num_tokens_ = *tokens;
    config_.set("output_mode", mode);
  }

  Shape compute_output_shape(const Shape& s) override {
    return categorical::encoded_shape(s, mode_, Dim(num_tokens_));
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    for (int64_t i = 0; i < x.size(); ++i) {
      const float v = x.data()[i];
      if (v < static_cast<float>(num_tokens_) && v == std::floor(v)) continue;
      const std::string id = v == std::floor(v) && std::abs(v) < 1e15f ? std::to_string(static_cast<long long>(v))
                                                                       : py_float(v);
      throw ValueError("Layer \"" + name() + "\" (CategoryEncoding) received the token id " + id +
                             ", which is not an integer in [0, " + std::to_string(num_tokens_) + ").",
                         {.layer = name(), .expected = "ids in [0, " + std::to_string(num_tokens_) + ")",
                          .received = id,
                          .hint = "raise num_tokens to cover every id, or map arbitrary values to ids first "
                                  "(IntegerLookup, Discretization)."});
    }
    return categorical::encode(x, mode_, num_tokens_);
  }

  Tensor backward_one(const Tensor&, CallContext& ctx) override { return categorical::zero_input_gradient(ctx); }

 private:
  categorical::OutputMode mode_ = categorical::OutputMode::kMultiHot;
  int64_t num_tokens_ = 0;
};

}  // namespace

CategoryEncoding::CategoryEncoding(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<CategoryEncodingImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(CategoryEncoding)

}  // namespace keras::layers

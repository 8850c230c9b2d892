#include "keras/layers/reshaping/flatten.hpp"

#include <algorithm>
#include <cctype>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers {

namespace {

class FlattenImpl : public SingleInputLayer {
 public:
  explicit FlattenImpl(const kw::Kwargs& k) : SingleInputLayer("Flatten", k) {
    std::string df = k.get_or<std::string>("data_format", "channels_last");
    std::transform(df.begin(), df.end(), df.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (df != "channels_first" && df != "channels_last")
      throw ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                       "data_format=" + df,
                       {.layer = name(), .expected = "channels_first or channels_last", .received = df,
                        .hint = "use data_format=\"channels_last\" for (batch, ..., channels) data (the default) or "
                                "\"channels_first\" for (batch, channels, ...)."});
    channels_first_ = df == "channels_first";
    input_spec = {InputSpec{.min_ndim = 1}};
  }

  Shape compute_output_shape(const Shape& s) override {
    Dim flat = 1;
    int64_t n = 1;
    for (int i = 1; i < s.ndim(); ++i) {
      if (s[i].is_none()) {
        flat = None;
        break;
      }
      n *= s[i].value();
    }
    if (flat.known()) flat = n;
    return Shape{s[0], flat};
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const int nd = x.ndim();
    const int64_t batch = x.dims()[0];
    const int64_t per_sample = batch == 0 ? per_sample_size(x) : x.size() / batch;
    if (channels_first_ && nd > 2) return detail::transpose(x, to_channels_last(nd)).reshape({batch, per_sample});
    return x.reshape({batch, per_sample});  // a view: no copy
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const int nd = x.ndim();
    if (channels_first_ && nd > 2) {
      std::vector<int> axes = to_channels_last(nd);
      std::vector<int64_t> moved(static_cast<size_t>(nd));
      for (size_t i = 0; i < moved.size(); ++i) moved[i] = x.dims()[static_cast<size_t>(axes[i])];
      return detail::transpose(g.reshape(moved), detail::inverse_permutation(axes));
    }
    return g.reshape(x.dims());
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind == SpecViolation::Kind::min_ndim)
      return "Flatten needs at least the batch axis: it turns (batch, d1, ..., dk) into (batch, d1*...*dk), but "
             "got a scalar; pass an array with one row per sample.";
    return SingleInputLayer::hint_for(v);
  }

 private:
  static int64_t per_sample_size(const Tensor& x) {
    int64_t n = 1;
    for (size_t i = 1; i < x.dims().size(); ++i) n *= x.dims()[i];
    return n;
  }
  // (0, 2, ..., nd-1, 1): channels_first to channels_last.
  static std::vector<int> to_channels_last(int nd) {
    std::vector<int> axes{0};
    for (int i = 2; i < nd; ++i) axes.push_back(i);
    axes.push_back(1);
    return axes;
  }
  bool channels_first_ = false;
};

}  // namespace

Flatten::Flatten(const kw::Kwargs& kwargs) : Layer(std::make_shared<FlattenImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Flatten)

}  // namespace keras::layers

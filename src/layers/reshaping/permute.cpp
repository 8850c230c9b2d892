#include "keras/layers/reshaping/permute.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers {

namespace {

std::string one_to(size_t n) {
  std::string out = "{";
  for (size_t i = 1; i <= n; ++i) out += (i > 1 ? ", " : "") + std::to_string(i);
  return out + "}";
}

class PermuteImpl : public SingleInputLayer {
 public:
  explicit PermuteImpl(const kw::Kwargs& k) : SingleInputLayer("Permute", k) {
    auto d = k.get<std::vector<int64_t>>("dims");
    if (!d)
      throw TypeError("Permute.__init__() missing 1 required positional argument: 'dims'",
                      {.layer = name(), .hint = "give the new order of the non-batch axes, numbered from 1: "
                                                "Permute({2, 1}) swaps the two axes of (batch, a, b)."});
    dims_ = *d;
    std::vector<int64_t> sorted = dims_;
    std::sort(sorted.begin(), sorted.end());
    bool valid = true;
    for (size_t i = 0; i < sorted.size(); ++i) valid = valid && sorted[i] == static_cast<int64_t>(i + 1);
    if (!valid) {
      const std::string received = detail::int_tuple(dims_);
      std::string hint;
      if (std::find(dims_.begin(), dims_.end(), int64_t{0}) != dims_.end())
        hint = "dims excludes the batch axis and counts from 1 (the batch axis stays first): for (batch, a, b), "
               "write Permute({2, 1}), not Permute({0, 2, 1}).";
      else
        hint = "dims must list each of " + one_to(dims_.size()) +
               " once: it gives the new order of the non-batch axes, numbered from 1.";
      throw ValueError("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                       "consecutive and start from 1. Received dims=" + received,
                       {.layer = name(), .expected = "a permutation of " + one_to(dims_.size()), .received = received,
                        .hint = hint});
    }
    axes_ = {0};
    for (int64_t a : dims_) axes_.push_back(static_cast<int>(a));
    input_spec = {InputSpec{.ndim = static_cast<int>(dims_.size()) + 1}};
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out{s[0]};
    for (int64_t a : dims_) out.push_back(s[static_cast<int>(a)]);
    return out;
  }

  Tensor forward_one(const Tensor& x, CallContext&) override { return detail::transpose(x, axes_); }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    return detail::transpose(g, detail::inverse_permutation(axes_));
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    const int rank = v.received.ndim();
    std::string h = "Permute(" + detail::int_braces(dims_) + ") orders " + std::to_string(dims_.size()) +
                    " non-batch axes, so it takes inputs of rank " + std::to_string(dims_.size() + 1) + ", but " +
                    (v.producer.empty() ? std::string("the input") : "the previous layer \"" + v.producer + "\"") +
                    " gives " + to_string(v.received) + ".";
    if (rank >= 2)
      h += " For this input, dims must be a permutation of " + one_to(static_cast<size_t>(rank - 1)) +
           " (the batch axis is not listed).";
    return h;
  }

 private:
  std::vector<int64_t> dims_;
  std::vector<int> axes_;  // (0, *dims): the transpose axes, batch included
};

}  // namespace

Permute::Permute(const kw::Kwargs& kwargs) : Layer(std::make_shared<PermuteImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Permute)

}  // namespace keras::layers

#include "keras/layers/reshaping/reshape.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers {

namespace {

class ReshapeImpl : public SingleInputLayer {
 public:
  explicit ReshapeImpl(const kw::Kwargs& k) : SingleInputLayer("Reshape", k) {
    auto t = k.get<std::vector<int64_t>>("target_shape");
    if (!t)
      throw TypeError("Reshape.__init__() missing 1 required positional argument: 'target_shape'",
                      {.layer = name(), .hint = "give the per-sample shape to produce, without the batch axis: "
                                                "Reshape({28, 28, 1}) or Reshape(target_shape={-1, 64})."});
    target_ = *t;
    const std::string received = detail::int_tuple(target_);
    if (std::count(target_.begin(), target_.end(), int64_t{-1}) > 1)
      throw ValueError("The `target_shape` argument must not contain more than one `-1` value. Received: "
                       "target_shape=" + received,
                       {.layer = name(), .expected = "at most one -1", .received = received,
                        .hint = "only one dimension can be inferred: give every other dimension explicitly, e.g. "
                                "Reshape({-1, 64}) rather than Reshape({-1, -1})."});
    for (int64_t d : target_)
      if (d < -1)
        throw ValueError("Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single "
                         "unknown dimension. Received: target_shape=" + received + ".",
                         {.layer = name(), .expected = "sizes >= 0 and at most one -1", .received = received,
                          .hint = "use -1 (not another negative number) for the one dimension to infer."});
    input_spec = {InputSpec{.min_ndim = 1}};
  }

  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override {
    // Remember who feeds this layer, so that a size mismatch can be explained in terms of that layer.
    producer_ = producers.empty() ? std::pair<std::string, std::string>{} : producers[0];
    SingleInputLayer::check_input_compatibility(shapes, producers);
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out = resolve(s.without_batch());
    std::vector<Dim> dims{s[0]};
    dims.insert(dims.end(), out.begin(), out.end());
    return Shape(std::move(dims));
  }

  // Keras raises the size mismatch while building (i.e. when the model is defined).
  void build_one(const Shape& s) override { (void)resolve(s.without_batch()); }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    std::vector<int64_t> per_sample(x.dims().begin() + 1, x.dims().end());
    std::vector<int64_t> out{x.dims()[0]};
    for (const Dim& d : resolve(Shape::of(per_sample))) out.push_back(d.value());
    return x.reshape(std::move(out));  // a view: no copy
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    return g.reshape(ctx.inputs.at(0).dims());
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind == SpecViolation::Kind::min_ndim)
      return "Reshape needs at least the batch axis (target_shape excludes it), but got a scalar.";
    return SingleInputLayer::hint_for(v);
  }

 private:
  // Keras's compute_reshape_output_shape on the per-sample shape: -1 resolved, or None when the input has None.
  Shape resolve(const Shape& in) const {
    Shape out;
    bool input_known = in.fully_known();
    if (!input_known) {
      for (int64_t d : target_) out.push_back(d == -1 ? Dim(None) : Dim(d));
      return out;
    }
    const int64_t input_size = in.num_elements().value();
    int64_t known = 1;
    int unknown_at = -1;
    for (size_t i = 0; i < target_.size(); ++i) {
      if (target_[i] == -1) unknown_at = static_cast<int>(i);
      else known *= target_[i];
    }
    const std::vector<int64_t> in_dims = in.as_vector();
    if (unknown_at < 0) {
      if (known != input_size)
        throw ValueError("The total size of the tensor must be unchanged. Received: input_shape=" +
                             detail::int_tuple(in_dims) + ", target_shape=" + detail::int_tuple(target_),
                         {.layer = name(), .expected = std::to_string(input_size) + " values per sample",
                          .received = detail::int_tuple(target_), .hint = size_hint(in_dims, input_size, known)});
      for (int64_t d : target_) out.push_back(Dim(d));
      return out;
    }
    if (known == 0 || input_size % known != 0)
      throw ValueError("The total size of the tensor must be unchanged, however, the input size cannot by divided by "
                       "the specified dimensions in target_shape. Received: input_shape=" +
                           detail::int_tuple(in_dims) + ", target_shape=" + detail::int_tuple(target_),
                       {.layer = name(), .expected = "dimensions dividing " + std::to_string(input_size),
                        .received = detail::int_tuple(target_), .hint = size_hint(in_dims, input_size, known)});
    for (size_t i = 0; i < target_.size(); ++i)
      out.push_back(static_cast<int>(i) == unknown_at ? Dim(input_size / known) : Dim(target_[i]));
    return out;
  }

  // The likely mistake behind a size mismatch, in terms of the user's model.
  std::string size_hint(const std::vector<int64_t>& in_dims, int64_t input_size, int64_t known) const {
    const bool has_unknown = std::find(target_.begin(), target_.end(), int64_t{-1}) != target_.end();
    const std::string wanted = std::to_string(known);
    const std::string from = producer_.first.empty()
                                 ? std::string("the input")
                                 : "the previous layer \"" + producer_.first + "\" (" + producer_.second + ")";
    if (in_dims.empty()) {
      // An eager call on a 1-D array: its only axis is the batch axis.
      return "the first axis of the input is the batch axis, so a 1-D array is a batch of single values; for one "
             "sample, add the batch axis first (x.reshape({1, n})), and give Reshape the per-sample shape only.";
    }
    if (input_size == 1 && known > 1) {
      std::string h = from + " gives 1 value per sample, and Reshape cannot create values: to repeat it " + wanted +
                      " times use RepeatVector(" + wanted + ") (giving (None, " + wanted +
                      ", 1)), or to compute " + wanted + " values from the input use Dense(" + wanted +
                      ") instead of Reshape";
      if (producer_.second == "Dense") h += " (e.g. change \"" + producer_.first + "\" to Dense(" + wanted + "))";
      return h + ".";
    }
    if (!has_unknown && target_.size() > 1 && target_[0] > 0 && known == target_[0] * input_size) {
      std::vector<int64_t> rest(target_.begin() + 1, target_.end());
      return "target_shape excludes the batch axis: drop the leading " + std::to_string(target_[0]) +
             " and write Reshape(" + detail::int_braces(rest) + ").";
    }
    const std::string n = std::to_string(input_size);
    if (has_unknown)
      return "Reshape keeps every value: " + from + " gives " + n + " values per sample (shape " +
             detail::int_tuple(in_dims) + "), and the entries of target_shape other than -1 multiply to " + wanted +
             ", which does not divide " + n + "; choose sizes whose product divides " + n + ".";
    return "Reshape keeps every value: " + from + " gives " + n + " values per sample (shape " +
           detail::int_tuple(in_dims) + "), but target_shape " + detail::int_tuple(target_) + " holds " + wanted +
           "; choose sizes that multiply to " + n + ", or write -1 for one of them to have it inferred (e.g. Reshape(" +
           detail::int_braces({-1, in_dims.back()}) + ")).";
  }

  std::vector<int64_t> target_;
  mutable std::pair<std::string, std::string> producer_;  // (name, class) of the layer feeding the last call
};

}  // namespace

Reshape::Reshape(const kw::Kwargs& kwargs) : Layer(std::make_shared<ReshapeImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Reshape)

}  // namespace keras::layers

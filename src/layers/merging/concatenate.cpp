#include "keras/layers/merging/concatenate.hpp"

#include <optional>
#include <set>

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {


int64_t product(const std::vector<int64_t>& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t k = begin; k < end; ++k) p *= d[k];
  return p;
}

class ConcatenateImpl : public ListInputLayerImpl {
 public:
  explicit ConcatenateImpl(const kw::Kwargs& k) : ListInputLayerImpl("Concatenate", k) {
    axis_ = k.get_or("axis", -1);
    config_.set("axis", axis_);  // Keras's get_config always has the axis
  }


  // Each input is `outer` blocks of `inner_i` contiguous values (outer: the product of the sizes before the axis);
  // the output interleaves the blocks, so each is one memcpy.
  std::vector<Tensor> forward(CallContext& ctx) override {
    const std::vector<Tensor>& xs = ctx.inputs;
    const size_t a = axis_index(xs.at(0).ndim());
    std::vector<int64_t> out_dims = xs[0].dims();
    out_dims[a] = 0;
    for (const Tensor& x : xs) out_dims[a] += x.dims()[a];
    const int64_t outer = product(out_dims, 0, a);
    const int64_t total = product(out_dims, a, out_dims.size());
    Tensor y = Tensor::empty(out_dims);
    float* dst = y.data();
    std::vector<const float*> src;
    std::vector<int64_t> inner, offset;
    int64_t at = 0;
    for (const Tensor& x : xs) {
      src.push_back(x.data());
      inner.push_back(product(x.dims(), a, x.dims().size()));
      offset.push_back(at);
      at += inner.back();
    }
    const size_t n = xs.size();
#pragma omp parallel for if (outer > 1 && outer * total > (1 << 16))
    for (int64_t o = 0; o < outer; ++o)
      for (size_t i = 0; i < n; ++i) backend::copy(src[i] + o * inner[i], dst + o * total + offset[i], inner[i]);
    return {y};
  }

  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override {
    const std::vector<Tensor>& xs = ctx.inputs;
    const Tensor& g = output_grads.at(0);
    const size_t a = axis_index(xs.at(0).ndim());
    const int64_t outer = product(g.dims(), 0, a);
    const int64_t total = product(g.dims(), a, g.dims().size());
    std::vector<Tensor> grads(xs.size());
    std::vector<float*> dst(xs.size(), nullptr);
    std::vector<int64_t> inner, offset;
    int64_t at = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      inner.push_back(product(xs[i].dims(), a, xs[i].dims().size()));
      offset.push_back(at);
      at += inner.back();
      if (ctx.input_needs_grad(i)) {
        grads[i] = Tensor::empty(xs[i].dims());
        dst[i] = grads[i].data();
      }
    }
    const float* src = g.data();
    const size_t n = xs.size();
#pragma omp parallel for if (outer > 1 && outer * total > (1 << 16))
    for (int64_t o = 0; o < outer; ++o)
      for (size_t i = 0; i < n; ++i)
        if (dst[i]) backend::copy(src + o * total + offset[i], dst[i] + o * inner[i], inner[i]);
    return grads;
  }

 private:
  // Keras's Concatenate.compute_mask: each input's mask broadcast to the input's shape (all true where an input has
  // none), concatenated along the axis, then any() over the last axis. Along the last axis that is the OR of the
  // inputs' per-step masks; along another axis, the per-step masks concatenated.
  bool supports_masking() const override { return true; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override {
    bool any = false;
    for (const Tensor& m : masks) any = any || m.defined();
    if (!any) return std::vector<Tensor>(n_outputs, Tensor());
    const int rank = inputs.at(0).ndim();
    const size_t a = axis_index(rank);
    std::vector<Tensor> per_step;  // each input's mask over its dims without the last axis
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<int64_t> d = inputs[i].dims();
      const int64_t f = d.back();
      d.pop_back();
      const Tensor m = i < masks.size() ? masks[i] : Tensor();
      if (!m.defined()) {
        per_step.push_back(Tensor::full(d, f > 0 ? 1.0f : 0.0f));
      } else if (m.ndim() < rank) {
        per_step.push_back(f > 0 ? m.reshape(d) : Tensor::zeros(d));
      } else {  // a full-shape mask: any() over its last axis
        Tensor r = Tensor::empty(d);
        for (int64_t k = 0; k < r.size(); ++k) {
          bool on = false;
          for (int64_t j = 0; j < f && !on; ++j) on = m.data()[k * f + j] != 0.0f;
          r.data()[k] = on ? 1.0f : 0.0f;
        }
        per_step.push_back(r);
      }
    }
    Tensor out;
    if (a + 1 == static_cast<size_t>(rank)) {
      out = per_step[0].copy();
      for (size_t i = 1; i < per_step.size(); ++i)
        for (int64_t k = 0; k < out.size(); ++k)
          out.data()[k] = (out.data()[k] != 0.0f || per_step[i].data()[k] != 0.0f) ? 1.0f : 0.0f;
    } else {
      std::vector<int64_t> od = per_step[0].dims();
      od[a] = 0;
      for (const Tensor& p : per_step) od[a] += p.dims()[a];
      out = Tensor::empty(od);
      const int64_t outer = product(od, 0, a), total = product(od, a, od.size());
      int64_t at = 0;
      for (const Tensor& p : per_step) {
        const int64_t inner = product(p.dims(), a, p.dims().size());
        for (int64_t o = 0; o < outer; ++o) backend::copy(p.data() + o * inner, out.data() + o * total + at, inner);
        at += inner;
      }
    }
    out.set_dtype("bool");
    return std::vector<Tensor>(n_outputs, out);
  }

  size_t axis_index(int rank) const { return static_cast<size_t>(axis_ < 0 ? axis_ + rank : axis_); }

  Shape checked_output_shape(const std::vector<Shape>& shapes,
                             const std::vector<std::pair<std::string, std::string>>& producers) const override {
    const std::string ax = std::to_string(axis_);
    if (shapes.size() <= 1)
      throw ValueError("A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=" +
                           (shapes.empty() ? std::string("[]") : to_string(shapes[0])),
                       {.layer = name(), .expected = "a list of tensors",
                        .received = shapes.empty() ? "[]" : to_string(shapes[0]),
                        .hint = "Concatenate joins several tensors: call it on a list of them, e.g. "
                                "layers::Concatenate()({a, b}), not on a single tensor."});
    const std::string mismatch =
        "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: "
        "input_shape=" + to_string(shapes);
    const int rank = shapes[0].ndim();
    for (size_t i = 1; i < shapes.size(); ++i) {
      if (shapes[i].ndim() == rank) continue;
      throw ValueError(mismatch,
                       {.layer = name(), .expected = "rank " + std::to_string(rank),
                        .received = "rank " + std::to_string(shapes[i].ndim()),
                        .hint = "Concatenate joins tensors of the same rank, but input " + std::to_string(i) +
                                from_layer(producers, i) + " has shape " + to_string(shapes[i]) + " (rank " +
                                std::to_string(shapes[i].ndim()) + ") and input 0" + from_layer(producers, 0) +
                                " has shape " + to_string(shapes[0]) + " (rank " + std::to_string(rank) +
                                "): bring them to the same rank first, e.g. with layers::Flatten() or "
                                "layers::Reshape()."});
    }
    if (axis_ < -rank || axis_ >= rank)
      throw ValueError("axis " + ax + " is out of bounds for array of dimension " + std::to_string(rank),
                       {.layer = name(), .expected = "an axis in [" + std::to_string(-rank) + ", " +
                                                         std::to_string(rank - 1) + "]",
                        .received = "axis=" + ax,
                        .hint = "the inputs have rank " + std::to_string(rank) + " " + to_string(shapes[0]) +
                                " (the batch axis counts as axis 0), so Concatenate's axis must be between " +
                                std::to_string(-rank) + " and " + std::to_string(rank - 1) +
                                "; axis=-1 (the default) joins the features."});
    const int a = static_cast<int>(axis_index(rank));

    // Every other axis must agree where both sizes are known.
    std::vector<int> differing;
    size_t ref = 0, culprit = 0;
    for (int k = 0; k < rank; ++k) {
      if (k == a) continue;
      std::optional<int64_t> seen;
      size_t seen_at = 0;
      for (size_t i = 0; i < shapes.size(); ++i) {
        const Dim& d = shapes[i][k];
        if (d.is_none()) continue;
        if (!seen) {
          seen = d.value();
          seen_at = i;
        } else if (*seen != d.value()) {
          if (differing.empty()) {
            ref = seen_at;
            culprit = i;
          }
          differing.push_back(k);
          break;
        }
      }
    }
    if (!differing.empty()) {
      std::set<int64_t> along;
      for (const Shape& s : shapes)
        if (s[a].known()) along.insert(s[a].value());
      const int k = differing[0];
      std::string hint = "Concatenate(axis=" + ax + ") stacks its inputs along axis " + std::to_string(a) +
                         ", so every other axis must match, but input " + std::to_string(ref) +
                         from_layer(producers, ref) + " has shape " + to_string(shapes[ref]) + " and input " +
                         std::to_string(culprit) + from_layer(producers, culprit) + " has shape " +
                         to_string(shapes[culprit]) + ". ";
      if (differing.size() == 1) {
        const std::string ks = std::to_string(k);
        hint += k == rank - 1 ? "Project a branch so that the last axes match, e.g. layers::Dense(" +
                                    to_string(shapes[ref][k]) + ") on input " + std::to_string(culprit) + "'s branch"
                              : "Reshape a branch (layers::Reshape) so that axis " + ks + " matches";
        if (along.size() <= 1)
          hint += ", or join them along axis " + ks + " with layers::Concatenate(axis=" +
                  (k == rank - 1 ? std::string("-1") : ks) + ") if that is the axis meant to grow";
        hint += ".";
      } else {
        std::string list;
        for (size_t j = 0; j < differing.size(); ++j) list += (j ? ", " : "") + std::to_string(differing[j]);
        hint += "Axes " + list + " differ: reshape or project the branches so that only axis " + std::to_string(a) +
                " differs.";
      }
      throw ValueError(mismatch, {.layer = name(), .expected = to_string(shapes[ref]),
                                  .received = to_string(shapes[culprit]), .hint = hint});
    }

    // Keras's compute_output_shape: the first input's sizes, the axis summed (None if any is None).
    Shape out = shapes[0];
    Dim sum = out[a];
    for (size_t i = 1; i < shapes.size() && sum.known(); ++i)
      sum = shapes[i][a].known() ? Dim(sum.value() + shapes[i][a].value()) : Dim(None);
    out[a] = sum;
    return out;
  }

  int axis_ = -1;
};

}  // namespace

Concatenate::Concatenate(const kw::Kwargs& kwargs) : Merge(std::make_shared<ConcatenateImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Concatenate)

}  // namespace keras::layers

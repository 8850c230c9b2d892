#include "keras/layers/merging/base_merge.hpp"

#include <algorithm>

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"

namespace keras::layers {

namespace {

// How an input lines up with the output, as runs of contiguous output elements. Adjacent output axes along which
// the input is either read contiguously or broadcast are merged, so the common cases (same shape, a bias-like
// (b, 1) or (1, n) operand) become one or a few long runs.
struct RunPlan {
  std::vector<int64_t> size;       // merged axes, outermost first
  std::vector<int64_t> in_stride;  // step in the input per index of each merged axis (0: broadcast)
};

RunPlan make_plan(const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  RunPlan p;
  std::vector<bool> contiguous;
  for (size_t a = 0; a < out.size(); ++a) {
    if (out[a] == 1) continue;
    bool c = in[a] != 1 || out[a] == 0;
    if (!contiguous.empty() && contiguous.back() == c) {
      p.size.back() *= out[a];
    } else {
      p.size.push_back(out[a]);
      contiguous.push_back(c);
    }
  }
  p.in_stride.assign(p.size.size(), 0);
  int64_t run = 1;
  for (size_t a = p.size.size(); a-- > 0;) {
    if (!contiguous[a]) continue;
    p.in_stride[a] = run;
    run *= p.size[a];
  }
  return p;
}

// Calls f(out_offset, in_offset, n, in_step) for every run of n consecutive output elements, in order.
template <class F>
void for_each_run(const RunPlan& p, F&& f) {
  if (p.size.empty()) {  // a single element
    f(int64_t{0}, int64_t{0}, int64_t{1}, int64_t{1});
    return;
  }
  const size_t m = p.size.size();
  const int64_t len = p.size.back();
  const int64_t step = p.in_stride.back();
  int64_t runs = 1;
  for (size_t a = 0; a + 1 < m; ++a) runs *= p.size[a];
  std::vector<int64_t> idx(m - 1, 0);
  int64_t in_off = 0;
  for (int64_t r = 0; r < runs; ++r) {
    f(r * len, in_off, len, step);
    for (size_t a = m - 1; a-- > 0;) {
      in_off += p.in_stride[a];
      if (++idx[a] < p.size[a]) break;
      in_off -= p.in_stride[a] * p.size[a];
      idx[a] = 0;
    }
  }
}

}  // namespace

// ---- handle ----
Tensor Merge::operator()(const std::vector<Tensor>& xs) const { return impl_->call_eager(xs).at(0); }

// ---- masks ----
std::vector<Tensor> MergeImpl::compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                             size_t n_outputs) const {
  (void)inputs;
  Tensor out;
  for (const Tensor& m : masks) {
    if (!m.defined()) continue;
    if (!out.defined()) {
      out = m;
      continue;
    }
    if (m.dims() != out.dims())
      throw ValueError("Layer \"" + name() + "\" (" + class_name() + ") received masks of different shapes " +
                           to_string(out.shape()) + " and " + to_string(m.shape()) + ", which cannot be combined.",
                       {.layer = name(), .expected = to_string(out.shape()), .received = to_string(m.shape()),
                        .hint = "merge masked sequences of the same length, or drop one mask first."});
    Tensor both = Tensor::empty(out.dims());
    const float* a = out.data();
    const float* b = m.data();
    float* d = both.data();
    const int64_t n = both.size();
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) d[i] = (a[i] != 0.0f && b[i] != 0.0f) ? 1.0f : 0.0f;
    both.set_dtype("bool");
    out = both;
  }
  return std::vector<Tensor>(n_outputs, out);
}

// ---- shapes ----
MergeImpl::MergeImpl(std::string class_name, const kw::Kwargs& kwargs)
    : ListInputLayerImpl(std::move(class_name), kwargs) {}

std::optional<Shape> MergeImpl::elementwise_output_shape(const Shape& a, const Shape& b) {
  if (a.ndim() < b.ndim()) return elementwise_output_shape(b, a);
  if (b.empty()) return a;
  Shape out = a.slice(0, a.ndim() - b.ndim());
  for (int k = 0; k < b.ndim(); ++k) {
    const Dim& i = a[a.ndim() - b.ndim() + k];
    const Dim& j = b[k];
    if (i.is_none() || j.is_none()) out.push_back(None);
    else if (i.value() == 1) out.push_back(j);
    else if (j.value() == 1) out.push_back(i);
    else if (i.value() != j.value()) return std::nullopt;
    else out.push_back(i);
  }
  return out;
}

std::vector<int64_t> MergeImpl::expand_rank(const std::vector<int64_t>& dims, size_t rank) {
  if (dims.size() >= rank) return dims;
  if (dims.empty()) return std::vector<int64_t>(rank, 1);
  std::vector<int64_t> out{dims[0]};
  out.insert(out.end(), rank - dims.size(), 1);
  out.insert(out.end(), dims.begin() + 1, dims.end());
  return out;
}

Shape MergeImpl::checked_output_shape(const std::vector<Shape>& shapes,
                                      const std::vector<std::pair<std::string, std::string>>& producers) const {
  const std::string& cls = class_name();
  if (shapes.size() == 1)
    throw ValueError("A merge layer should be called on a list of inputs. Received: input_shape=" +
                         to_string(shapes[0]) + " (not a list of shapes)",
                     {.layer = name(), .expected = "a list of tensors", .received = to_string(shapes[0]),
                      .hint = cls + " combines several tensors elementwise: call it on a list of them, e.g. layers::" +
                              cls + "()({a, b}), not on a single tensor."});
  if (shapes.empty())
    throw ValueError("A merge layer should be called on a list of at least 1 input. Received 0 inputs. Full "
                     "input_shape received: []",
                     {.layer = name(), .expected = "a list of tensors", .received = "[]",
                      .hint = "pass the tensors to merge: layers::" + cls + "()({a, b})."});

  std::optional<int64_t> batch;
  size_t batch_from = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (shapes[i].empty() || shapes[i][0].is_none()) continue;
    int64_t b = shapes[i][0].value();
    if (!batch) {
      batch = b;
      batch_from = i;
    } else if (*batch != b) {
      throw ValueError("Cannot merge tensors with different batch sizes. Received tensors with shapes " +
                           to_string(shapes),
                       {.layer = name(), .expected = std::to_string(*batch) + " samples",
                        .received = std::to_string(b) + " samples",
                        .hint = "input " + std::to_string(i) + from_layer(producers, i) + " holds " +
                                std::to_string(b) + " samples but input " + std::to_string(batch_from) +
                                from_layer(producers, batch_from) + " holds " + std::to_string(*batch) +
                                ": the inputs of a merge layer are the same samples seen by several branches, so "
                                "give every input an array with the same number of rows (axis 0)."});
    }
  }

  Shape out = shapes[0].without_batch();
  for (size_t i = 1; i < shapes.size(); ++i) {
    Shape s = shapes[i].without_batch();
    std::optional<Shape> r = elementwise_output_shape(out, s);
    if (!r) {
      const Shape& s1 = out.ndim() < s.ndim() ? s : out;
      const Shape& s2 = out.ndim() < s.ndim() ? out : s;
      // The first axis, from the right, where the sizes clash.
      int k = 1;
      for (; k <= std::min(out.ndim(), s.ndim()); ++k) {
        const Dim &a = out[-k], &b = s[-k];
        if (a.known() && b.known() && a.value() != 1 && b.value() != 1 && a.value() != b.value()) break;
      }
      std::string ax = std::to_string(-k);
      std::string have = to_string(out[-k]), got = to_string(s[-k]);
      std::string hint = cls + " combines its inputs elementwise, so their shapes must agree axis by axis (a size 1 "
                               "is broadcast): input " +
                         std::to_string(i) + from_layer(producers, i) + " has shape " + to_string(shapes[i]) +
                         ", with " + got + " on axis " + ax + " where " +
                         (i == 1 ? "input 0" + from_layer(producers, 0) + " has "
                                 : std::string("the inputs before it have ")) +
                         have + ". ";
      if (k == 1)
        hint += "Project one branch onto the other's size, e.g. layers::Dense(" + have + ") on input " +
                std::to_string(i) + "'s branch, so that the last axes match; or join them with "
                "layers::Concatenate() instead of merging elementwise.";
      else
        hint += "Reshape one branch (layers::Reshape) so that axis " + ax + " matches, or join them with "
                "layers::Concatenate(axis=" + ax + ") instead of merging elementwise.";
      throw ValueError("Inputs have incompatible shapes. Received shapes " + to_string(s1) + " and " + to_string(s2),
                       {.layer = name(), .expected = to_string(out), .received = to_string(s), .hint = hint});
    }
    out = *r;
  }
  check_count(shapes);
  return out.with_batch(batch ? Dim(*batch) : Dim(None));
}

// ---- broadcasting helpers ----
Tensor MergeImpl::broadcast_to(const Tensor& x, const std::vector<int64_t>& out_dims, bool copy) {
  std::vector<int64_t> e = expand_rank(x.dims(), out_dims.size());
  if (e == out_dims) return copy ? x.copy().reshape(out_dims) : x.reshape(out_dims);
  Tensor y = Tensor::empty(out_dims);
  const float* src = x.data();
  float* dst = y.data();
  for_each_run(make_plan(out_dims, e), [&](int64_t o, int64_t i, int64_t n, int64_t step) {
    if (step == 0) std::fill(dst + o, dst + o + n, src[i]);
    else backend::copy(src + i, dst + o, n);
  });
  return y;
}

void MergeImpl::combine_into(Tensor& acc, const Tensor& x, const Combine& f) {
  std::vector<int64_t> e = expand_rank(x.dims(), acc.dims().size());
  const float* src = x.data();
  float* dst = acc.data();
  for_each_run(make_plan(acc.dims(), e),
               [&](int64_t o, int64_t i, int64_t n, int64_t step) { f(dst + o, src + i, n, step); });
}

Tensor MergeImpl::reduce_to(const Tensor& g, const std::vector<int64_t>& in_dims) {
  std::vector<int64_t> e = expand_rank(in_dims, g.dims().size());
  if (e == g.dims()) return g.reshape(in_dims);
  Tensor dx = Tensor::zeros(e);
  const float* src = g.data();
  float* dst = dx.data();
  for_each_run(make_plan(g.dims(), e), [&](int64_t o, int64_t i, int64_t n, int64_t step) {
    if (step == 0) {
      double s = 0;
      for (int64_t k = 0; k < n; ++k) s += src[o + k];
      dst[i] += static_cast<float>(s);
    } else {
      backend::add_into(dst + i, src + o, n);
    }
  });
  return dx.reshape(in_dims);
}

std::vector<Tensor> MergeImpl::route_to_first_match(const CallContext& ctx, const Tensor& out, const Tensor& g) {
  const std::vector<Tensor>& xs = ctx.inputs;
  const int64_t n = out.size();
  std::vector<unsigned char> taken(static_cast<size_t>(n), 0);
  std::vector<Tensor> grads(xs.size());
  const float* o = out.data();
  const float* gp = g.data();
  for (size_t i = 0; i < xs.size(); ++i) {
    const bool wanted = ctx.input_needs_grad(i);
    if (!wanted && i + 1 == xs.size()) break;  // the last input marks nothing that is still needed
    Tensor e = broadcast_to(xs[i], out.dims());
    const float* x = e.data();
    float* d = nullptr;
    if (wanted) {
      grads[i] = Tensor::empty(out.dims());
      d = grads[i].data();
    }
    for (int64_t k = 0; k < n; ++k) {
      const bool mine = !taken[static_cast<size_t>(k)] && x[k] == o[k];
      if (mine) taken[static_cast<size_t>(k)] = 1;
      if (d) d[k] = mine ? gp[k] : 0.0f;
    }
  }
  return grads;
}

// ---- computation ----
std::vector<Tensor> MergeImpl::forward(CallContext& ctx) {
  const std::vector<Tensor>& xs = ctx.inputs;
  size_t rank = 0;
  for (const Tensor& x : xs) rank = std::max(rank, x.dims().size());
  std::vector<int64_t> out_dims(rank, 1);
  for (const Tensor& x : xs) {
    std::vector<int64_t> e = expand_rank(x.dims(), rank);
    for (size_t a = 0; a < rank; ++a)
      if (e[a] != 1) out_dims[a] = e[a];
  }
  Tensor out = broadcast_to(xs.at(0), out_dims, /*copy=*/true);
  Combine f = [this](float* acc, const float* x, int64_t n, int64_t step) { combine(acc, x, n, step); };
  for (size_t j = 1; j < xs.size(); ++j) combine_into(out, xs[j], f);
  finish(out, xs.size());
  return {out};
}

std::vector<Tensor> MergeImpl::backward(CallContext& ctx, const std::vector<Tensor>& output_grads) {
  Tensor out;
  if (!ctx.outputs.empty() && ctx.outputs[0].defined()) {
    out = ctx.outputs[0];
  } else {
    CallContext again;
    again.inputs = ctx.inputs;
    out = forward(again).at(0);
  }
  std::vector<Tensor> gs = output_shaped_grads(ctx, out, output_grads.at(0));
  std::vector<Tensor> result(ctx.inputs.size());
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    if (ctx.input_needs_grad(i) && i < gs.size() && gs[i].defined()) result[i] = reduce_to(gs[i], ctx.inputs[i].dims());
  return result;
}

}  // namespace keras::layers

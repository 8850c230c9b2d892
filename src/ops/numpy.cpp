// keras.ops.numpy: elementwise ops, reductions, matmul and shape ops, each recorded for differentiation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/ops/ops.hpp"
#include "ops/elementwise.hpp"
#include "ops/tape.hpp"

namespace keras::ops {

namespace detail {

int normalize_axis(int axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                         std::to_string(ndim),
                     {.expected = "an axis in [" + std::to_string(-ndim) + ", " + std::to_string(ndim) + ")",
                      .received = std::to_string(axis),
                      .hint = "count axes from 0, or from -1 for the last; the tensor has " + std::to_string(ndim) +
                              " axes."});
  return axis < 0 ? axis + ndim : axis;
}

}  // namespace detail

namespace {
namespace numpy_ops {  // file-local names apart from those of other sources of a unity batch

using detail::normalize_axis;
using detail::recorded;
using detail::recording;
using detail::reduce_kept;

std::string shape_text(const std::vector<int64_t>& dims) { return to_string(Shape::of(dims)); }

// ---- reductions ----

// The reduced axes, sorted and unique; empty `axes` with all=true means every axis.
std::vector<int> reduced_axes(const Tensor& x, const std::vector<int>& axes, bool all) {
  std::vector<int> out;
  if (all) {
    out.resize(static_cast<size_t>(x.ndim()));
    std::iota(out.begin(), out.end(), 0);
    return out;
  }
  for (int a : axes) out.push_back(normalize_axis(a, x.ndim()));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    throw ValueError("repeated axis in a reduction", {.received = "axis listed twice",
                                                     .hint = "name each axis once."});
  return out;
}

std::vector<int64_t> kept_dims(const Tensor& x, const std::vector<int>& axes) {
  std::vector<int64_t> d = x.dims();
  for (int a : axes) d[static_cast<size_t>(a)] = 1;
  return d;
}

std::vector<int64_t> dropped_dims(const Tensor& x, const std::vector<int>& axes) {
  std::vector<int64_t> d;
  for (int i = 0; i < x.ndim(); ++i)
    if (!std::binary_search(axes.begin(), axes.end(), i)) d.push_back(x.dims()[static_cast<size_t>(i)]);
  return d;
}

// Not recorded: callers record the op they implement with it.
Tensor broadcast_to(const Tensor& t, const std::vector<int64_t>& dims) {
  if (t.dims() == dims) return t;
  detail::TapeScope unrecorded(nullptr);
  return Tensor::zeros(dims) + t;
}

enum class Reduction { sum, mean, max, min };

Tensor reduce(const Tensor& x, const std::vector<int>& axis_list, bool all, bool keepdims, Reduction r) {
  const std::vector<int> axes = reduced_axes(x, axis_list, all);
  const std::vector<int64_t> kept = kept_dims(x, axes);
  int64_t count = 1;
  for (int a : axes) count *= x.dims()[static_cast<size_t>(a)];
  if ((r == Reduction::max || r == Reduction::min) && count == 0 && x.size() == 0)
    throw ValueError("zero-size array to reduction operation " + std::string(r == Reduction::max ? "maximum" : "minimum") +
                     " which has no identity");
  Tensor y;
  switch (r) {
    case Reduction::sum:
    case Reduction::mean:
      y = reduce_kept(x, kept, 0.0f, [](float a, float b) { return a + b; });
      if (r == Reduction::mean) y *= 1.0f / static_cast<float>(count);
      break;
    case Reduction::max:
      y = reduce_kept(x, kept, -std::numeric_limits<float>::infinity(), [](float a, float b) { return std::max(a, b); });
      break;
    case Reduction::min:
      y = reduce_kept(x, kept, std::numeric_limits<float>::infinity(), [](float a, float b) { return std::min(a, b); });
      break;
  }
  Tensor out = keepdims ? y : y.reshape(dropped_dims(x, axes));
  if (!recording(x)) return out;
  return recorded({x}, out, [x, y, kept, count, r](const Tensor& dy) {
    Tensor g = broadcast_to(dy.reshape(kept), x.dims());
    if (r == Reduction::mean) return std::vector<Tensor>{g * (1.0f / static_cast<float>(count))};
    if (r == Reduction::sum) return std::vector<Tensor>{g};
    // Ties share the gradient: mask / (number of extrema in the window).
    Tensor extreme = broadcast_to(y, x.dims());
    Tensor mask = Tensor::empty(x.dims());
    for (int64_t i = 0; i < x.size(); ++i) mask.data()[i] = x.data()[i] == extreme.data()[i] ? 1.0f : 0.0f;
    Tensor ties = reduce_kept(mask, kept, 0.0f, [](float a, float b) { return a + b; });
    return std::vector<Tensor>{mask * g / broadcast_to(ties, x.dims())};
  });
}

// ---- matmul ----

// out[..., M, N] = op(a)[..., M, K] * op(b)[..., K, N] for rank >= 2, the leading axes broadcast. op transposes the
// last two axes when asked.
Tensor batched_matmul(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const auto ra = static_cast<size_t>(a.ndim()), rb = static_cast<size_t>(b.ndim());
  const int64_t M = ta ? a.dims()[ra - 1] : a.dims()[ra - 2], K = ta ? a.dims()[ra - 2] : a.dims()[ra - 1];
  const int64_t N = tb ? b.dims()[rb - 2] : b.dims()[rb - 1];
  std::vector<int64_t> lead_a(a.dims().begin(), a.dims().end() - 2), lead_b(b.dims().begin(), b.dims().end() - 2);
  std::vector<int64_t> lead = broadcast_shapes(lead_a, lead_b);
  std::vector<int64_t> out_dims = lead;
  out_dims.push_back(M);
  out_dims.push_back(N);
  Tensor out = Tensor::empty(out_dims);
  if (K == 0) return out.fill(0.0f);  // an empty sum, which gemm may leave unwritten
  // Each operand's matrix index for each output matrix: broadcasting as numpy, by walking the leading axes.
  const int64_t batches = checked_num_elements(lead);
  std::vector<int64_t> idx(lead.size(), 0);
  for (int64_t n = 0; n < batches; ++n) {
    int64_t ia = 0, ib = 0;
    for (size_t k = 0, off_a = lead.size() - lead_a.size(), off_b = lead.size() - lead_b.size(); k < lead.size(); ++k) {
      if (k >= off_a) ia = ia * lead_a[k - off_a] + (lead_a[k - off_a] == 1 ? 0 : idx[k]);
      if (k >= off_b) ib = ib * lead_b[k - off_b] + (lead_b[k - off_b] == 1 ? 0 : idx[k]);
    }
    const int64_t lda = a.dims()[ra - 1], ldb = b.dims()[rb - 1];
    backend::gemm(ta, tb, M, N, K, 1.0f, a.data() + ia * M * K, lda, b.data() + ib * K * N, ldb, 0.0f,
                  out.data() + n * M * N, N);
    for (size_t k = lead.size(); k-- > 0;) {
      if (++idx[k] < lead[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

Tensor matmul_2d_or_more(const Tensor& a, const Tensor& b) {
  Tensor y = batched_matmul(a, b, false, false);
  if (!recording(a) && !recording(b)) return y;
  return recorded({a, b}, y, [a, b](const Tensor& dy) {
    return std::vector<Tensor>{detail::unbroadcast(batched_matmul(dy, b, false, true), a.dims()),
                               detail::unbroadcast(batched_matmul(a, dy, true, false), b.dims())};
  });
}

// ---- shapes ----

Tensor permute(const Tensor& x, const std::vector<int>& perm) {
  const auto nd = static_cast<size_t>(x.ndim());
  std::vector<int64_t> out_dims(nd), in_strides(nd), strides(nd);
  for (int64_t i = static_cast<int64_t>(nd) - 1, s = 1; i >= 0; --i) {
    in_strides[static_cast<size_t>(i)] = s;
    s *= x.dims()[static_cast<size_t>(i)];
  }
  for (size_t i = 0; i < nd; ++i) {
    out_dims[i] = x.dims()[static_cast<size_t>(perm[i])];
    strides[i] = in_strides[static_cast<size_t>(perm[i])];
  }
  Tensor out = Tensor::empty(out_dims);
  std::vector<int64_t> idx(nd, 0);
  const float* px = x.data();
  float* po = out.data();
  for (int64_t n = 0; n < out.size(); ++n) {
    int64_t o = 0;
    for (size_t k = 0; k < nd; ++k) o += idx[k] * strides[k];
    po[n] = px[o];
    for (size_t k = nd; k-- > 0;) {
      if (++idx[k] < out_dims[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

// x's elements as [outer][axis][inner] blocks: outer = product before axis, inner = product after it.
std::pair<int64_t, int64_t> outer_inner(const std::vector<int64_t>& dims, int axis) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= dims[static_cast<size_t>(i)];
  for (size_t i = static_cast<size_t>(axis) + 1; i < dims.size(); ++i) inner *= dims[i];
  return {outer, inner};
}

// 1 where x1 >= x2 (larger) or x1 <= x2 (!larger), broadcast; no gradient.
Tensor first_wins(const Tensor& x1, const Tensor& x2, bool larger) {
  const std::vector<int64_t> dims = broadcast_shapes(x1.dims(), x2.dims());
  const Tensor a = broadcast_to(x1, dims), b = broadcast_to(x2, dims);
  Tensor c = Tensor::empty(dims);
  for (int64_t i = 0; i < c.size(); ++i)
    c.data()[i] = (larger ? a.data()[i] >= b.data()[i] : a.data()[i] <= b.data()[i]) ? 1.0f : 0.0f;
  return c;
}

}  // namespace numpy_ops
}  // namespace

using namespace numpy_ops;

Tensor add(const Tensor& x1, const Tensor& x2) { return x1 + x2; }
Tensor subtract(const Tensor& x1, const Tensor& x2) { return x1 - x2; }
Tensor multiply(const Tensor& x1, const Tensor& x2) { return x1 * x2; }
Tensor divide(const Tensor& x1, const Tensor& x2) { return x1 / x2; }
Tensor negative(const Tensor& x) { return -x; }

Tensor where(const Tensor& condition, const Tensor& x1, const Tensor& x2) {
  const std::vector<int64_t> dims = broadcast_shapes(condition.dims(), broadcast_shapes(x1.dims(), x2.dims()));
  const Tensor c = broadcast_to(condition, dims), a = broadcast_to(x1, dims), b = broadcast_to(x2, dims);
  Tensor y = Tensor::empty(dims);
  for (int64_t i = 0; i < y.size(); ++i) y.data()[i] = c.data()[i] != 0.0f ? a.data()[i] : b.data()[i];
  if (!recording(x1) && !recording(x2)) return y;
  return recorded({x1, x2}, y, [c, x1, x2](const Tensor& dy) {
    Tensor ga = Tensor::empty(dy.dims()), gb = Tensor::empty(dy.dims());
    for (int64_t i = 0; i < dy.size(); ++i) {
      const bool pick = c.data()[i] != 0.0f;
      ga.data()[i] = pick ? dy.data()[i] : 0.0f;
      gb.data()[i] = pick ? 0.0f : dy.data()[i];
    }
    return std::vector<Tensor>{detail::unbroadcast(ga, x1.dims()), detail::unbroadcast(gb, x2.dims())};
  });
}

// TensorFlow's convention at ties: the gradient goes to x1.
Tensor maximum(const Tensor& x1, const Tensor& x2) { return where(first_wins(x1, x2, true), x1, x2); }
Tensor minimum(const Tensor& x1, const Tensor& x2) { return where(first_wins(x1, x2, false), x1, x2); }

Tensor abs(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::fabs(v); },
                             [](float v, float) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); });
}
Tensor square(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return v * v; }, [](float v, float) { return 2.0f * v; });
}
Tensor sqrt(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::sqrt(v); }, [](float, float y) { return 0.5f / y; });
}
Tensor exp(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::exp(v); }, [](float, float y) { return y; });
}
Tensor log(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::log(v); }, [](float v, float) { return 1.0f / v; });
}
Tensor tanh(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::tanh(v); }, [](float, float y) { return 1.0f - y * y; });
}
Tensor power(const Tensor& x, float exponent) {
  return detail::elementwise(x, [exponent](float v) { return std::pow(v, exponent); },
                             [exponent](float v, float) {
                               return exponent == 0.0f ? 0.0f : exponent * std::pow(v, exponent - 1.0f);
                             });
}
Tensor clip(const Tensor& x, float x_min, float x_max) {
  return detail::elementwise(x, [=](float v) { return std::min(std::max(v, x_min), x_max); },
                             [=](float v, float) { return v >= x_min && v <= x_max ? 1.0f : 0.0f; });
}

Tensor sum(const Tensor& x, bool keepdims) { return reduce(x, {}, true, keepdims, Reduction::sum); }
Tensor sum(const Tensor& x, int axis, bool keepdims) { return reduce(x, {axis}, false, keepdims, Reduction::sum); }
Tensor sum(const Tensor& x, const std::vector<int>& axis, bool keepdims) {
  return reduce(x, axis, false, keepdims, Reduction::sum);
}
Tensor mean(const Tensor& x, bool keepdims) { return reduce(x, {}, true, keepdims, Reduction::mean); }
Tensor mean(const Tensor& x, int axis, bool keepdims) { return reduce(x, {axis}, false, keepdims, Reduction::mean); }
Tensor mean(const Tensor& x, const std::vector<int>& axis, bool keepdims) {
  return reduce(x, axis, false, keepdims, Reduction::mean);
}
Tensor max(const Tensor& x, bool keepdims) { return reduce(x, {}, true, keepdims, Reduction::max); }
Tensor max(const Tensor& x, int axis, bool keepdims) { return reduce(x, {axis}, false, keepdims, Reduction::max); }
Tensor max(const Tensor& x, const std::vector<int>& axis, bool keepdims) {
  return reduce(x, axis, false, keepdims, Reduction::max);
}
Tensor min(const Tensor& x, bool keepdims) { return reduce(x, {}, true, keepdims, Reduction::min); }
Tensor min(const Tensor& x, int axis, bool keepdims) { return reduce(x, {axis}, false, keepdims, Reduction::min); }
Tensor min(const Tensor& x, const std::vector<int>& axis, bool keepdims) {
  return reduce(x, axis, false, keepdims, Reduction::min);
}

Tensor matmul(const Tensor& x1, const Tensor& x2) {
  if (x1.ndim() == 0 || x2.ndim() == 0)
    throw ValueError("matmul: Input operand " + std::string(x1.ndim() == 0 ? "0" : "1") +
                         " does not have enough dimensions",
                     {.expected = "tensors of rank 1 or more", .received = "a scalar",
                      .hint = "multiply by a scalar with ops::multiply or *."});
  const std::vector<int64_t>& d1 = x1.dims();
  const std::vector<int64_t>& d2 = x2.dims();
  const int64_t k1 = d1.back(), k2 = d2.size() == 1 ? d2[0] : d2[d2.size() - 2];
  if (k1 != k2)
    throw ValueError("Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received `x1.shape=" +
                         shape_text(d1) + "` and `x2.shape=" + shape_text(d2) + "`.",
                     {.expected = "x2.shape[-2] == " + std::to_string(k1), .received = std::to_string(k2),
                      .hint = "x1's last axis multiplies x2's second to last; transpose one of them "
                              "(ops::transpose) if they are the other way round."});
  // numpy: a 1-D x1 is a row, a 1-D x2 a column, and the added axis leaves the result.
  const Tensor a = d1.size() == 1 ? x1.reshape({1, k1}) : x1;
  const Tensor b = d2.size() == 1 ? x2.reshape({k2, 1}) : x2;
  Tensor y = matmul_2d_or_more(a, b);
  std::vector<int64_t> out = y.dims();
  if (d2.size() == 1) out.pop_back();
  if (d1.size() == 1) out.erase(out.end() - 1 - (d2.size() == 1 ? 0 : 1));
  return out == y.dims() ? y : y.reshape(out);
}

Tensor reshape(const Tensor& x, const std::vector<int64_t>& newshape) { return x.reshape(newshape); }

Tensor transpose(const Tensor& x) {
  std::vector<int> axes(static_cast<size_t>(x.ndim()));
  std::iota(axes.rbegin(), axes.rend(), 0);
  return transpose(x, axes);
}

Tensor transpose(const Tensor& x, const std::vector<int>& axes) {
  if (static_cast<int>(axes.size()) != x.ndim())
    throw ValueError("axes don't match array",
                     {.expected = std::to_string(x.ndim()) + " axes", .received = std::to_string(axes.size()),
                      .hint = "list every axis of the tensor once, in its new order."});
  std::vector<int> perm, inverse(axes.size());
  for (int a : axes) perm.push_back(normalize_axis(a, x.ndim()));
  for (size_t i = 0; i < perm.size(); ++i) inverse[static_cast<size_t>(perm[i])] = static_cast<int>(i);
  std::vector<int> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw ValueError("repeated axis in transpose", {.received = "an axis listed twice",
                                                    .hint = "list every axis of the tensor once."});
  Tensor y = permute(x, perm);
  if (!recording(x)) return y;
  return recorded({x}, y, [inverse](const Tensor& dy) { return std::vector<Tensor>{permute(dy, inverse)}; });
}

Tensor expand_dims(const Tensor& x, int axis) {
  std::vector<int64_t> d = x.dims();
  const int a = normalize_axis(axis, x.ndim() + 1);
  d.insert(d.begin() + a, 1);
  return x.reshape(d);
}

Tensor squeeze(const Tensor& x) {
  std::vector<int64_t> d;
  for (int64_t v : x.dims())
    if (v != 1) d.push_back(v);
  return d == x.dims() ? x : x.reshape(d);
}

Tensor squeeze(const Tensor& x, int axis) {
  const int a = normalize_axis(axis, x.ndim());
  if (x.dims()[static_cast<size_t>(a)] != 1)
    throw ValueError("cannot select an axis to squeeze out which has size not equal to one",
                     {.expected = "axis " + std::to_string(axis) + " of size 1",
                      .received = "shape " + shape_text(x.dims()),
                      .hint = "squeeze only an axis of size 1, or reshape."});
  std::vector<int64_t> d = x.dims();
  d.erase(d.begin() + a);
  return x.reshape(d);
}

Tensor concatenate(const std::vector<Tensor>& xs, int axis) {
  if (xs.empty())
    throw ValueError("need at least one array to concatenate", {.expected = "a list of tensors", .received = "[]"});
  const int nd = xs[0].ndim();
  if (nd == 0) throw ValueError("zero-dimensional arrays cannot be concatenated");
  const int a = normalize_axis(axis, nd);
  std::vector<int64_t> out_dims = xs[0].dims();
  out_dims[static_cast<size_t>(a)] = 0;
  for (const Tensor& x : xs) {
    std::vector<int64_t> d = x.dims(), first = xs[0].dims();
    bool same = d.size() == first.size();
    for (size_t i = 0; same && i < d.size(); ++i) same = i == static_cast<size_t>(a) || d[i] == first[i];
    if (!same)
      throw ValueError("Every value in `xs` must have the same shape except on the `axis` dim. But found element of "
                       "shape " + shape_text(d) + ", which is different from the first element's shape " +
                       shape_text(first) + ".",
                       {.expected = shape_text(first) + " except on axis " + std::to_string(axis),
                        .received = shape_text(d),
                        .hint = "concatenate along the axis whose sizes differ, or reshape the tensors to agree."});
    out_dims[static_cast<size_t>(a)] += d[static_cast<size_t>(a)];
  }
  Tensor y = Tensor::empty(out_dims);
  const auto [outer, inner] = outer_inner(out_dims, a);
  const int64_t out_row = out_dims[static_cast<size_t>(a)] * inner;
  int64_t at = 0;
  for (const Tensor& x : xs) {
    const int64_t row = x.dims()[static_cast<size_t>(a)] * inner;
    for (int64_t o = 0; o < outer; ++o) std::copy_n(x.data() + o * row, row, y.data() + o * out_row + at);
    at += row;
  }
  bool any = false;
  for (const Tensor& x : xs) any = any || recording(x);
  if (!any) return y;
  return recorded(xs, y, [xs, a, outer, inner, out_row](const Tensor& dy) {
    std::vector<Tensor> grads;
    int64_t from = 0;
    for (const Tensor& x : xs) {
      const int64_t row = x.dims()[static_cast<size_t>(a)] * inner;
      Tensor g = Tensor::empty(x.dims());
      for (int64_t o = 0; o < outer; ++o) std::copy_n(dy.data() + o * out_row + from, row, g.data() + o * row);
      grads.push_back(g);
      from += row;
    }
    return grads;
  });
}

Tensor zeros_like(const Tensor& x) { return Tensor::zeros(x.dims()); }
Tensor ones_like(const Tensor& x) { return Tensor::ones(x.dims()); }

Tensor stop_gradient(const Tensor& x) {
  Tensor y = Tensor::empty(x.dims());  // not x.copy(), which passes the gradient on
  std::copy_n(x.data(), x.size(), y.data());
  return y;
}

}  // namespace keras::ops

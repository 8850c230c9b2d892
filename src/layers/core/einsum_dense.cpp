#include "keras/layers/core/einsum_dense.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include "backend/kernels.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers {

namespace {

// An axis label: a letter of the equation, or one of the axes an ellipsis stands for.
using Label = int;
constexpr Label kEllipsis = 1000;

enum class Elided { none, left, right };

// "ab,bc->ac" split, with where the ellipsis (if any) stands.
struct Equation {
  std::string input, kernel, output;
  Elided elided = Elided::none;
};

bool letters(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

// Keras's three forms: [X],[Y]->[Z], ...[X],[Y]->...[Z] and [X]...,[Y]->[Z]... (X of two letters or more).
std::optional<Equation> parse(std::string eq) {
  const std::string original = eq;
  for (size_t p; (p = eq.find("...")) != std::string::npos;) eq.replace(p, 3, "0");
  const size_t comma = eq.find(','), arrow = eq.find("->");
  if (comma == std::string::npos || arrow == std::string::npos || arrow < comma) return std::nullopt;
  Equation e{eq.substr(0, comma), eq.substr(comma + 1, arrow - comma - 1), eq.substr(arrow + 2), Elided::none};
  if (!letters(e.kernel)) return std::nullopt;
  if (e.input.size() > 1 && e.input.front() == '0' && e.output.size() > 1 && e.output.front() == '0') {
    e.elided = Elided::left;
    e.input.erase(0, 1);
    e.output.erase(0, 1);
  } else if (e.input.size() > 2 && e.input.back() == '0' && e.output.size() > 1 && e.output.back() == '0') {
    e.elided = Elided::right;
    e.input.pop_back();
    e.output.pop_back();
  }
  if (!letters(e.input) || !letters(e.output)) return std::nullopt;
  return e;
}

// C[b] = op(A[b]) @ op(B[b]) for each of `batches` stacked matrices, op transposing when asked; C is (M, N) per batch,
// A (M, K) or (K, M), B (K, N) or (N, K), all contiguous.
Tensor batched_gemm(bool trans_a, bool trans_b, int64_t batches, int64_t M, int64_t N, int64_t K, const Tensor& A,
                    const Tensor& B) {
  Tensor C = Tensor::empty({batches, M, N});
  for (int64_t b = 0; b < batches; ++b)
    backend::gemm(trans_a, trans_b, M, N, K, 1.0f, A.data() + b * M * K, trans_a ? M : K, B.data() + b * K * N,
                  trans_b ? K : N, 0.0f, C.data() + b * M * N, N);
  return C;
}

// The contraction plan of one call: y = einsum(x, k) as a batched matrix product.
//   batch labels B (in x, k and y), free labels of x Fx (x and y), free labels of k Fk (k and y), contracted C
//   (x and k), and labels summed out of one operand alone (Sx, Sk). x is summed over Sx and laid out (B, Fx, C),
//   k over Sk and laid out (B, C, Fk); the product (B, Fx, Fk) is laid out as y.
struct Plan {
  std::vector<Label> x, k, y;  // each operand's labels, in its axis order
  std::vector<Label> batch, free_x, free_k, contracted, sum_x, sum_k;
  std::map<Label, int64_t> size;
  int64_t nb = 1, m = 1, n = 1, kk = 1;
};

bool has(const std::vector<Label>& v, Label l) { return std::find(v.begin(), v.end(), l) != v.end(); }

std::vector<int64_t> dims_of(const std::vector<Label>& labels, const std::map<Label, int64_t>& size) {
  std::vector<int64_t> dims;
  for (Label l : labels) dims.push_back(size.at(l));
  return dims;
}

int64_t product(const std::vector<Label>& labels, const std::map<Label, int64_t>& size) {
  int64_t p = 1;
  for (Label l : labels) p *= size.at(l);
  return p;
}

// The axes of `from` in the order of `to` (every label of `to` in `from`).
std::vector<int> axes_of(const std::vector<Label>& from, const std::vector<Label>& to) {
  std::vector<int> axes;
  for (Label l : to) axes.push_back(static_cast<int>(std::find(from.begin(), from.end(), l) - from.begin()));
  return axes;
}

bool identity(const std::vector<int>& axes) {
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != static_cast<int>(i)) return false;
  return true;
}

Tensor ordered(const Tensor& t, const std::vector<int>& axes) {
  return identity(axes) ? t : detail::transpose(t, axes);
}

// t (labels `from`) summed over the labels not in `keep`, laid out as `keep`.
Tensor sum_out(const Tensor& t, const std::vector<Label>& from, const std::vector<Label>& keep,
               const std::map<Label, int64_t>& size) {
  if (keep.size() == from.size()) return t;
  std::vector<Label> order = keep;
  for (Label l : from)
    if (!has(keep, l)) order.push_back(l);
  Tensor p = ordered(t, axes_of(from, order));
  const int64_t outer = product(keep, size), inner = p.size() / std::max<int64_t>(outer, 1);
  Tensor out = Tensor::empty(dims_of(keep, size));
  for (int64_t i = 0; i < outer; ++i) {
    double acc = 0;
    for (int64_t j = 0; j < inner; ++j) acc += p.data()[i * inner + j];
    out.data()[i] = static_cast<float>(acc);
  }
  return out;
}

// The reverse: t (labels `keep`) repeated along the labels of `to` it lacks, laid out as `to`.
Tensor spread(const Tensor& t, const std::vector<Label>& keep, const std::vector<Label>& to,
              const std::map<Label, int64_t>& size) {
  if (keep.size() == to.size()) return t;
  std::vector<Label> order = keep;
  for (Label l : to)
    if (!has(keep, l)) order.push_back(l);
  const int64_t outer = t.size(), inner = product(order, size) / std::max<int64_t>(outer, 1);
  Tensor p = Tensor::empty(dims_of(order, size));
  for (int64_t i = 0; i < outer; ++i) std::fill_n(p.data() + i * inner, inner, t.data()[i]);
  return ordered(p, axes_of(order, to));
}

class EinsumDenseImpl : public SingleInputLayer {
 public:
  explicit EinsumDenseImpl(const kw::Kwargs& k) : SingleInputLayer("EinsumDense", k) {
    const auto eq = k.get<std::string>("equation");
    const auto out = k.get<Shape>("output_shape");
    if (!eq || !out) {
      const std::string missing = !eq && !out ? "2 required positional arguments: 'equation' and 'output_shape'"
                                  : !eq       ? "1 required positional argument: 'equation'"
                                              : "1 required positional argument: 'output_shape'";
      throw TypeError("EinsumDense.__init__() missing " + missing,
                      {.layer = name(), .hint = "give the equation and the output's shape without the batch axis: "
                                                "EinsumDense(\"ab,bc->ac\", 64, bias_axes=\"c\")."});
    }
    equation_text_ = *eq;
    const auto parsed = parse(*eq);
    if (!parsed)
      throw ValueError("Invalid einsum equation '" + *eq + "'. Equations must be in the form [X],[Y]->[Z], "
                       "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
                       {.layer = name(), .received = *eq,
                        .hint = "the input's labels, a comma, the kernel's labels, ->, the output's labels: "
                                "\"ab,bc->ac\" (one axis of each label), with ... for any further axes at the "
                                "start (\"...b,bc->...c\") or the end (\"ab...,bc->ac...\") of the input and the "
                                "output."});
    eq_ = *parsed;
    partial_output_ = *out;
    if (auto b = k.get<std::string>("bias_axes")) bias_axes_ = *b;
    for (const char* key : {"lora_rank", "lora_alpha"})
      if (k.has(key) && !k.is_none(key))
        throw ValueError(std::string("keraspp's EinsumDense does not support `") + key + "` (LoRA) yet.",
                         {.layer = name(), .received = key,
                          .hint = "leave lora_rank unset; to fine-tune few parameters, freeze the layer "
                                  "(trainable=false) and add a small EinsumDense beside it."});
    activation_ = activations::get(k.get_or<ActivationArg>("activation", {}));
    kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);
    initializers::get(bias_init_);
    kernel_reg_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
    bias_reg_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
  }

  Shape compute_output_shape(const Shape& s) override { return analyze(s).output; }

  void build_one(const Shape& s) override {
    const Analysis a = analyze(s);
    for (size_t i = 0; i < a.kernel.size(); ++i)
      if (a.kernel[i].is_none())
        throw ValueError("The size of kernel axis '" + std::string(1, eq_.kernel[i]) + "' of layer \"" + name() +
                             "\" is not known: it comes from " + to_string(s) + " or from output_shape=" +
                             to_string(partial_output_) + ".",
                         {.layer = name(), .received = to_string(s),
                          .hint = "give that axis a size in the input shape or in output_shape."});
    std::vector<int64_t> kshape;
    for (const Dim& d : a.kernel) kshape.push_back(d.value());
    kernel_ = add_weight("kernel", kshape, kernel_init_);
    if (!a.bias.empty()) bias_ = add_weight("bias", a.bias, bias_init_);
    InputSpec spec{.ndim = s.ndim()};
    // The axes the kernel's size depends on keep their size (Keras fixes only the rank).
    for (int i = 0; i < s.ndim(); ++i)
      if (has(kernel_labels(), a.input_labels[static_cast<size_t>(i)])) spec.axes[i - s.ndim()] = s[i].value();
    input_spec = {spec};
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    Plan p = plan(x.shape());
    Tensor xr = sum_out(x, p.x, reduced(p.x, p.sum_x), p.size);
    Tensor xm = ordered(xr, axes_of(reduced(p.x, p.sum_x), concat({p.batch, p.free_x, p.contracted})));
    Tensor kr = sum_out(kernel_->value, p.k, reduced(p.k, p.sum_k), p.size);
    Tensor km = ordered(kr, axes_of(reduced(p.k, p.sum_k), concat({p.batch, p.contracted, p.free_k})));
    Tensor prod = batched_gemm(false, false, p.nb, p.m, p.n, p.kk, xm, km);
    const std::vector<Label> prod_labels = concat({p.batch, p.free_x, p.free_k});
    Tensor z = ordered(prod.reshape(dims_of(prod_labels, p.size)), axes_of(prod_labels, p.y));
    if (bias_) {
      const std::vector<int64_t> map = bias_map(z.dims());
      const int64_t inner = static_cast<int64_t>(map.size()), outer = z.size() / std::max<int64_t>(inner, 1);
      const float* b = bias_->value.data();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) z.data()[o * inner + i] += b[map[static_cast<size_t>(i)]];
    }
    ctx.saved = {xm, km, Tensor()};
    if (activation_->is_linear()) return z;
    Tensor y = Tensor::empty(z.dims());
    const int64_t cols = z.dims().back();
    activation_->forward(z.data(), y.data(), z.size() / cols, cols);
    if (activation_->backward_needs_input()) ctx.saved[2] = z;
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    Plan p = plan(x.shape());
    Tensor dz = g;
    if (!activation_->is_linear()) {
      dz = Tensor::empty(g.dims());
      const int64_t cols = g.dims().back();
      const Tensor& z = ctx.saved[2];
      activation_->backward(z.defined() ? z.data() : nullptr, ctx.outputs.at(0).data(), g.data(), dz.data(),
                            g.size() / cols, cols);
    }
    if (bias_) {
      const std::vector<int64_t> map = bias_map(dz.dims());
      const int64_t inner = static_cast<int64_t>(map.size()), outer = dz.size() / std::max<int64_t>(inner, 1);
      float* db = grad_of(*bias_).data();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) db[map[static_cast<size_t>(i)]] += dz.data()[o * inner + i];
    }
    const std::vector<Label> prod_labels = concat({p.batch, p.free_x, p.free_k});
    Tensor dprod = ordered(dz, axes_of(p.y, prod_labels));
    const Tensor &xm = ctx.saved[0], &km = ctx.saved[1];
    // dk = x^T dprod per batch, laid out (B, C, Fk), then as the kernel.
    Tensor dkm = batched_gemm(true, false, p.nb, p.kk, p.n, p.m, xm, dprod);
    const std::vector<Label> km_labels = concat({p.batch, p.contracted, p.free_k});
    Tensor dk = ordered(dkm.reshape(dims_of(km_labels, p.size)), axes_of(km_labels, reduced(p.k, p.sum_k)));
    dk = spread(dk, reduced(p.k, p.sum_k), p.k, p.size);
    Tensor& gk = grad_of(*kernel_);
    for (int64_t i = 0; i < gk.size(); ++i) gk.data()[i] += dk.data()[i];
    if (!ctx.input_needs_grad(0)) return {};
    // dx = dprod k^T per batch, laid out (B, Fx, C), then as the input.
    Tensor dxm = batched_gemm(false, true, p.nb, p.m, p.kk, p.n, dprod, km);
    const std::vector<Label> xm_labels = concat({p.batch, p.free_x, p.contracted});
    Tensor dx = ordered(dxm.reshape(dims_of(xm_labels, p.size)), axes_of(xm_labels, reduced(p.x, p.sum_x)));
    return spread(dx, reduced(p.x, p.sum_x), p.x, p.size).reshape(x.dims());
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    double total = 0.0;
    for (const auto& [r, v] : {std::pair{kernel_reg_, kernel_}, std::pair{bias_reg_, bias_}}) {
      if (!r || !v || !v->trainable) continue;
      total += r->penalty(v->value);
      if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
    }
    return total;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind == SpecViolation::Kind::ndim)
      return "the equation \"" + equation_text_ + "\" of layer \"" + name() + "\" was built for inputs of rank " +
             std::to_string(v.expected_rank) + " (batch included); give it inputs of that rank, or use an equation "
             "with ... for a varying number of axes.";
    return SingleInputLayer::hint_for(v);
  }

 private:
  struct Analysis {
    std::vector<Label> input_labels;  // per input axis
    std::vector<Dim> kernel;
    std::vector<int64_t> bias;        // empty without bias_axes
    Shape output;
  };

  std::vector<Label> kernel_labels() const { return std::vector<Label>(eq_.kernel.begin(), eq_.kernel.end()); }

  // Keras's _analyze_einsum_string for an input shape: the kernel, bias and output shapes, with its errors.
  Analysis analyze(const Shape& s) const {
    const int nin = static_cast<int>(eq_.input.size()), nout = static_cast<int>(eq_.output.size());
    const int elided = s.ndim() - nin;
    const std::string spec_rank = std::to_string(nin) + (eq_.elided == Elided::none ? "" : " or more");
    if (elided < 0 || (eq_.elided == Elided::none && elided != 0) || (eq_.elided == Elided::left && elided < 1))
      throw ValueError("Input 0 of layer \"" + name() + "\" is incompatible with the layer: the equation '" +
                           equation_text_ + "' takes inputs of rank " + spec_rank + ", but received input with shape " +
                           to_string(s),
                       {.layer = name(), .expected = "rank " + spec_rank, .received = to_string(s),
                        .hint = "the input's labels \"" + eq_.input + "\" name one axis each, the batch axis "
                                "included; reshape the input, or write the equation with ... for further axes."});
    const int parts = static_cast<int>(partial_output_.ndim());
    const int want = eq_.elided == Elided::left ? nout : nout - 1;
    if (parts != want)
      throw ValueError("The output_shape " + to_string(partial_output_) + " of layer \"" + name() + "\" does not "
                       "match the equation '" + equation_text_ + "': it needs " + std::to_string(want) +
                       " entries, one per output label" + (eq_.elided == Elided::left ? "" : " after the batch axis") +
                       ".",
                       {.layer = name(), .expected = std::to_string(want) + " entries",
                        .received = to_string(partial_output_),
                        .hint = "output_shape leaves out the batch axis and the axes of the ellipsis; use None where "
                                "the input gives the size."});
    // The full output: the batch (and left-elided) axes, output_shape, then right-elided axes.
    std::vector<Dim> out{s[0]};
    if (eq_.elided == Elided::left)
      for (int i = 1; i < elided; ++i) out.push_back(s[i]);
    for (int i = 0; i < parts; ++i) out.push_back(partial_output_[i]);
    if (eq_.elided == Elided::right)
      for (int i = nin; i < s.ndim(); ++i) out.push_back(s[i]);
    const int in_off = eq_.elided == Elided::left ? elided : 0;
    auto in_pos = [&](char c) { return static_cast<int>(eq_.input.find(c)) + in_off; };
    auto out_pos = [&](char c) { return static_cast<int>(eq_.output.find(c)) + in_off; };
    for (char c : eq_.input) {
      if (eq_.output.find(c) == std::string::npos) continue;
      const Dim in = s[in_pos(c)];
      Dim& o = out[static_cast<size_t>(out_pos(c))];
      if (o.known() && in.known() && o != in)
        throw ValueError("Input shape and output shape do not match at shared dimension '" + std::string(1, c) +
                             "'. Input shape is " + std::to_string(in.value()) + ", and output shape is " +
                             std::to_string(o.value()) + ".",
                         {.layer = name(), .expected = std::to_string(in.value()), .received = to_string(s),
                          .hint = "label '" + std::string(1, c) + "' is in the input and the output, so both have "
                                  "the input's size there: put " + std::to_string(in.value()) +
                                  " (or None) at that place of output_shape."});
      if (o.is_none()) o = in;
    }
    for (char c : eq_.output)
      if (eq_.input.find(c) == std::string::npos && eq_.kernel.find(c) == std::string::npos)
        throw ValueError("Dimension '" + std::string(1, c) + "' was specified in the output '" + eq_.output +
                             "' but has no corresponding dim in the input spec '" + eq_.input +
                             "' or weight spec '" + eq_.kernel + "'",
                         {.layer = name(), .received = equation_text_,
                          .hint = "every output label must appear in the input or the kernel."});
    Analysis a;
    for (char c : eq_.kernel) {
      if (eq_.input.find(c) != std::string::npos) a.kernel.push_back(s[in_pos(c)]);
      else if (eq_.output.find(c) != std::string::npos) a.kernel.push_back(out[static_cast<size_t>(out_pos(c))]);
      else
        throw ValueError("Weight dimension '" + std::string(1, c) + "' did not have a match in either the input "
                             "spec '" + eq_.input + "' or the output spec '" + eq_.output +
                             "'. For this layer, the weight must be fully specified.",
                         {.layer = name(), .received = equation_text_,
                          .hint = "every kernel label must appear in the input or the output."});
    }
    if (!bias_axes_.empty()) {
      size_t first = eq_.output.size();
      for (char c : bias_axes_) {
        const size_t at = eq_.output.find(c);
        if (at == std::string::npos)
          throw ValueError("Bias dimension '" + std::string(1, c) + "' was requested, but is not part of the "
                               "output spec '" + eq_.output + "'",
                           {.layer = name(), .received = bias_axes_,
                            .hint = "bias_axes lists output labels: choose among \"" + eq_.output + "\"."});
        first = std::min(first, at);
      }
      for (size_t i = first; i < eq_.output.size(); ++i) {
        const char c = eq_.output[i];
        const Dim d = out[i + static_cast<size_t>(in_off)];
        if (bias_axes_.find(c) != std::string::npos && d.is_none())
          throw ValueError("The size of bias axis '" + std::string(1, c) + "' of layer \"" + name() +
                               "\" is not known.",
                           {.layer = name(), .hint = "give that axis a size in the input shape or output_shape."});
        a.bias.push_back(bias_axes_.find(c) != std::string::npos ? d.value() : 1);
      }
      if (eq_.elided == Elided::right)
        for (int i = 0; i < elided; ++i) a.bias.push_back(1);
    }
    for (int i = 0; i < s.ndim(); ++i) {
      const int j = i - in_off;
      a.input_labels.push_back(j >= 0 && j < nin ? Label(eq_.input[static_cast<size_t>(j)])
                                                 : kEllipsis + (j < 0 ? i : i - nin));
    }
    a.output = Shape(std::move(out));
    return a;
  }

  static std::vector<Label> concat(std::initializer_list<std::vector<Label>> parts) {
    std::vector<Label> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
  static std::vector<Label> reduced(const std::vector<Label>& labels, const std::vector<Label>& summed) {
    std::vector<Label> out;
    for (Label l : labels)
      if (!has(summed, l)) out.push_back(l);
    return out;
  }

  Plan plan(const Shape& s) const {
    Plan p;
    const int nin = static_cast<int>(eq_.input.size());
    const int elided = s.ndim() - nin;
    const int in_off = eq_.elided == Elided::left ? elided : 0;
    for (int i = 0; i < s.ndim(); ++i) {
      const int j = i - in_off;
      const Label l =
          j >= 0 && j < nin ? Label(eq_.input[static_cast<size_t>(j)]) : kEllipsis + (j < 0 ? i : i - nin);
      p.x.push_back(l);
      p.size[l] = s[i].value();
    }
    p.k = kernel_labels();
    for (size_t i = 0; i < p.k.size(); ++i) p.size[p.k[i]] = kernel_->value.dim(static_cast<int>(i));
    std::vector<Label> ell;
    for (int i = 0; i < elided; ++i) ell.push_back(kEllipsis + i);
    const std::vector<Label> named(eq_.output.begin(), eq_.output.end());
    p.y = eq_.elided == Elided::left    ? concat({ell, named})
          : eq_.elided == Elided::right ? concat({named, ell})
                                        : named;
    for (Label l : p.x) {
      const bool in_k = has(p.k, l), in_y = has(p.y, l);
      (in_k && in_y ? p.batch : in_k ? p.contracted : in_y ? p.free_x : p.sum_x).push_back(l);
    }
    for (Label l : p.k)
      if (!has(p.x, l)) (has(p.y, l) ? p.free_k : p.sum_k).push_back(l);
    p.nb = product(p.batch, p.size);
    p.m = product(p.free_x, p.size);
    p.n = product(p.free_k, p.size);
    p.kk = product(p.contracted, p.size);
    return p;
  }

  // For each position of the output's trailing axes that the bias covers, the bias entry added there.
  std::vector<int64_t> bias_map(const std::vector<int64_t>& out_dims) const {
    const std::vector<int64_t>& b = bias_->value.dims();
    const size_t nb = b.size(), off = out_dims.size() - nb;
    int64_t inner = 1;
    for (size_t i = 0; i < nb; ++i) inner *= out_dims[off + i];
    std::vector<int64_t> map(static_cast<size_t>(inner));
    for (int64_t flat = 0; flat < inner; ++flat) {
      int64_t rest = flat, idx = 0, stride = 1;
      for (size_t i = nb; i-- > 0;) {
        const int64_t coord = rest % out_dims[off + i];
        rest /= out_dims[off + i];
        if (b[i] != 1) idx += coord * stride;
        stride *= b[i];
      }
      map[static_cast<size_t>(flat)] = idx;
    }
    return map;
  }

  std::string equation_text_, bias_axes_;
  Equation eq_;
  Shape partial_output_;
  std::shared_ptr<const activations::ActivationKernel> activation_;
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_reg_, bias_reg_;
  VariablePtr kernel_, bias_;
};

}  // namespace

EinsumDense::EinsumDense(const kw::Kwargs& kwargs) : Layer(std::make_shared<EinsumDenseImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(EinsumDense)

}  // namespace keras::layers

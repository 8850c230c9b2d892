#include "layers/reshaping/spatial_reshaping.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "backend/spatial3d.hpp"
#include "keras/core/errors.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::detail {

namespace {

// The layer of the neighbouring rank that rank hints point to: the 1-D layer for a 2-D one, else the 2-D layer.
std::string neighbour_layer(const std::string& class_name, int spatial_dims) {
  std::string s = class_name;
  s[s.size() - 2] = spatial_dims == 2 ? '1' : '2';
  return s;
}

// Per-axis values of a layer's spatial axes (sizes, factors, amounts) placed on the kernels' (depth, rows, cols)
// axes: right-aligned, the axes the layer lacks set to `fill`. 1-D data with steps_as_rows puts its axis on the rows.
template <class T>
std::array<T, 3> on_kernel_axes(const std::vector<T>& per_axis, T fill, bool steps_as_rows = false) {
  std::array<T, 3> out = {fill, fill, fill};
  const size_t first = out.size() - per_axis.size();
  for (size_t i = 0; i < per_axis.size(); ++i) out[first + i] = per_axis[i];
  if (steps_as_rows && per_axis.size() == 1) std::swap(out[1], out[2]);
  return out;
}

// The kernels' (n, d, h, w, c) view of spatial data (backend/spatial3d.hpp): 2-D data has depth 1, 1-D data
// (batch, steps, channels) is also one row (or, with steps_as_rows, one column); channels_first data has one channel
// per volume.
struct View {
  int64_t n, c;
  std::array<int64_t, 3> size;  // depth, height, width
};
View view_of(const std::vector<int64_t>& d, int dims, bool channels_first, bool steps_as_rows = false) {
  const auto first = d.begin() + (channels_first ? 2 : 1);
  const std::vector<int64_t> spatial_sizes(first, first + dims);
  return {channels_first ? d[0] * d[1] : d[0], channels_first ? 1 : d.back(),
          on_kernel_axes(spatial_sizes, int64_t{1}, steps_as_rows)};
}

// How to write padding=/cropping= for a layer with `dims` spatial axes, for the hints.
std::string amounts_hint(const std::string& class_name, int dims, const std::string& arg) {
  if (dims == 1)
    return arg + " is an int (the same at both ends) or a pair {before, after} of non-negative ints, e.g. " +
           class_name + "(" + arg + "={1, 2}).";
  if (dims == 2)
    return arg + " is an int (all sides), a pair {rows, cols} (symmetric), or pairs {{top, bottom}, {left, right}} "
                 "of non-negative ints, e.g. " + class_name + "({{1, 1}, {2, 2}}).";
  return arg + " is an int (all sides), three ints {dim1, dim2, dim3} (symmetric), or pairs {{front, back}, {top, "
               "bottom}, {left, right}} of non-negative ints, e.g. " + class_name + "({{1, 1}, {2, 2}, {0, 0}}).";
}

// Keras's message for padding=None / cropping=None (its 2-D layers both say "crop"; ZeroPadding3D names the
// argument in "Received:", Cropping3D does not).
std::string none_amounts_message(int dims, const std::string& arg) {
  if (dims == 1) return "The `" + arg + "` argument must be a tuple of 2 integers. Received " + arg + "=None";
  if (dims == 2)
    return "`" + arg + "` should be either an int, a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), "
           "or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop)). Received: " + arg +
           "=None.";
  const std::string x = arg == "cropping" ? "crop" : "pad";
  return "`" + arg + "` should be either an int, a tuple of 3 ints (symmetric_dim1_" + x + ", symmetric_dim2_" + x +
         ", symmetric_dim3_" + x + "), or a tuple of 3 tuples of 2 ints ((left_dim1_" + x + ", right_dim1_" + x +
         "), (left_dim2_" + x + ", right_dim2_" + x + "), (left_dim3_" + x + ", right_dim2_" + x + ")). Received: " +
         (arg == "cropping" ? "" : arg + "=") + "None.";
}

// Common to ZeroPadding and Cropping: (before, after) amounts per spatial axis, added or removed.
class BoxImpl : public SingleInputLayer {
 public:
  BoxImpl(const std::string& class_name, int dims, bool crop, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims), crop_(crop) {
    const std::string arg = crop ? "cropping" : "padding";
    const std::string hint = amounts_hint(class_name, dims, arg);
    if (k.is_none(arg))
      throw ValueError(none_amounts_message(dims, arg), {.layer = name(), .received = "None", .hint = hint});
    // Keras's defaults: 1 for the 1-D layers, (1, 1) for ZeroPadding2D, no cropping for Cropping2D, one voxel on
    // every side for the 3-D layers.
    const PaddingArg dflt = dims == 1 ? PaddingArg(1)
                            : dims == 3 ? PaddingArg{{1, 1}, {1, 1}, {1, 1}}
                            : crop      ? PaddingArg{{0, 0}, {0, 0}}
                                        : PaddingArg{1, 1};
    const PaddingArg given = k.get_or<PaddingArg>(arg, dflt);
    if (dims == 1) amounts_ = {spatial::amounts_1d(given, arg, name(), hint)};
    else amounts_ = spatial::amounts_nd(given, static_cast<size_t>(dims), arg, name(), hint);
    // ZeroPadding1D takes data_format (Keras >= 3.5); Cropping1D does not.
    channels_first_ = spatial::channels_first(k, name());
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override { return box_output_shape(s, false); }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const Shape out_shape = box_output_shape(x.shape(), true);
    Tensor y = Tensor::empty(out_shape.as_vector());
    const View in = view_of(x.dims(), dims_, channels_first_), out = view_of(y.dims(), dims_, channels_first_);
    backend::copy_box3d(box(in, out, false), x.data(), y.data(), !crop_);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    Tensor dx = Tensor::empty(x.dims());
    const View in = view_of(x.dims(), dims_, channels_first_), out = view_of(g.dims(), dims_, channels_first_);
    // The gradient of padding is a crop, and of cropping a zero padding.
    backend::copy_box3d(box(in, out, true), g.data(), dx.data(), crop_);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    return spatial::rank_hint(class_name(), dims_, channels_first_, neighbour_layer(class_name(), dims_), v);
  }

 private:
  // Not output_shape: that would hide Layer::output_shape() (clang -Woverloaded-virtual).
  Shape box_output_shape(const Shape& s, bool eager) const {
    Shape out = s;
    const int first = channels_first_ ? 2 : 1;
    for (int i = 0; i < dims_; ++i) {
      const Dim d = s[first + i];
      if (d.is_none()) continue;
      const auto& [a, b] = amounts_[static_cast<size_t>(i)];
      if (crop_ && a + b >= d.value()) throw too_much(s, eager);
      out[first + i] = Dim(crop_ ? d.value() - a - b : d.value() + a + b);
    }
    return out;
  }

  // The copy between the input (in) and the output (out); backward copies the other way.
  backend::Box3D box(const View& in, const View& out, bool backward) const {
    // Per kernel axis (depth, rows, cols): where the block starts in the input and in the output, and its extent.
    // The block is the whole input (pad) or the part of it that is kept (crop).
    const auto amounts = on_kernel_axes(amounts_, std::pair<int64_t, int64_t>{0, 0});
    std::array<int64_t, 3> in_at{}, out_at{}, extent{};
    for (size_t a = 0; a < 3; ++a) {
      in_at[a] = crop_ ? amounts[a].first : 0;
      out_at[a] = crop_ ? 0 : amounts[a].first;
      extent[a] = crop_ ? out.size[a] : in.size[a];
    }
    const View& src = backward ? out : in;
    const View& dst = backward ? in : out;
    const auto& src_at = backward ? out_at : in_at;
    const auto& dst_at = backward ? in_at : out_at;
    backend::Box3D b;
    backend::Box2D& p = b.plane;
    p.n = in.n;
    p.c = in.c;
    p.src_h = src.size[1], p.src_w = src.size[2], p.dst_h = dst.size[1], p.dst_w = dst.size[2];
    p.src_row = src_at[1], p.src_col = src_at[2], p.dst_row = dst_at[1], p.dst_col = dst_at[2];
    p.rows = extent[1], p.cols = extent[2];
    b.src_d = src.size[0], b.dst_d = dst.size[0];
    b.src_z = src_at[0], b.dst_z = dst_at[0], b.depth = extent[0];
    return b;
  }

  ValueError too_much(const Shape& s, bool eager) const {
    const int first = channels_first_ ? 2 : 1;
    std::string sizes, crops;
    for (int i = 0; i < dims_; ++i) {
      const auto& [a, b] = amounts_[static_cast<size_t>(i)];
      sizes += (i ? " x " : "") + to_string(s[first + i]);
      crops += (i ? " and " : "") + std::to_string(a) + " + " + std::to_string(b);
    }
    const std::string hint = class_name() + " removes " + crops + " from " +
                             (dims_ == 1 ? "a sequence of " : dims_ == 2 ? "images of " : "volumes of ") + sizes +
                             (dims_ == 1 ? " steps" : "") +
                             ", which leaves nothing: crop less than the input's size on each axis, or check that "
                             "the input is " + spatial::layout(dims_, channels_first_) + ".";
    if (dims_ == 1)
      return ValueError("`cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: "
                        "input_shape=" + to_string(s) + ", cropping=" +
                            spatial::py_tuple({amounts_[0].first, amounts_[0].second}),
                        {.layer = name(), .expected = "cropping smaller than the input length",
                         .received = to_string(s), .hint = hint});
    return ValueError("Values in `cropping` argument should be smaller than the corresponding spatial dimension of "
                      "the input. Received: " + std::string(eager ? "inputs.shape=" : "input_shape=") + to_string(s) +
                          ", cropping=" + spatial::py_pairs(amounts_),
                      {.layer = name(), .expected = "cropping smaller than the spatial sizes",
                       .received = to_string(s), .hint = hint});
  }

  int dims_;
  bool crop_;
  std::vector<std::pair<int64_t, int64_t>> amounts_;
  bool channels_first_ = false;
};

// UpSampling2D's interpolation=: true for "bilinear", false for "nearest"; Keras's message for unknown names.
bool bilinear_interpolation(const kw::Kwargs& k, const std::string& layer) {
  std::string interp = k.get_or<std::string>("interpolation", "nearest");
  std::transform(interp.begin(), interp.end(), interp.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::vector<std::string> known = {"bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area"};
  if (std::find(known.begin(), known.end(), interp) == known.end())
    throw ValueError("Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', "
                     "'lanczos3', 'lanczos5', 'bicubic', 'area'). Received: interpolation=" + interp,
                     {.layer = layer, .expected = "'nearest' or 'bilinear'", .received = interp,
                      .hint = "use interpolation=\"nearest\" (repeat pixels, the default) or \"bilinear\"."});
  if (interp != "nearest" && interp != "bilinear")
    throw NotImplementedError("UpSampling2D(interpolation=\"" + interp + "\") is not supported by keraspp yet; "
                              "use \"nearest\" or \"bilinear\".");
  return interp == "bilinear";
}

class UpSamplingImpl : public SingleInputLayer {
 public:
  UpSamplingImpl(const std::string& class_name, int dims, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims) {
    if (dims == 1) {
      const IntTuple size = k.get_or<IntTuple>("size", IntTuple(2));
      if (k.is_none("size") || size.values.size() != 1 || size.values[0] <= 0)
        throw ValueError("Argument `size` should be a positive integer. Received: size=" +
                             (k.is_none("size") ? std::string("None") : spatial::py_value(size)),
                         {.layer = name(), .expected = "a positive int", .received = spatial::py_value(size),
                          .hint = "size is how many times each step is repeated, e.g. UpSampling1D(2) doubles the "
                                  "number of steps."});
      size_ = {size.values[0]};
    } else {
      // Keras's default, 2 on every axis: (2, 2) / {2, 2} for UpSampling2D.
      const std::vector<int64_t> twos(static_cast<size_t>(dims), 2);
      if (k.is_none("size"))
        throw ValueError("The `size` argument must be a tuple of " + std::to_string(dims) +
                             " integers. Received size=None",
                         {.layer = name(), .received = "None",
                          .hint = "leave size out for Keras's default " + spatial::py_tuple(twos) +
                                  ", or give the factors, e.g. " + class_name + "(" + spatial::braces(twos) + ")."});
      const std::string axes = dims == 2 ? "rows and columns" : "depth, rows and columns";
      const std::string sizes = dims == 2 ? "height and width" : "depth, height and width";
      size_ = spatial::standardize_tuple(k.get_or<IntTuple>("size", IntTuple(2)).values, static_cast<size_t>(dims),
                                         "size", false, name(),
                                         "size is the upsampling factor for " + axes + ", positive ints, e.g. " +
                                             class_name + "(" + spatial::braces(twos) + ") doubles " + sizes + ".");
      channels_first_ = spatial::channels_first(k, name());
      // UpSampling3D has no interpolation argument: Keras repeats voxels.
      if (dims == 2) bilinear_ = bilinear_interpolation(k, name());
    }
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out = s;
    const int first = channels_first_ ? 2 : 1;
    for (int i = 0; i < dims_; ++i)
      if (s[first + i].known()) out[first + i] = Dim(s[first + i].value() * size_[static_cast<size_t>(i)]);
    return out;
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    Tensor y = Tensor::empty(compute_output_shape(x.shape()).as_vector());
    const View v = view_of(x.dims(), dims_, channels_first_, true);
    const auto [fd, fh, fw] = on_kernel_axes(size_, int64_t{1}, true);
    const auto [d, h, w] = v.size;
    if (bilinear_)  // 2-D only: d == 1
      backend::resize_bilinear2d(x.data(), y.data(), v.n, h, w, v.c, h * fh, w * fw);
    else
      backend::upsample_nearest3d(x.data(), y.data(), v.n, d, h, w, v.c, fd, fh, fw);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    Tensor dx = Tensor::empty(x.dims());
    const View v = view_of(x.dims(), dims_, channels_first_, true);
    const auto [fd, fh, fw] = on_kernel_axes(size_, int64_t{1}, true);
    const auto [d, h, w] = v.size;
    if (bilinear_)
      backend::resize_bilinear2d_backward(g.data(), dx.data(), v.n, h, w, v.c, h * fh, w * fw);
    else
      backend::upsample_nearest3d_backward(g.data(), dx.data(), v.n, d, h, w, v.c, fd, fh, fw);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    return spatial::rank_hint(class_name(), dims_, channels_first_, neighbour_layer(class_name(), dims_), v);
  }

 private:
  int dims_;
  std::vector<int64_t> size_;  // the factor of each spatial axis; the kernels see 1-D steps as rows
  bool channels_first_ = false;
  bool bilinear_ = false;
};

}  // namespace

std::shared_ptr<LayerImpl> make_zero_padding(const std::string& class_name, int spatial_dims, const kw::Kwargs& k) {
  return std::make_shared<BoxImpl>(class_name, spatial_dims, false, k);
}

std::shared_ptr<LayerImpl> make_cropping(const std::string& class_name, int spatial_dims, const kw::Kwargs& k) {
  return std::make_shared<BoxImpl>(class_name, spatial_dims, true, k);
}

std::shared_ptr<LayerImpl> make_up_sampling(const std::string& class_name, int spatial_dims, const kw::Kwargs& k) {
  return std::make_shared<UpSamplingImpl>(class_name, spatial_dims, k);
}

}  // namespace keras::layers::detail

#include "layers/reshaping/spatial_reshaping.hpp"

#include <algorithm>
#include <cctype>

#include "backend/spatial.hpp"
#include "keras/core/errors.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::detail {

namespace {

std::string sibling(const std::string& class_name, int spatial_dims) {
  std::string s = class_name;
  s[s.size() - 2] = spatial_dims == 2 ? '1' : '2';
  return s;
}

// The kernels' (n, h, w, c) view of spatial data. 1-D data (batch, steps, channels) is (batch, 1, steps, channels),
// or (batch, steps, 1, channels) with steps_as_rows; channels_first data has one channel per plane.
struct View {
  int64_t n, h, w, c;
};
View view_of(const std::vector<int64_t>& d, int dims, bool channels_first, bool steps_as_rows = false) {
  View v{};
  v.n = channels_first ? d[0] * d[1] : d[0];
  v.c = channels_first ? 1 : d.back();
  const size_t first = channels_first ? 2 : 1;
  if (dims == 2) {
    v.h = d[first];
    v.w = d[first + 1];
  } else if (steps_as_rows) {
    v.h = d[first];
    v.w = 1;
  } else {
    v.h = 1;
    v.w = d[first];
  }
  return v;
}

// Common to ZeroPadding and Cropping: (before, after) amounts per spatial axis, added or removed.
class BoxImpl : public SingleInputLayer {
 public:
  BoxImpl(const std::string& class_name, int dims, bool crop, const kw::Kwargs& k)
      : SingleInputLayer(class_name, k), dims_(dims), crop_(crop) {
    const std::string arg = crop ? "cropping" : "padding";
    const std::string hint =
        dims == 1 ? arg + " is an int (the same at both ends) or a pair {before, after} of non-negative ints, e.g. " +
                        class_name + "(" + arg + "={1, 2})."
                  : arg + " is an int (all sides), a pair {rows, cols} (symmetric), or pairs {{top, bottom}, {left, "
                          "right}} of non-negative ints, e.g. " + class_name + "({{1, 1}, {2, 2}}).";
    const PaddingArg dflt = dims == 1 ? PaddingArg(1) : crop ? PaddingArg{{0, 0}, {0, 0}} : PaddingArg{1, 1};
    if (k.is_none(arg)) {
      const std::string msg =
          dims == 1 ? "The `" + arg + "` argument must be a tuple of 2 integers. Received " + arg + "=None"
                    : "`" + arg + "` should be either an int, a tuple of 2 ints (symmetric_height_crop, "
                      "symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, "
                      "right_crop)). Received: " + arg + "=None.";
      throw ValueError(msg, {.layer = name(), .received = "None", .hint = hint});
    }
    const PaddingArg given = k.get_or<PaddingArg>(arg, dflt);
    if (dims == 1) amounts_ = {spatial::amounts_1d(given, arg, name(), hint)};
    else amounts_ = spatial::amounts_2d(given, arg, name(), hint);
    // ZeroPadding1D takes data_format (Keras >= 3.5); Cropping1D does not.
    channels_first_ = spatial::channels_first(k, name());
    input_spec = {InputSpec{.ndim = dims + 2}};
  }

  Shape compute_output_shape(const Shape& s) override { return box_output_shape(s, false); }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const Shape out_shape = box_output_shape(x.shape(), true);
    Tensor y = Tensor::empty(out_shape.as_vector());
    const View in = view_of(x.dims(), dims_, channels_first_), out = view_of(y.dims(), dims_, channels_first_);
    backend::copy_box2d(box(in, out, false), x.data(), y.data(), !crop_);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    Tensor dx = Tensor::empty(x.dims());
    const View in = view_of(x.dims(), dims_, channels_first_), out = view_of(g.dims(), dims_, channels_first_);
    // The gradient of padding is a crop, and of cropping a zero padding.
    backend::copy_box2d(box(in, out, true), g.data(), dx.data(), crop_);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    return spatial::rank_hint(class_name(), dims_, channels_first_, sibling(class_name(), dims_), v);
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
  backend::Box2D box(const View& in, const View& out, bool backward) const {
    backend::Box2D b;
    b.n = in.n;
    b.c = in.c;
    const std::pair<int64_t, int64_t> rows = dims_ == 2 ? amounts_[0] : std::pair<int64_t, int64_t>{0, 0};
    const std::pair<int64_t, int64_t> cols = amounts_.back();
    // The part of the input that is kept (crop) or the whole input (pad), and where it sits in the output.
    int64_t in_row = 0, in_col = 0, out_row = rows.first, out_col = cols.first;
    b.rows = in.h;
    b.cols = in.w;
    if (crop_) {
      in_row = rows.first, in_col = cols.first, out_row = 0, out_col = 0;
      b.rows = out.h;
      b.cols = out.w;
    }
    const View& src = backward ? out : in;
    const View& dst = backward ? in : out;
    b.src_h = src.h, b.src_w = src.w, b.dst_h = dst.h, b.dst_w = dst.w;
    b.src_row = backward ? out_row : in_row;
    b.src_col = backward ? out_col : in_col;
    b.dst_row = backward ? in_row : out_row;
    b.dst_col = backward ? in_col : out_col;
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
                             (dims_ == 1 ? "a sequence of " : "images of ") +
                             sizes + (dims_ == 1 ? " steps" : "") +
                             ", which leaves nothing: crop less than the input's size on each axis, or check that "
                             "the input is " + (dims_ == 1 ? "(batch, steps, features)." : "(batch, height, width, "
                                                                                          "channels).");
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
      size_ = {size.values[0], 1};
    } else {
      if (k.is_none("size"))
        throw ValueError("The `size` argument must be a tuple of 2 integers. Received size=None",
                         {.layer = name(), .received = "None",
                          .hint = "leave size out for Keras's default (2, 2), or give the factors, e.g. "
                                  "UpSampling2D({2, 2})."});
      size_ = spatial::standardize_tuple(k.get_or<IntTuple>("size", IntTuple{2, 2}).values, 2, "size", false,
                                         name(),
                                         "size is the upsampling factor for rows and columns, positive ints, e.g. "
                                         "UpSampling2D({2, 2}) doubles height and width.");
      channels_first_ = spatial::channels_first(k, name());
      std::string interp = k.get_or<std::string>("interpolation", "nearest");
      std::transform(interp.begin(), interp.end(), interp.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const std::vector<std::string> known = {"bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area"};
      if (std::find(known.begin(), known.end(), interp) == known.end())
        throw ValueError("Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', "
                         "'lanczos3', 'lanczos5', 'bicubic', 'area'). Received: interpolation=" + interp,
                         {.layer = name(), .expected = "'nearest' or 'bilinear'", .received = interp,
                          .hint = "use interpolation=\"nearest\" (repeat pixels, the default) or \"bilinear\"."});
      if (interp != "nearest" && interp != "bilinear")
        throw NotImplementedError("UpSampling2D(interpolation=\"" + interp + "\") is not supported by keraspp yet; "
                                  "use \"nearest\" or \"bilinear\".");
      bilinear_ = interp == "bilinear";
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
    if (bilinear_)
      backend::resize_bilinear2d(x.data(), y.data(), v.n, v.h, v.w, v.c, v.h * size_[0], v.w * size_[1]);
    else
      backend::upsample_nearest2d(x.data(), y.data(), v.n, v.h, v.w, v.c, size_[0], size_[1]);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    Tensor dx = Tensor::empty(x.dims());
    const View v = view_of(x.dims(), dims_, channels_first_, true);
    if (bilinear_)
      backend::resize_bilinear2d_backward(g.data(), dx.data(), v.n, v.h, v.w, v.c, v.h * size_[0], v.w * size_[1]);
    else
      backend::upsample_nearest2d_backward(g.data(), dx.data(), v.n, v.h, v.w, v.c, size_[0], size_[1]);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    return spatial::rank_hint(class_name(), dims_, channels_first_, sibling(class_name(), dims_), v);
  }

 private:
  int dims_;
  std::vector<int64_t> size_;  // (rows, cols) factors; 1-D data repeats rows (its steps)
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

#include "keras/constraints/constraints.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "keras/core/errors.hpp"

namespace keras::constraints {

namespace {

constexpr float kEpsilon = 1e-7f;  // keras.backend.epsilon()

std::string axes_text(const std::vector<int64_t>& axes) {
  std::string s;
  for (int64_t a : axes) s += (s.empty() ? "" : ", ") + std::to_string(a);
  return axes.size() == 1 ? s : "[" + s + "]";
}

// A positional axis argument as the keyword would hold it: an int for one axis, an IntTuple for several.
void set_axis(kw::Kwargs& k, IntTuple axis) {
  if (axis.values.size() == 1) k.set("axis", static_cast<int>(axis.values[0]));
  else k.set("axis", std::move(axis));
}

}  // namespace

// ---- NormAxes ----------------------------------------------------------------------------------------------------

NormAxes::NormAxes(const kw::Kwargs& k) {
  if (!k.has("axis") || k.is_none("axis")) {
    axes_ = {0};
    return;
  }
  try {
    axes_ = {*k.get<int>("axis")};
  } catch (const TypeError&) {
    axes_ = k.get<IntTuple>("axis")->values;
    listed_ = true;
  }
  if (axes_.empty())
    throw ValueError("A constraint's axis list is empty.",
                     {.expected = "an axis or a list of axes", .received = "[]",
                      .hint = "give the axes the norm runs over, e.g. axis=0 for a Dense kernel, {0, 1, 2} for a "
                              "Conv2D kernel."});
}

void NormAxes::write(kw::Kwargs& k) const {
  if (listed_) k.set("axis", IntTuple(axes_));
  else k.set("axis", static_cast<int>(axes_[0]));
}

template <class F>
void NormAxes::scale(Tensor& w, F factor) const {
  const int rank = w.ndim();
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t a : axes_) {
    const int64_t axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank)
      throw ValueError("A constraint's axis " + axes_text(axes_) + " is out of bounds for a weight of rank " +
                           std::to_string(rank) + " " + to_string(w.shape()) + ".",
                       {.expected = "axes in [-" + std::to_string(rank) + ", " + std::to_string(rank) + ")",
                        .received = axes_text(axes_),
                        .hint = "the axis is that of the weight the constraint is on: a Dense kernel has rank 2, a "
                                "bias rank 1, a Conv2D kernel rank 4 (use {0, 1, 2} for one norm per filter)."});
    reduced[static_cast<size_t>(axis)] = true;
  }
  // Each entry's slice index: its multi-index with the reduced axes dropped, in row-major order. The usual cases are
  // a closed form: reduced leading axes (a Dense kernel's axis 0, a Conv kernel's {0, 1, 2}) give i % slices, reduced
  // trailing axes i / (size / slices).
  const auto& dims = w.dims();
  int64_t slices = 1;
  for (int d = 0; d < rank; ++d)
    if (!reduced[static_cast<size_t>(d)]) slices *= dims[static_cast<size_t>(d)];
  int first_kept = rank, last_kept = -1;
  for (int d = 0; d < rank; ++d)
    if (!reduced[static_cast<size_t>(d)]) first_kept = std::min(first_kept, d), last_kept = d;
  bool leading = true, trailing = true;
  for (int d = 0; d < rank; ++d) {
    if (reduced[static_cast<size_t>(d)] && d > first_kept) leading = false;
    if (reduced[static_cast<size_t>(d)] && d < last_kept) trailing = false;
  }
  const int64_t n = w.size(), per_slice = slices ? n / slices : 0;
  std::vector<int64_t> general;
  if (!leading && !trailing) {
    general.resize(static_cast<size_t>(n));
    std::vector<int64_t> index(static_cast<size_t>(rank), 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = 0;
      for (int d = 0; d < rank; ++d)
        if (!reduced[static_cast<size_t>(d)]) s = s * dims[static_cast<size_t>(d)] + index[static_cast<size_t>(d)];
      general[static_cast<size_t>(i)] = s;
      for (int d = rank - 1; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < dims[static_cast<size_t>(d)]) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
  }
  auto slice_of = [&](int64_t i) -> size_t {
    if (leading) return static_cast<size_t>(i % slices);
    if (trailing) return static_cast<size_t>(i / per_slice);
    return static_cast<size_t>(general[static_cast<size_t>(i)]);
  };
  std::vector<double> sums(static_cast<size_t>(slices), 0.0);
  float* p = w.data();
  for (int64_t i = 0; i < n; ++i) sums[slice_of(i)] += double(p[i]) * p[i];
  std::vector<float> factors(sums.size());
  for (size_t s = 0; s < sums.size(); ++s) factors[s] = factor(static_cast<float>(std::sqrt(sums[s])));
  for (int64_t i = 0; i < n; ++i) p[i] *= factors[slice_of(i)];
}

// ---- the constraints ---------------------------------------------------------------------------------------------

MaxNorm::MaxNorm(const kw::Kwargs& k) : max_value_(k.get_or("max_value", 2.0)), axes_(k) {}

MaxNorm::MaxNorm(double max_value, IntTuple axis)
    : MaxNorm([&] {
        kw::Kwargs k;
        k.set("max_value", max_value);
        set_axis(k, std::move(axis));
        return k;
      }()) {}

void MaxNorm::apply(Tensor& w) const {
  const float max_value = static_cast<float>(max_value_);
  axes_.scale(w, [=](float norm) { return std::clamp(norm, 0.0f, max_value) / (kEpsilon + norm); });
}

kw::Kwargs MaxNorm::get_config() const {
  kw::Kwargs k;
  k.set("max_value", max_value_);
  axes_.write(k);
  return k;
}

MinMaxNorm::MinMaxNorm(const kw::Kwargs& k)
    : min_value_(k.get_or("min_value", 0.0)),
      max_value_(k.get_or("max_value", 1.0)),
      rate_(k.get_or("rate", 1.0)),
      axes_(k) {}

MinMaxNorm::MinMaxNorm(double min_value, double max_value, double rate, IntTuple axis)
    : MinMaxNorm([&] {
        kw::Kwargs k;
        k.set("min_value", min_value);
        k.set("max_value", max_value);
        k.set("rate", rate);
        set_axis(k, std::move(axis));
        return k;
      }()) {}

void MinMaxNorm::apply(Tensor& w) const {
  const float lo = static_cast<float>(min_value_), hi = static_cast<float>(max_value_);
  const float rate = static_cast<float>(rate_);
  // std::clamp needs lo <= hi; Keras's ops.clip with min > max gives max, as min(max(x, lo), hi) does.
  axes_.scale(w, [=](float norm) {
    const float desired = rate * std::min(std::max(norm, lo), hi) + (1.0f - rate) * norm;
    return desired / (kEpsilon + norm);
  });
}

kw::Kwargs MinMaxNorm::get_config() const {
  kw::Kwargs k;
  k.set("min_value", min_value_);
  k.set("max_value", max_value_);
  k.set("rate", rate_);
  axes_.write(k);
  return k;
}

NonNeg::NonNeg(const kw::Kwargs&) {}

void NonNeg::apply(Tensor& w) const {
  float* p = w.data();
  for (int64_t i = 0; i < w.size(); ++i) p[i] = p[i] < 0.0f ? 0.0f : p[i];  // NaN stays NaN, as ops.maximum
}

UnitNorm::UnitNorm(const kw::Kwargs& k) : axes_(k) {}

UnitNorm::UnitNorm(IntTuple axis)
    : UnitNorm([&] {
        kw::Kwargs k;
        set_axis(k, std::move(axis));
        return k;
      }()) {}

void UnitNorm::apply(Tensor& w) const {
  axes_.scale(w, [](float norm) { return 1.0f / (kEpsilon + norm); });
}

kw::Kwargs UnitNorm::get_config() const {
  kw::Kwargs k;
  axes_.write(k);
  return k;
}

// ---- get, names, deserialize ---------------------------------------------------------------------------------

namespace {

using Factory = std::function<std::shared_ptr<const Constraint>(const kw::Kwargs&)>;

template <class T>
Factory factory() {
  return [](const kw::Kwargs& k) { return std::make_shared<const T>(k); };
}

// Keras's ALL_OBJECTS_DICT: the class names and their snake case.
const std::map<std::string, Factory, std::less<>>& lookup() {
  static const std::map<std::string, Factory, std::less<>> m = {
      {"MaxNorm", factory<MaxNorm>()},       {"max_norm", factory<MaxNorm>()},
      {"MinMaxNorm", factory<MinMaxNorm>()}, {"min_max_norm", factory<MinMaxNorm>()},
      {"NonNeg", factory<NonNeg>()},         {"non_neg", factory<NonNeg>()},
      {"UnitNorm", factory<UnitNorm>()},     {"unit_norm", factory<UnitNorm>()},
  };
  return m;
}

}  // namespace

std::vector<std::string> names() { return {"max_norm", "min_max_norm", "non_neg", "unit_norm"}; }

std::shared_ptr<const Constraint> deserialize(const std::string& class_name, const kw::Kwargs& config) {
  const auto& m = lookup();
  auto it = m.find(class_name);
  if (it == m.end()) {
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "\"" : ", \"") + n + "\"";
    throw ValueError("Could not interpret constraint identifier: " + class_name,
                     {.expected = "a constraint name", .received = class_name,
                      .hint = "use one of the Keras constraint names (" + known +
                              "), a class name such as \"MaxNorm\", or an object such as constraints::MaxNorm(2.0)."});
  }
  return it->second(config);
}

std::shared_ptr<const Constraint> get(const ConstraintArg& arg) {
  if (arg.object) return arg.object;
  if (arg.name.empty()) return nullptr;
  return deserialize(arg.name);
}

}  // namespace keras::constraints

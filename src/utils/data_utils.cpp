#include "keras/utils/data_utils.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>

#include "core/error_hint.hpp"
#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"
#include "utils/shuffle.hpp"

namespace keras::utils {

namespace {

// Python's repr of a split size: 0.8, 800, None.
std::string size_repr(const SplitSize& s) {
  if (!s.value) return "None";
  if (s.is_count) return std::to_string(static_cast<long long>(*s.value));
  std::ostringstream os;
  os.precision(17);
  os << *s.value;
  std::string r = os.str();
  if (r.find_first_of(".eEn") == std::string::npos) r += ".0";
  return r;
}

std::vector<int64_t> order_of(int64_t n, bool shuffle, int seed) {
  if (!shuffle) {
    std::vector<int64_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), int64_t{0});
    return idx;
  }
  if (seed < 0) return random::permutation(n);
  std::mt19937_64 g = random::seeded_generator(static_cast<uint64_t>(seed));
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t{0});
  detail::shuffle_in_place(idx, g);
  return idx;
}

int64_t num_samples(const std::vector<Tensor>& arrays, const char* fn) {
  if (arrays.empty()) throw ValueError(std::string(fn) + ": the dataset is empty (no arrays were given).");
  int64_t n = -1;
  for (size_t i = 0; i < arrays.size(); ++i) {
    const Tensor& a = arrays[i];
    if (!a.defined()) throw ValueError(std::string(fn) + ": array " + std::to_string(i) + " is undefined.");
    if (a.ndim() == 0)
      throw ValueError(std::string(fn) + ": array " + std::to_string(i) +
                           " is a scalar; the samples are taken along axis 0, so each array needs at least one "
                           "dimension.",
                       hint_of("reshape it, e.g. x.reshape({-1, 1})."));
    if (n >= 0 && a.dim(0) != n) {
      std::string lens;
      for (const Tensor& b : arrays) lens += (lens.empty() ? "" : ", ") + std::to_string(b.dim(0));
      throw ValueError(std::string(fn) + ": the arrays must have the same number of samples (first dimension). "
                                         "Received lengths: [" + lens + "]",
                       hint_of("pass arrays with one row per sample, e.g. x of shape (n, ...) and y of shape (n,)."));
    }
    n = a.dim(0);
  }
  return n;
}

// Keras's _rescale_dataset_split_sizes.
std::pair<int64_t, int64_t> rescale_split_sizes(const SplitSize& left, const SplitSize& right, int64_t total) {
  const std::string hint = "give left_size as a fraction in (0, 1) such as 0.8, or as a number of samples.";
  if (!left.value && !right.value)
    throw ValueError("At least one of the `left_size` or `right_size` must be specified. Received: left_size=None "
                     "and right_size=None",
                     hint_of(hint));
  for (const auto* s : {&left, &right}) {
    if (s->value && !std::isfinite(*s->value))
      throw TypeError("Invalid `" + std::string(s == &left ? "left_size" : "right_size") +
                          "` argument: " + size_repr(*s) + ". It should be an integer or a float.",
                      hint_of(hint));
  }
  if (left.value && right.value && *left.value == 0 && *right.value == 0)
    throw ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be non-zero.",
                     hint_of(hint));
  if (left.value && ((left.is_count && (*left.value <= 0 || *left.value >= static_cast<double>(total))) ||
                     (!left.is_count && (*left.value <= 0 || *left.value >= 1))))
    throw ValueError("`left_size` should be either a positive integer smaller than " + std::to_string(total) +
                         ", or a float within the range `[0, 1]`. Received: left_size=" + size_repr(left),
                     hint_of(hint));
  if (right.value && ((right.is_count && (*right.value <= 0 || *right.value >= static_cast<double>(total))) ||
                      (!right.is_count && (*right.value <= 0 || *right.value >= 1))))
    throw ValueError("`right_size` should be either a positive integer and smaller than " + std::to_string(total) +
                         " or a float within the range `[0, 1]`. Received: right_size=" + size_repr(right),
                     hint_of(hint));
  if (left.value && right.value && !left.is_count && !right.is_count && *left.value + *right.value > 1)
    throw ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1.",
                     hint_of(hint));
  auto count = [&](const SplitSize& s) -> std::optional<int64_t> {
    if (!s.value) return std::nullopt;
    // Python's round(): halves go to the even neighbour, as nearbyint does in the default rounding mode.
    return s.is_count ? static_cast<int64_t>(*s.value)
                      : static_cast<int64_t>(std::nearbyint(*s.value * static_cast<double>(total)));
  };
  std::optional<int64_t> l = count(left), r = count(right);
  if (!l) l = total - *r;
  if (!r) r = total - *l;
  if (*l + *r > total)
    throw ValueError("The sum of `left_size` and `right_size` should be smaller than the " + std::to_string(total) +
                         ". Received: left_size + right_size = " + std::to_string(*l + *r) +
                         " and total_length = " + std::to_string(total),
                     hint_of(hint));
  for (auto [split, side] : {std::pair{*l, "left"}, std::pair{*r, "right"}})
    if (split == 0)
      throw ValueError("With `dataset` of length " + std::to_string(total) + ", `left_size`=" + std::to_string(*l) +
                           " and `right_size`=" + std::to_string(*r) + ". Resulting " + side +
                           " side dataset split will be empty. Adjust any of the aforementioned parameters",
                       hint_of(hint));
  return {*l, *r};
}

}  // namespace

Tensor to_categorical(const Tensor& y, int num_classes) {
  if (!y.defined()) throw ValueError("to_categorical: the labels tensor is undefined.");
  std::vector<int64_t> shape = y.dims();
  if (shape.size() > 1 && shape.back() == 1) shape.pop_back();
  const int64_t n = y.size();
  const float* p = y.data();
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    float v = p[i];
    if (!std::isfinite(v) || std::fabs(v) >= 9.2e18f)
      throw ValueError("to_categorical: cannot convert label " + std::to_string(v) + " to an integer class index.",
                       hint_of("labels must be integer class indices 0, 1, ..., num_classes - 1."));
    labels[static_cast<size_t>(i)] = static_cast<int64_t>(v);  // truncates toward zero, as np.array(..., "int64")
  }
  int64_t classes = num_classes;
  if (num_classes == -1 || num_classes == 0) {
    if (n == 0)
      throw ValueError("zero-size array to reduction operation maximum which has no identity",
                       hint_of("to_categorical needs at least one label to infer num_classes; pass num_classes."));
    classes = *std::max_element(labels.begin(), labels.end()) + 1;
    if (classes <= 0)
      throw ValueError("to_categorical: the largest label is " + std::to_string(classes - 1) +
                           ", so the inferred num_classes is not positive.",
                       hint_of("labels must be integer class indices 0, 1, ..., num_classes - 1."));
  } else if (num_classes < 0) {
    throw ValueError("to_categorical: num_classes must be positive (or None to infer it). Received: num_classes=" +
                         std::to_string(num_classes),
                     hint_of("pass the number of classes, e.g. num_classes=10."));
  }
  for (int64_t v : labels)
    if (v < 0 || v >= classes)
    {
      ErrorDetails d = hint_of("to_categorical needs labels 0, 1, ..., num_classes - 1; raise num_classes or fix the "
                               "labels.");
      d.expected = "labels in [0, " + std::to_string(classes) + ")";
      d.received = std::to_string(v);
      throw ValueError("index " + std::to_string(v) + " is out of bounds for axis 1 with size " +
                           std::to_string(classes),
                       d);
    }
  shape.push_back(classes);
  Tensor out = Tensor::zeros(shape);
  float* q = out.data();
  for (int64_t i = 0; i < n; ++i) q[i * classes + labels[static_cast<size_t>(i)]] = 1.0f;
  return out;
}

Tensor normalize(const Tensor& x, int axis, int order) {
  if (!x.defined()) throw ValueError("normalize: the tensor is undefined.");
  const int nd = x.ndim();
  const int a = axis < 0 ? axis + nd : axis;
  if (a < 0 || a >= nd)
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " + std::to_string(nd),
                     hint_of("normalize works along an existing axis of x; the default axis=-1 is the last one."));
  const auto& d = x.dims();
  int64_t outer = 1, len = d[static_cast<size_t>(a)], inner = 1;
  for (int k = 0; k < a; ++k) outer *= d[static_cast<size_t>(k)];
  for (int k = a + 1; k < nd; ++k) inner *= d[static_cast<size_t>(k)];
  Tensor out = Tensor::empty(d);
  const float* p = x.data();
  float* q = out.data();
  const double po = order;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * len * inner + i;
      double norm = 0.0;
      if (order == 2) {
        for (int64_t k = 0; k < len; ++k) norm += static_cast<double>(p[base + k * inner]) * p[base + k * inner];
        norm = std::sqrt(norm);
      } else if (order == 1) {
        for (int64_t k = 0; k < len; ++k) norm += std::fabs(static_cast<double>(p[base + k * inner]));
      } else if (order == 0) {
        for (int64_t k = 0; k < len; ++k) norm += p[base + k * inner] != 0.0f ? 1.0 : 0.0;
      } else {
        for (int64_t k = 0; k < len; ++k) norm += std::pow(std::fabs(static_cast<double>(p[base + k * inner])), po);
        norm = std::pow(norm, 1.0 / po);
      }
      if (norm == 0.0) norm = 1.0;  // Keras: norm[norm == 0] = 1
      for (int64_t k = 0; k < len; ++k)
        q[base + k * inner] = static_cast<float>(static_cast<double>(p[base + k * inner]) / norm);
    }
  }
  return out;
}

std::pair<std::vector<Tensor>, std::vector<Tensor>> split_dataset(const std::vector<Tensor>& dataset,
                                                                  SplitSize left_size, SplitSize right_size,
                                                                  bool shuffle, int seed) {
  const int64_t total = num_samples(dataset, "split_dataset");
  auto [l, r] = rescale_split_sizes(left_size, right_size, total);
  std::vector<int64_t> idx = order_of(total, shuffle, seed);
  std::vector<int64_t> left_idx(idx.begin(), idx.begin() + l), right_idx(idx.end() - r, idx.end());
  std::pair<std::vector<Tensor>, std::vector<Tensor>> out;
  for (const Tensor& a : dataset) {
    out.first.push_back(a.take(left_idx));
    out.second.push_back(a.take(right_idx));
  }
  return out;
}

std::pair<Tensor, Tensor> split_dataset(const Tensor& dataset, SplitSize left_size, SplitSize right_size, bool shuffle,
                                        int seed) {
  auto [l, r] = split_dataset(std::vector<Tensor>{dataset}, left_size, right_size, shuffle, seed);
  return {l[0], r[0]};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> train_test_split(const Tensor& x, const Tensor& y, SplitSize test_size,
                                                            bool shuffle, int seed) {
  const int64_t n = num_samples({x, y}, "train_test_split");
  const std::string hint = "give test_size as a fraction in (0, 1) such as 0.2, or as a number of test samples.";
  if (!test_size.value || !std::isfinite(*test_size.value))
    throw ValueError("train_test_split: test_size must be a fraction in (0, 1) or a number of samples. Received: "
                     "test_size=" + size_repr(test_size),
                     hint_of(hint));
  const double t = *test_size.value;
  int64_t n_test;
  if (test_size.is_count) {
    if (t <= 0 || t >= static_cast<double>(n))
      throw ValueError("test_size=" + size_repr(test_size) +
                           " should be either positive and smaller than the number of samples " + std::to_string(n) +
                           " or a float in the (0, 1) range",
                       hint_of(hint));
    n_test = static_cast<int64_t>(t);
  } else {
    if (t <= 0 || t >= 1)
      throw ValueError("test_size=" + size_repr(test_size) +
                           " should be either positive and smaller than the number of samples " + std::to_string(n) +
                           " or a float in the (0, 1) range",
                       hint_of(hint));
    n_test = static_cast<int64_t>(std::ceil(t * static_cast<double>(n)));
  }
  const int64_t n_train = n - n_test;
  if (n_train <= 0)
    throw ValueError("With n_samples=" + std::to_string(n) + ", test_size=" + size_repr(test_size) +
                         " and train_size=None, the resulting train set will be empty. Adjust any of the "
                         "aforementioned parameters.",
                     hint_of(hint));
  std::vector<int64_t> train_idx, test_idx;
  if (shuffle) {
    // As scikit-learn's ShuffleSplit: the first n_test of a permutation are the test set.
    std::vector<int64_t> idx = order_of(n, true, seed);
    test_idx.assign(idx.begin(), idx.begin() + n_test);
    train_idx.assign(idx.begin() + n_test, idx.end());
  } else {
    std::vector<int64_t> idx = order_of(n, false, seed);
    train_idx.assign(idx.begin(), idx.begin() + n_train);
    test_idx.assign(idx.begin() + n_train, idx.end());
  }
  return {x.take(train_idx), x.take(test_idx), y.take(train_idx), y.take(test_idx)};
}

}  // namespace keras::utils

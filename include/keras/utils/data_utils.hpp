#pragma once
// keras.utils data helpers: to_categorical, normalize, split_dataset, and a train/test split.
//
//   Tensor y = utils::to_categorical(y_train, num_classes=10);
//   Tensor x = utils::normalize(x_train, axis=-1, order=2);
//   auto [left, right] = utils::split_dataset(x, left_size=0.8);
//   auto [x_tr, x_te, y_tr, y_te] = utils::train_test_split(x, y, 0.2);
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::utils {

// A split size as Keras takes it: an integer is a number of samples, a floating-point number a fraction in (0, 1),
// None the complement of the other side.
struct SplitSize {
  std::optional<double> value;
  bool is_count = false;
  SplitSize() = default;
  SplitSize(NoneType) {}
  SplitSize(std::nullopt_t) {}
  template <std::integral I>
  SplitSize(I n) : value(static_cast<double>(n)), is_count(true) {}
  template <std::floating_point F>
  SplitSize(F f) : value(static_cast<double>(f)) {}
};

}  // namespace keras::utils

namespace keras::kw {
// Keywords of the keras.utils data functions (num_classes=, axis=, shuffle=, seed= are declared in kw.hpp).
KERAS_KEYWORD(order, int);
KERAS_KEYWORD(left_size, utils::SplitSize);
KERAS_KEYWORD(right_size, utils::SplitSize);
}  // namespace keras::kw

namespace keras::utils {

// keras.utils.to_categorical: one-hot rows for integer class labels. A trailing axis of size 1 is dropped first, so
// labels of shape (n,) or (n, 1) both give (n, num_classes). num_classes = -1 (or 0, or None) means max(y) + 1.
// Labels outside [0, num_classes) are a ValueError. The result is float32 of shape y.shape + (num_classes,).
Tensor to_categorical(const Tensor& y, int num_classes = -1);

// keras.utils.normalize: x divided by its L-`order` norm along `axis` (order 2: Euclidean, 1: sum of absolute
// values, 0: count of non-zeros, as numpy.linalg.norm). Where the norm is zero, x is left unchanged (all zeros).
Tensor normalize(const Tensor& x, int axis = -1, int order = 2);

// keras.utils.split_dataset for arrays: the first left_size samples (along axis 0) and the last right_size samples,
// after shuffling all samples when `shuffle` is true. Sizes follow Keras's rules (an int counts samples, a float is a
// fraction in (0, 1) rounded half to even, None is the complement of the other side; both empty splits and sizes
// that add up to more than the data are ValueErrors). `seed` >= 0 makes the shuffle reproducible on its own;
// a negative seed (None) draws from the global generator (reproducible after utils::set_random_seed).
// The results are copies.
std::pair<Tensor, Tensor> split_dataset(const Tensor& dataset, SplitSize left_size = None, SplitSize right_size = None,
                                        bool shuffle = false, int seed = -1);
// The same for several arrays with the same number of samples (Keras's tuple of arrays, e.g. {x, y}): every array is
// split with the same indices. Returns ({x_left, y_left}, {x_right, y_right}).
std::pair<std::vector<Tensor>, std::vector<Tensor>> split_dataset(const std::vector<Tensor>& dataset,
                                                                  SplitSize left_size = None,
                                                                  SplitSize right_size = None, bool shuffle = false,
                                                                  int seed = -1);

// A train/test split in the manner of scikit-learn's train_test_split: returns (x_train, x_test, y_train, y_test).
// test_size is a fraction in (0, 1) (the test set gets ceil(test_size * n) samples) or an integer count.
// With shuffle, the samples are permuted first (seed >= 0: reproducibly; negative: from the global generator);
// without, the test set is the last samples. The results are copies.
std::tuple<Tensor, Tensor, Tensor, Tensor> train_test_split(const Tensor& x, const Tensor& y, SplitSize test_size,
                                                            bool shuffle = true, int seed = -1);

// ---- Keyword forms: to_categorical(y, num_classes=10), normalize(x, axis=0, order=1),
// split_dataset(x, left_size=0.8, right_size=None, shuffle=true, seed=1).

namespace detail {
struct to_categorical_keywords {};
struct normalize_keywords {};
struct split_dataset_keywords {};
template <class Tag>
constexpr bool key_is(std::string_view k) {
  return std::string_view(Tag::key) == k;
}
}  // namespace detail

// The keyword owners (their names appear in the compiler's note when a keyword is not accepted).
struct to_categorical_args {
  using keywords = detail::to_categorical_keywords;
};
struct normalize_args {
  using keywords = detail::normalize_keywords;
};
struct split_dataset_args {
  using keywords = detail::split_dataset_keywords;
};

template <class... A>
  requires(sizeof...(A) > 0 && kw::all_kwargs<A...>)
Tensor to_categorical(const Tensor& y, A&&... args) {
  kw::Kwargs k = kw::collect<to_categorical_args>(std::forward<A>(args)...);
  return to_categorical(y, k.get_or<int>("num_classes", -1));
}

template <class... A>
  requires(sizeof...(A) > 0 && kw::all_kwargs<A...>)
Tensor normalize(const Tensor& x, A&&... args) {
  kw::Kwargs k = kw::collect<normalize_args>(std::forward<A>(args)...);
  return normalize(x, k.get_or<int>("axis", -1), k.get_or<int>("order", 2));
}

template <class D, class... A>
  requires(sizeof...(A) > 0 && kw::all_kwargs<A...> &&
           (std::same_as<std::remove_cvref_t<D>, Tensor> || std::same_as<std::remove_cvref_t<D>, std::vector<Tensor>>))
auto split_dataset(const D& dataset, A&&... args) {
  kw::Kwargs k = kw::collect<split_dataset_args>(std::forward<A>(args)...);
  return split_dataset(dataset, k.get_or<SplitSize>("left_size", SplitSize{}),
                       k.get_or<SplitSize>("right_size", SplitSize{}), k.get_or<bool>("shuffle", false),
                       k.get_or<int>("seed", -1));
}

}  // namespace keras::utils

namespace keras::kw {
// Which keywords each data function takes. Matched by name, so `shuffle=` works with whichever keyword object the
// training API declares for it.
template <class Tag>
struct accepts<utils::detail::to_categorical_keywords, Tag>
    : std::bool_constant<utils::detail::key_is<Tag>("num_classes")> {};
template <class Tag>
struct accepts<utils::detail::normalize_keywords, Tag>
    : std::bool_constant<utils::detail::key_is<Tag>("axis") || utils::detail::key_is<Tag>("order")> {};
template <class Tag>
struct accepts<utils::detail::split_dataset_keywords, Tag>
    : std::bool_constant<utils::detail::key_is<Tag>("left_size") || utils::detail::key_is<Tag>("right_size") ||
                         utils::detail::key_is<Tag>("shuffle") || utils::detail::key_is<Tag>("seed")> {};
}  // namespace keras::kw

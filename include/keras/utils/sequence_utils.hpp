#pragma once
// keras.utils.pad_sequences: a list of sequences of different lengths as one array, padded and truncated to maxlen.
//
//   Tensor x = utils::pad_sequences({{1}, {2, 3}, {4, 5, 6}});            // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
//   Tensor x = utils::pad_sequences(reviews, maxlen=200, padding="post");  // reviews: vector<vector<int>>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::utils {

// An integer argument that may be None (maxlen=None, start_index=None).
struct IntOrNone {
  std::optional<int64_t> value;
  IntOrNone() = default;
  IntOrNone(NoneType) {}
  template <std::integral I>
  IntOrNone(I v) : value(static_cast<int64_t>(v)) {}
};

// The sequences pad_sequences takes: numbers (a braced list, or any range of ranges of numbers such as
// std::vector<std::vector<int>>), or Tensors whose first axis is time and whose other axes (each step's features)
// agree, as Keras's lists of arrays.
struct Sequences {
  std::vector<Tensor> items;
  Sequences(std::vector<Tensor> tensors) : items(std::move(tensors)) {}
  Sequences(std::initializer_list<std::initializer_list<double>> lists) {
    for (const auto& l : lists) items.push_back(Tensor::from_range(l.begin(), l.end(), {static_cast<int64_t>(l.size())}));
  }
  template <class R>
    requires std::ranges::sized_range<R> && std::ranges::sized_range<std::ranges::range_value_t<R>> &&
             std::is_arithmetic_v<std::ranges::range_value_t<std::ranges::range_value_t<R>>>
  Sequences(const R& lists) {
    for (const auto& l : lists) {
      const auto n = static_cast<int64_t>(std::ranges::size(l));
      items.push_back(Tensor::from_range(std::ranges::begin(l), std::ranges::end(l), {n}));
    }
  }
};

// keras.utils.pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
// shape (len(sequences), maxlen) + each step's shape. maxlen=None is the longest sequence's length. "pre" pads (or
// drops) at the start, "post" at the end. The values are converted to dtype as numpy does (the default int32
// truncates fractions toward zero); the pad value too. An empty sequence gives a row of `value`.
Tensor pad_sequences(const Sequences& sequences, IntOrNone maxlen = None, const std::string& dtype = "int32",
                     const std::string& padding = "pre", const std::string& truncating = "pre", double value = 0.0);

}  // namespace keras::utils

namespace keras::kw {
// Keywords of pad_sequences and timeseries_dataset_from_array (dtype=, value=, batch_size=, shuffle=, seed= are
// declared in kw.hpp; padding= takes the mode string of the convolution layers' keyword).
KERAS_KEYWORD(maxlen, utils::IntOrNone);
KERAS_KEYWORD(truncating, std::string);
}  // namespace keras::kw

namespace keras::utils {

struct pad_sequences_args {
  using keywords = kw::keywords<kw::maxlen_t, kw::dtype_t, kw::padding_t, kw::truncating_t, kw::value_t>;
};

template <class... A>
  requires(sizeof...(A) > 0 && kw::all_kwargs<A...>)
Tensor pad_sequences(const Sequences& sequences, A&&... args) {
  kw::Kwargs k = kw::collect<pad_sequences_args>(std::forward<A>(args)...);
  const PaddingArg padding = k.get_or<PaddingArg>("padding", PaddingArg("pre"));
  return pad_sequences(sequences, k.get_or<IntOrNone>("maxlen", IntOrNone{}), k.get_or<std::string>("dtype", "int32"),
                       padding.is_mode() ? padding.mode : std::string("(numbers)"),
                       k.get_or<std::string>("truncating", "pre"), k.get_or<double>("value", 0.0));
}

}  // namespace keras::utils

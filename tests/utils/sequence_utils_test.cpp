// keras::utils::pad_sequences against Keras's docstring and test-file values (and a numpy port of its code for the
// cases neither covers), and its error messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"
#include "keras/utils/sequence_utils.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::None;
using keras::Tensor;
using keras::test_support::error_of;
using namespace keras::kw;
namespace utils = keras::utils;

using Dims = std::vector<int64_t>;
using Values = std::vector<float>;

TEST(PadSequences, KerasDocstringExamples) {
  const utils::Sequences sequence{{1}, {2, 3}, {4, 5, 6}};
  Tensor x = utils::pad_sequences(sequence);
  EXPECT_EQ(x.dims(), (Dims{3, 3}));
  EXPECT_EQ(x.to_vector(), (Values{0, 0, 1, 0, 2, 3, 4, 5, 6}));
  EXPECT_EQ(x.dtype(), "int32");
  EXPECT_EQ(utils::pad_sequences(sequence, value = -1).to_vector(), (Values{-1, -1, 1, -1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(utils::pad_sequences(sequence, padding = "post").to_vector(), (Values{1, 0, 0, 2, 3, 0, 4, 5, 6}));
  EXPECT_EQ(utils::pad_sequences(sequence, maxlen = 2).to_vector(), (Values{0, 1, 2, 3, 5, 6}));
}

TEST(PadSequences, EveryPaddingAndTruncatingCombination) {
  const utils::Sequences sequence{{1}, {2, 3}, {4, 5, 6}};
  auto padded = [&](const char* pad, const char* trunc) {
    return utils::pad_sequences(sequence, maxlen = 2, padding = pad, truncating = trunc).to_vector();
  };
  EXPECT_EQ(padded("pre", "pre"), (Values{0, 1, 2, 3, 5, 6}));
  EXPECT_EQ(padded("pre", "post"), (Values{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(padded("post", "pre"), (Values{1, 0, 2, 3, 5, 6}));
  EXPECT_EQ(padded("post", "post"), (Values{1, 0, 2, 3, 4, 5}));
  // Keras's sequence_utils_test.py.
  const utils::Sequences a{{1}, {1, 2}, {1, 2, 3}};
  EXPECT_EQ(utils::pad_sequences(a, maxlen = 2, truncating = "post").to_vector(), (Values{0, 1, 1, 2, 1, 2}));
  EXPECT_EQ(utils::pad_sequences(a, maxlen = 3, value = 1).to_vector(), (Values{1, 1, 1, 1, 1, 2, 1, 2, 3}));
  Tensor longer = utils::pad_sequences(sequence, maxlen = 4, padding = "post", value = -1);
  EXPECT_EQ(longer.dims(), (Dims{3, 4}));
  EXPECT_EQ(longer.to_vector(), (Values{1, -1, -1, -1, 2, 3, -1, -1, 4, 5, 6, -1}));
}

TEST(PadSequences, DtypeConvertsAsNumpy) {
  const utils::Sequences fractions{{0.5, 1.5}, {2.5}};
  Tensor f = utils::pad_sequences(fractions, dtype = "float32");
  EXPECT_EQ(f.to_vector(), (Values{0.5f, 1.5f, 0.0f, 2.5f}));
  EXPECT_EQ(f.dtype(), "float32");
  EXPECT_EQ(utils::pad_sequences(fractions).to_vector(), (Values{0, 1, 0, 2}));  // int32 truncates toward zero
  EXPECT_EQ(utils::pad_sequences(fractions, value = -1.7).to_vector(), (Values{0, 1, -1, 2}));
}

TEST(PadSequences, TakesContainersAndStepsWithFeatures) {
  const std::vector<std::vector<int>> reviews{{7, 8, 9, 10}, {}, {3}};
  Tensor x = utils::pad_sequences(reviews, maxlen = 3);
  EXPECT_EQ(x.to_vector(), (Values{8, 9, 10, 0, 0, 0, 0, 0, 3}));  // an empty sequence is a row of padding
  // Steps of two features: [[[1,2],[3,4]], [[5,6]]].
  const std::vector<Tensor> pairs{Tensor({1, 2, 3, 4}, {2, 2}), Tensor({5, 6}, {1, 2})};
  Tensor p = utils::pad_sequences(pairs);
  EXPECT_EQ(p.dims(), (Dims{2, 2, 2}));
  EXPECT_EQ(p.to_vector(), (Values{1, 2, 3, 4, 0, 0, 5, 6}));
  EXPECT_EQ(utils::pad_sequences(pairs, padding = "post", value = -1).to_vector(),
            (Values{1, 2, 3, 4, 5, 6, -1, -1}));
  Tensor first = utils::pad_sequences(pairs, maxlen = 1, truncating = "post");
  EXPECT_EQ(first.dims(), (Dims{2, 1, 2}));
  EXPECT_EQ(first.to_vector(), (Values{1, 2, 5, 6}));
  // All empty: width 0; no sequences with a maxlen: no rows.
  EXPECT_EQ(utils::pad_sequences(std::vector<std::vector<int>>{{}, {}}).dims(), (Dims{2, 0}));
  EXPECT_EQ(utils::pad_sequences(std::vector<std::vector<int>>{}, maxlen = 3).dims(), (Dims{0, 3}));
}

TEST(PadSequences, KerasErrorMessages) {
  const utils::Sequences sequence{{1}, {2, 3}};
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(sequence, padding = "middle"); }),
                  "Padding type \"middle\" not understood");
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(sequence, padding = "middle"); }), "\"post\"");
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(sequence, truncating = "middle"); }),
                  "Truncating type \"middle\" not understood");
  // As Keras, the modes are only checked on a sequence that has steps.
  EXPECT_EQ(utils::pad_sequences(std::vector<std::vector<int>>{{}, {}}, truncating = "bad").dims(), (Dims{2, 0}));
  const std::vector<Tensor> mixed{Tensor({1, 2}, {1, 2}), Tensor({3, 4, 5}, {1, 3})};
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(mixed); }),
                  "Shape of sample (3,) of sequence at position 1 is different from expected shape (2,)");
  const std::vector<Tensor> scalar_steps{Tensor({1, 2}, {2}), Tensor({3, 4}, {1, 2})};
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(scalar_steps); }),
                  "Shape of sample (2,) of sequence at position 1 is different from expected shape ()");
  const std::vector<Tensor> not_a_sequence{Tensor({1}, {1}), Tensor::scalar(2)};
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(not_a_sequence); }),
                  "`sequences` must be a list of iterables. Found non-iterable: 2");
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(std::vector<std::vector<int>>{}); }),
                  "zero-size array to reduction operation maximum which has no identity");
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(sequence, maxlen = 0); }),
                  "could not broadcast input array from shape (1,) into shape (0,)");
  EXPECT_CONTAINS(error_of([&] { utils::pad_sequences(sequence, maxlen = -1); }), "negative dimensions");
  // maxlen 0 with "post" truncation keeps nothing, as numpy's s[:0].
  EXPECT_EQ(utils::pad_sequences(sequence, maxlen = 0, truncating = "post").dims(), (Dims{2, 0}));
}

}  // namespace

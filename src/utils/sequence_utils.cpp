#include "keras/utils/sequence_utils.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"

namespace keras::utils {

namespace {

// numpy's s[-maxlen:] and s[:maxlen] along the time axis; -0 is 0 in Python, so "pre" with maxlen 0 keeps everything.
Tensor truncated(const Tensor& s, int64_t maxlen, const std::string& truncating, size_t position) {
  const int64_t n = s.dim(0);
  if (truncating == "pre") return maxlen == 0 ? s : s.slice(std::max<int64_t>(0, n - maxlen), n);
  if (truncating == "post") return s.slice(0, std::min(n, maxlen));
  throw ValueError("Truncating type \"" + truncating + "\" not understood",
                   {.received = "truncating=\"" + truncating + "\" (sequence at position " + std::to_string(position) +
                                ")",
                    .hint = "use truncating=\"pre\" (drop the first steps) or \"post\" (drop the last)."});
}

Shape step_shape(const Tensor& s) {
  std::vector<int64_t> dims = s.shape().as_vector();
  return Shape::of(std::vector<int64_t>(dims.begin() + 1, dims.end()));
}

}  // namespace

Tensor pad_sequences(const Sequences& sequences, IntOrNone maxlen, const std::string& dtype,
                     const std::string& padding, const std::string& truncating, double value) {
  const auto& seqs = sequences.items;
  int64_t longest = 0;
  std::optional<Shape> sample_shape;
  for (const Tensor& s : seqs) {
    if (!s.defined() || s.ndim() == 0)
      throw ValueError("`sequences` must be a list of iterables. Found non-iterable: " +
                           (s.defined() ? std::to_string(s.item()) : std::string("(an undefined Tensor)")),
                       {.received = "a scalar where a sequence belongs",
                        .hint = "give each sequence as a list of steps, e.g. {{1, 2}, {3}}."});
    longest = std::max(longest, s.dim(0));
    if (!sample_shape && s.dim(0) > 0) sample_shape = step_shape(s);
  }
  if (!maxlen.value && seqs.empty())
    throw ValueError("zero-size array to reduction operation maximum which has no identity",
                     {.received = "no sequences and maxlen=None",
                      .hint = "give at least one sequence, or maxlen= for the length of the (empty) result."});
  const int64_t len = maxlen.value.value_or(longest);
  if (len < 0)
    throw ValueError("negative dimensions are not allowed", {.received = "maxlen=" + std::to_string(len),
                                                             .hint = "maxlen is a length: 1 or more (or None)."});
  const Shape step = sample_shape.value_or(Shape{});
  std::vector<int64_t> dims{static_cast<int64_t>(seqs.size()), len};
  for (int i = 0; i < step.ndim(); ++i) dims.push_back(step[i].value());
  Tensor out = Tensor::full(dims, static_cast<float>(value));
  const int64_t row = len * step.num_elements().value_or(1);
  for (size_t idx = 0; idx < seqs.size(); ++idx) {
    if (seqs[idx].dim(0) == 0) continue;  // Keras leaves an empty sequence's row as padding, unchecked
    const Tensor trunc = truncated(seqs[idx], len, truncating, idx);
    if (step_shape(trunc) != step)
      throw ValueError("Shape of sample " + to_string(step_shape(trunc)) + " of sequence at position " +
                           std::to_string(idx) + " is different from expected shape " + to_string(step),
                       {.expected = to_string(step), .received = to_string(step_shape(trunc)),
                        .hint = "every step of every sequence needs the same shape as the first non-empty "
                                "sequence's steps."});
    if (trunc.dim(0) > len)  // only "pre" with maxlen=0 keeps more steps than fit, as numpy then refuses
      throw ValueError("could not broadcast input array from shape " + to_string(trunc.shape()) +
                           " into shape " + to_string(Shape::of(std::vector<int64_t>{0})),
                       {.received = "maxlen=0", .hint = "maxlen is the padded length: 1 or more (or None)."});
    float* dst = out.data() + static_cast<int64_t>(idx) * row;
    if (padding == "pre") dst += row - trunc.size();
    else if (padding != "post")
      throw ValueError("Padding type \"" + padding + "\" not understood",
                       {.received = "padding=\"" + padding + "\"",
                        .hint = "use padding=\"pre\" (pad before each sequence) or \"post\" (after)."});
    std::copy(trunc.data(), trunc.data() + trunc.size(), dst);
  }
  return out.astype(dtype);
}

}  // namespace keras::utils

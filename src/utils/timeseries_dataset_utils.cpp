#include "keras/utils/timeseries_dataset_utils.hpp"

#include <algorithm>

#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"
#include "utils/shuffle.hpp"

namespace keras::utils {

namespace {

std::string length_text(int64_t n) { return ", for data of length " + std::to_string(n); }

// Keras's argument checks, in Keras's order and words.
void check_arguments(int64_t n, int64_t sequence_length, int64_t sequence_stride, int64_t sampling_rate,
                     int batch_size, const IntOrNone& start_index, const IntOrNone& end_index) {
  if (start_index.value) {
    const int64_t s = *start_index.value;
    if (s < 0)
      throw ValueError("`start_index` must be 0 or greater. Received: start_index=" + std::to_string(s),
                       {.received = std::to_string(s), .hint = "start_index is the first data index windows use."});
    if (s >= n)
      throw ValueError("`start_index` must be lower than the length of the data. Received: start_index=" +
                           std::to_string(s) + length_text(n),
                       {.expected = "below " + std::to_string(n), .received = std::to_string(s),
                        .hint = "start_index is an index into the data's first axis."});
  }
  if (end_index.value) {
    const int64_t e = *end_index.value;
    if (start_index.value && *start_index.value > 0 && e <= *start_index.value)
      throw ValueError("`end_index` must be higher than `start_index`. Received: start_index=" +
                           std::to_string(*start_index.value) + ", and end_index=" + std::to_string(e) + " ",
                       {.expected = "above " + std::to_string(*start_index.value), .received = std::to_string(e),
                        .hint = "windows use the data from start_index up to end_index (exclusive)."});
    if (e >= n)
      throw ValueError("`end_index` must be lower than the length of the data. Received: end_index=" +
                           std::to_string(e) + length_text(n),
                       {.expected = "below " + std::to_string(n), .received = std::to_string(e),
                        .hint = "leave end_index=None to use the data to its end."});
    if (e <= 0)
      throw ValueError("`end_index` must be higher than 0. Received: end_index=" + std::to_string(e),
                       {.received = std::to_string(e),
                        .hint = "end_index is exclusive: the windows use data before it (None: to the end)."});
  }
  if (sampling_rate <= 0)
    throw ValueError("`sampling_rate` must be higher than 0. Received: sampling_rate=" + std::to_string(sampling_rate),
                     {.received = std::to_string(sampling_rate), .hint = "sampling_rate=1 takes every step."});
  if (sampling_rate >= n)
    throw ValueError("`sampling_rate` must be lower than the length of the data. Received: sampling_rate=" +
                         std::to_string(sampling_rate) + length_text(n),
                     {.expected = "below " + std::to_string(n), .received = std::to_string(sampling_rate),
                      .hint = "sampling_rate is the step between a window's timesteps."});
  if (sequence_stride <= 0)
    throw ValueError("`sequence_stride` must be higher than 0. Received: sequence_stride=" +
                         std::to_string(sequence_stride),
                     {.received = std::to_string(sequence_stride), .hint = "sequence_stride=1 starts a window at "
                                                                           "every step."});
  if (sequence_stride >= n)
    throw ValueError("`sequence_stride` must be lower than the length of the data. Received: sequence_stride=" +
                         std::to_string(sequence_stride) + length_text(n),
                     {.expected = "below " + std::to_string(n), .received = std::to_string(sequence_stride),
                      .hint = "sequence_stride is the step between the starts of two windows."});
  // Keras leaves these two unchecked (a window of no steps; batch_size=None serves single samples, which fit
  // cannot take); keraspp names them.
  if (sequence_length <= 0)
    throw ValueError("`sequence_length` must be higher than 0. Received: sequence_length=" +
                         std::to_string(sequence_length),
                     {.received = std::to_string(sequence_length), .hint = "sequence_length is the number of "
                                                                           "timesteps in each window."});
  if (batch_size <= 0)
    throw ValueError("`batch_size` must be higher than 0. Received: batch_size=" + std::to_string(batch_size),
                     {.received = std::to_string(batch_size), .hint = "batch_size is the number of windows in each "
                                                                      "batch (Keras's default: 128)."});
}

std::vector<int64_t> tail_dims(const Tensor& t) {
  std::vector<int64_t> d = t.shape().as_vector();
  return {d.begin() + 1, d.end()};
}

}  // namespace

TimeseriesDataset::TimeseriesDataset(Tensor data, Tensor targets, std::vector<int64_t> starts,
                                     int64_t sequence_length, int64_t sampling_rate, int64_t batch_size, bool shuffle,
                                     std::mt19937_64 generator)
    : data_(std::move(data)),
      targets_(std::move(targets)),
      starts_(std::move(starts)),
      sequence_length_(sequence_length),
      sampling_rate_(sampling_rate),
      batch_size_(batch_size),
      shuffle_(shuffle),
      generator_(generator) {
  if (shuffle_) detail::shuffle_in_place(starts_, generator_);
}

int64_t TimeseriesDataset::size() const { return (num_windows() + batch_size_ - 1) / batch_size_; }

Batch TimeseriesDataset::get(int64_t index) {
  if (index < 0 || index >= size())
    throw ValueError("Batch index " + std::to_string(index) + " is out of range for a timeseries dataset of " +
                         std::to_string(size()) + " batches.",
                     {.expected = "0 to " + std::to_string(size() - 1), .received = std::to_string(index),
                      .hint = "size() is the number of batches."});
  const int64_t begin = index * batch_size_, end = std::min(num_windows(), begin + batch_size_);
  std::vector<int64_t> steps;
  steps.reserve(static_cast<size_t>((end - begin) * sequence_length_));
  for (int64_t w = begin; w < end; ++w)
    for (int64_t k = 0; k < sequence_length_; ++k)
      steps.push_back(starts_[static_cast<size_t>(w)] + k * sampling_rate_);
  std::vector<int64_t> x_dims{end - begin, sequence_length_};
  for (int64_t d : tail_dims(data_)) x_dims.push_back(d);
  Batch batch;
  batch.x = Data(data_.take(steps).reshape(x_dims).set_dtype(data_.dtype()));
  if (targets_.defined()) {
    const std::vector<int64_t> first(starts_.begin() + begin, starts_.begin() + end);
    batch.y = Data(targets_.take(first).set_dtype(targets_.dtype()));
  }
  return batch;
}

void TimeseriesDataset::on_epoch_end() {
  if (shuffle_) detail::shuffle_in_place(starts_, generator_);
}

TimeseriesDataset timeseries_dataset_from_array(const Tensor& data, const Targets& targets, int64_t sequence_length,
                                                int64_t sequence_stride, int64_t sampling_rate, int batch_size,
                                                bool shuffle, int seed, IntOrNone start_index, IntOrNone end_index) {
  if (!data.defined() || data.ndim() == 0)
    throw ValueError("timeseries_dataset_from_array needs data with a time axis first; received " +
                         std::string(data.defined() ? "a scalar" : "an undefined Tensor") + ".",
                     {.expected = "(timesteps, ...)", .received = data.defined() ? to_string(data.shape()) : "None",
                      .hint = "pass the series as an array whose first axis is time."});
  const int64_t n = data.dim(0);
  check_arguments(n, sequence_length, sequence_stride, sampling_rate, batch_size, start_index, end_index);
  const int64_t start = start_index.value.value_or(0), end = end_index.value.value_or(n);
  const int64_t span = (sequence_length - 1) * sampling_rate + 1;
  int64_t windows = end - start - span + 1;
  const Tensor& y = targets.values;
  if (y.defined()) {
    if (y.ndim() == 0)
      throw ValueError("`targets` must be an array with one entry per timestep; received a scalar.",
                       {.expected = "(" + std::to_string(n) + ", ...)", .received = "()",
                        .hint = "pass None for windows without targets."});
    windows = std::min(windows, y.dim(0));
    const int64_t last_start = windows > 0 ? start + (windows - 1) / sequence_stride * sequence_stride : 0;
    if (windows > 0 && last_start >= y.dim(0))
      throw ValueError("`targets` has " + std::to_string(y.dim(0)) + " entries, too few for the windows that start "
                       "at data index " + std::to_string(y.dim(0)) + " or later (up to " +
                       std::to_string(last_start) + "): each window's target is targets[its first index].",
                       {.expected = "at least " + std::to_string(last_start + 1) + " targets",
                        .received = std::to_string(y.dim(0)) + " targets",
                        .hint = "give targets as long as the data (targets[i] goes with the window starting at i)."});
  }
  if (windows <= 0)
    throw ValueError("The data from index " + std::to_string(start) + " to " + std::to_string(end) + " (" +
                         std::to_string(end - start) + " steps) is shorter than one window: sequence_length=" +
                         std::to_string(sequence_length) + " with sampling_rate=" + std::to_string(sampling_rate) +
                         " spans " + std::to_string(span) + " steps.",
                     {.expected = "at least " + std::to_string(span) + " steps",
                      .received = std::to_string(end - start) + " steps",
                      .hint = "use a shorter sequence_length or sampling_rate, or more data."});
  std::vector<int64_t> starts;
  for (int64_t p = 0; p < windows; p += sequence_stride) starts.push_back(start + p);
  std::mt19937_64 generator =
      seed >= 0 ? random::seeded_generator(static_cast<uint64_t>(seed)) : std::mt19937_64(random::generator()());
  return TimeseriesDataset(data, y, std::move(starts), sequence_length, sampling_rate, batch_size, shuffle, generator);
}

}  // namespace keras::utils

#pragma once
// keras.utils.timeseries_dataset_from_array: sliding windows over a time series, served in batches to fit(),
// evaluate() and predict().
//
//   auto train = utils::timeseries_dataset_from_array(x, y, 120, sampling_rate=6, batch_size=256, end_index=n_train);
//   model.fit(train, epochs=10, validation_data=val);
#include <cstdint>
#include <random>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"
#include "keras/utils/dataset.hpp"
#include "keras/utils/sequence_utils.hpp"

namespace keras::utils {

// targets= of timeseries_dataset_from_array: an array, or None for windows without targets.
struct Targets {
  Tensor values;
  Targets(NoneType) {}
  Targets(Tensor t) : values(std::move(t)) {}
};

// The windows of one time series, as Keras's tf.data dataset of them: batch i holds the windows that start at the
// i-th batch_size start positions; x has shape (batch, sequence_length) + data.shape[1:] and data's dtype, y the
// targets at each window's first step (Keras's alignment: pass targets shifted by the horizon to predict ahead).
// It orders itself: shuffle=true permutes the windows once at construction and again after every epoch, as tf.data's
// reshuffling does (fit does not reorder its batches).
class TimeseriesDataset : public Dataset {
 public:
  TimeseriesDataset(Tensor data, Tensor targets, std::vector<int64_t> starts, int64_t sequence_length,
                    int64_t sampling_rate, int64_t batch_size, bool shuffle, std::mt19937_64 generator);
  int64_t size() const override;
  Batch get(int64_t index) override;
  void on_epoch_end() override;
  bool orders_itself() const override { return true; }
  // The number of windows (samples), over all batches.
  int64_t num_windows() const { return static_cast<int64_t>(starts_.size()); }
  // The data index each window starts at, in the order the batches serve them.
  const std::vector<int64_t>& window_starts() const { return starts_; }

 private:
  Tensor data_, targets_;
  std::vector<int64_t> starts_;
  int64_t sequence_length_, sampling_rate_, batch_size_;
  bool shuffle_;
  std::mt19937_64 generator_;
};

// keras.utils.timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
// batch_size=128, shuffle=false, seed=None, start_index=None, end_index=None). Windows start every sequence_stride
// steps from start_index, take every sampling_rate-th step, and end before end_index (exclusive); with targets, no
// more windows than targets. Keras's ValueErrors for each argument; a series shorter than one window, or targets
// too short for a window's start, is a ValueError here too (Keras would give an empty dataset or fail mid-epoch).
// seed >= 0 shuffles reproducibly; a negative seed (None) draws from the global generator.
TimeseriesDataset timeseries_dataset_from_array(const Tensor& data, const Targets& targets, int64_t sequence_length,
                                                int64_t sequence_stride = 1, int64_t sampling_rate = 1,
                                                int batch_size = 128, bool shuffle = false, int seed = -1,
                                                IntOrNone start_index = None, IntOrNone end_index = None);

}  // namespace keras::utils

namespace keras::kw {
KERAS_KEYWORD(sequence_stride, int64_t);
KERAS_KEYWORD(sampling_rate, int64_t);
KERAS_KEYWORD(start_index, utils::IntOrNone);
KERAS_KEYWORD(end_index, utils::IntOrNone);
}  // namespace keras::kw

namespace keras::utils {

struct timeseries_dataset_from_array_args {
  using keywords = kw::keywords<kw::sequence_stride_t, kw::sampling_rate_t, kw::batch_size_t, kw::shuffle_t,
                                kw::seed_t, kw::start_index_t, kw::end_index_t>;
};

template <class... A>
  requires(sizeof...(A) > 0 && kw::all_kwargs<A...>)
TimeseriesDataset timeseries_dataset_from_array(const Tensor& data, const Targets& targets, int64_t sequence_length,
                                                A&&... args) {
  kw::Kwargs k = kw::collect<timeseries_dataset_from_array_args>(std::forward<A>(args)...);
  return timeseries_dataset_from_array(
      data, targets, sequence_length, k.get_or<int64_t>("sequence_stride", 1), k.get_or<int64_t>("sampling_rate", 1),
      k.get_or<int>("batch_size", 128), k.get_or<bool>("shuffle", false), k.get_or<int>("seed", -1),
      k.get_or<IntOrNone>("start_index", IntOrNone{}), k.get_or<IntOrNone>("end_index", IntOrNone{}));
}

}  // namespace keras::utils

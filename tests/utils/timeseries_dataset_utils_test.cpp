// keras::utils::timeseries_dataset_from_array: Keras's docstring and test-file cases, windows and targets computed
// by a numpy port of Keras's code, its argument errors, and training an LSTM on one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::None;
using keras::Tensor;
using keras::test_support::error_of;
using namespace keras::kw;
namespace utils = keras::utils;

using Dims = std::vector<int64_t>;
using Values = std::vector<float>;

Tensor steps_times(int64_t n, float scale) {
  Tensor t = Tensor::arange(n);
  return t * scale;
}

TEST(TimeseriesDataset, StrideWindowsAndTargets) {
  auto ds = utils::timeseries_dataset_from_array(Tensor::arange(10), steps_times(10, 10), 3, sequence_stride = 2,
                                                 batch_size = 2);
  ASSERT_EQ(ds.size(), 2);
  EXPECT_EQ(ds.get(0).x[0].to_vector(), (Values{0, 1, 2, 2, 3, 4}));
  EXPECT_EQ(ds.get(0).x[0].dims(), (Dims{2, 3}));
  EXPECT_EQ(ds.get(0).y[0].to_vector(), (Values{0, 20}));
  EXPECT_EQ(ds.get(1).x[0].to_vector(), (Values{4, 5, 6, 6, 7, 8}));
  EXPECT_EQ(ds.get(1).y[0].to_vector(), (Values{40, 60}));
}

TEST(TimeseriesDataset, SamplingRateKeepsThePartialLastBatch) {
  auto ds = utils::timeseries_dataset_from_array(Tensor::arange(10), steps_times(10, 10), 3, sampling_rate = 2,
                                                 sequence_stride = 2, batch_size = 2);
  ASSERT_EQ(ds.size(), 2);
  EXPECT_EQ(ds.get(0).x[0].to_vector(), (Values{0, 2, 4, 2, 4, 6}));
  EXPECT_EQ(ds.get(1).x[0].to_vector(), (Values{4, 6, 8}));
  EXPECT_EQ(ds.get(1).x[0].dims(), (Dims{1, 3}));
  EXPECT_EQ(ds.get(1).y[0].to_vector(), (Values{40}));
  auto every = utils::timeseries_dataset_from_array(Tensor::arange(10), steps_times(10, 10), 3, sampling_rate = 2,
                                                    batch_size = 2);
  ASSERT_EQ(every.size(), 3);
  EXPECT_EQ(every.get(2).x[0].to_vector(), (Values{4, 6, 8, 5, 7, 9}));
  EXPECT_EQ(every.get(2).y[0].to_vector(), (Values{40, 50}));
}

TEST(TimeseriesDataset, StartAndEndIndex) {
  auto ds = utils::timeseries_dataset_from_array(Tensor::arange(10), steps_times(10, 10), 3, sequence_stride = 2,
                                                 batch_size = 2, start_index = 2, end_index = 9);
  ASSERT_EQ(ds.size(), 2);
  EXPECT_EQ(ds.get(0).x[0].to_vector(), (Values{2, 3, 4, 4, 5, 6}));
  EXPECT_EQ(ds.get(0).y[0].to_vector(), (Values{20, 40}));
  EXPECT_EQ(ds.get(1).x[0].to_vector(), (Values{6, 7, 8}));
  EXPECT_EQ(ds.get(1).y[0].to_vector(), (Values{60}));
  EXPECT_EQ(ds.window_starts(), (Dims{2, 4, 6}));
}

TEST(TimeseriesDataset, WithoutTargetsAndWithFeatures) {
  auto ds = utils::timeseries_dataset_from_array(Tensor::arange(10), None, 3);
  ASSERT_EQ(ds.size(), 1);  // batch_size 128
  EXPECT_EQ(ds.num_windows(), 8);
  EXPECT_TRUE(ds.get(0).y.empty());
  EXPECT_EQ(ds.get(0).x[0].dims(), (Dims{8, 3}));
  EXPECT_EQ(ds.get(0).x[0].to_vector()[21], 7.0f);  // the last window is [7, 8, 9]
  // Two features per step, and the data's dtype kept: arange(12).reshape(6, 2).
  Tensor data = Tensor::arange(12).reshape({6, 2}).astype("int64");
  auto pairs = utils::timeseries_dataset_from_array(data, None, 2, sequence_stride = 2, batch_size = 2);
  ASSERT_EQ(pairs.size(), 2);
  EXPECT_EQ(pairs.get(0).x[0].dims(), (Dims{2, 2, 2}));
  EXPECT_EQ(pairs.get(0).x[0].to_vector(), (Values{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(pairs.get(1).x[0].to_vector(), (Values{8, 9, 10, 11}));
  EXPECT_EQ(pairs.get(1).x[0].dtype(), "int64");
  // Short targets cap the windows, as Keras's min(num_seqs, len(targets)).
  auto capped = utils::timeseries_dataset_from_array(Tensor::arange(10), steps_times(5, 10), 3, batch_size = 4);
  EXPECT_EQ(capped.num_windows(), 5);
  EXPECT_EQ(capped.get(1).y[0].to_vector(), (Values{40}));
}

TEST(TimeseriesDataset, KerasDocstringAndTestFileCases) {
  // Docstring example 1: 99 steps, sequence_length=10, sampling_rate=2, sequence_stride=3.
  auto ds = utils::timeseries_dataset_from_array(Tensor::arange(99), None, 10, sampling_rate = 2,
                                                 sequence_stride = 3);
  EXPECT_EQ(ds.num_windows(), 27);
  const Tensor x = ds.get(0).x[0];
  EXPECT_EQ(x[0].to_vector(), (Values{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}));
  EXPECT_EQ(x[1].to_vector(), (Values{3, 5, 7, 9, 11, 13, 15, 17, 19, 21}));
  EXPECT_EQ(x[26].to_vector(), (Values{78, 80, 82, 84, 86, 88, 90, 92, 94, 96}));
  // Docstring example 2: targets shifted by the horizon predict ahead.
  Tensor series = steps_times(30, 1.5f);
  auto ahead = utils::timeseries_dataset_from_array(series.slice(0, 20), series.slice(10, 30), 10);
  EXPECT_EQ(ahead.num_windows(), 11);
  EXPECT_EQ(ahead.get(0).x[0][0].to_vector(), series.slice(0, 10).to_vector());
  EXPECT_EQ(ahead.get(0).y[0].to_vector()[0], series.to_vector()[10]);
  // timeseries_dataset_utils_test.py: batch counts and the last batch's size.
  auto basics = utils::timeseries_dataset_from_array(Tensor::arange(100), steps_times(100, 1), 9, batch_size = 5);
  EXPECT_EQ(basics.size(), 19);
  EXPECT_EQ(basics.get(18).x[0].dim(0), 2);
  auto rate = utils::timeseries_dataset_from_array(Tensor::arange(100), steps_times(100, 1), 9, sampling_rate = 2,
                                                   batch_size = 5);
  EXPECT_EQ(rate.size(), 17);
  EXPECT_EQ(rate.get(16).x[0].dim(0), 4);
  auto stride = utils::timeseries_dataset_from_array(Tensor::arange(100), steps_times(100, 1), 9,
                                                     sequence_stride = 3, batch_size = 5);
  EXPECT_EQ(stride.size(), 7);
  EXPECT_EQ(stride.get(6).x[0].dim(0), 1);
  auto no_targets = utils::timeseries_dataset_from_array(Tensor::arange(50), None, 10, batch_size = 5);
  EXPECT_EQ(no_targets.size(), 9);
  EXPECT_EQ(no_targets.get(8).x[0].dims(), (Dims{1, 10}));
}

TEST(TimeseriesDataset, ShuffleIsSeededAndReshufflesEachEpoch) {
  auto make = [](int seed_value) {
    return utils::timeseries_dataset_from_array(Tensor::arange(100), steps_times(100, 1), 5, shuffle = true,
                                                seed = seed_value, batch_size = 8);
  };
  auto a = make(123), b = make(123), c = make(7);
  EXPECT_EQ(a.window_starts(), b.window_starts());
  EXPECT_NE(a.window_starts(), c.window_starts());
  std::vector<int64_t> sorted = a.window_starts();
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> all(96);
  for (int64_t i = 0; i < 96; ++i) all[static_cast<size_t>(i)] = i;
  EXPECT_EQ(sorted, all);  // every window once
  // The target still goes with its window.
  const auto batch = a.get(0);
  for (int64_t i = 0; i < 8; ++i) EXPECT_EQ(batch.x[0][i].to_vector()[0], batch.y[0].to_vector()[static_cast<size_t>(i)]);
  const auto first_epoch = a.window_starts();
  a.on_epoch_end();
  EXPECT_NE(a.window_starts(), first_epoch);
  EXPECT_TRUE(a.orders_itself());
}

TEST(TimeseriesDataset, KerasArgumentErrors) {
  const Tensor data = Tensor::arange(10);
  auto make = [&](auto... kwargs) { utils::timeseries_dataset_from_array(data, data, 3, kwargs...); };
  EXPECT_CONTAINS(error_of([&] { make(start_index = -1); }),
                  "`start_index` must be 0 or greater. Received: start_index=-1");
  EXPECT_CONTAINS(error_of([&] { make(start_index = 10); }),
                  "`start_index` must be lower than the length of the data. Received: start_index=10, for data of "
                  "length 10");
  EXPECT_CONTAINS(error_of([&] { make(start_index = 5, end_index = 5); }),
                  "`end_index` must be higher than `start_index`. Received: start_index=5, and end_index=5 ");
  EXPECT_CONTAINS(error_of([&] { make(end_index = 10); }),
                  "`end_index` must be lower than the length of the data. Received: end_index=10, for data of length "
                  "10");
  EXPECT_CONTAINS(error_of([&] { make(end_index = -1); }), "`end_index` must be higher than 0. Received: end_index=-1");
  EXPECT_CONTAINS(error_of([&] { make(end_index = 0); }), "`end_index` must be higher than 0. Received: end_index=0");
  EXPECT_CONTAINS(error_of([&] { make(sampling_rate = 0); }),
                  "`sampling_rate` must be higher than 0. Received: sampling_rate=0");
  EXPECT_CONTAINS(error_of([&] { make(sampling_rate = 10); }),
                  "`sampling_rate` must be lower than the length of the data. Received: sampling_rate=10, for data "
                  "of length 10");
  EXPECT_CONTAINS(error_of([&] { make(sequence_stride = 0); }),
                  "`sequence_stride` must be higher than 0. Received: sequence_stride=0");
  EXPECT_CONTAINS(error_of([&] { make(sequence_stride = 12); }),
                  "`sequence_stride` must be lower than the length of the data. Received: sequence_stride=12, for "
                  "data of length 10");
  EXPECT_CONTAINS(error_of([&] { make(batch_size = 0); }), "`batch_size` must be higher than 0");
  EXPECT_CONTAINS(error_of([&] { utils::timeseries_dataset_from_array(data, data, 0); }),
                  "`sequence_length` must be higher than 0. Received: sequence_length=0");
  const std::string short_data = error_of([&] { utils::timeseries_dataset_from_array(data, data, 20); });
  EXPECT_CONTAINS(short_data, "shorter than one window: sequence_length=20 with sampling_rate=1 spans 20 steps");
  EXPECT_CONTAINS(short_data, "Hint:");
  EXPECT_CONTAINS(error_of([&] {
                    utils::timeseries_dataset_from_array(data, steps_times(3, 1), 3, start_index = 4);
                  }),
                  "`targets` has 3 entries, too few for the windows that start at data index 3 or later");
  EXPECT_CONTAINS(error_of([&] { utils::timeseries_dataset_from_array(Tensor::scalar(1), None, 1); }),
                  "needs data with a time axis first");
}

// The weather-forecasting workflow of Keras's examples in miniature: windows of a noisy sine wave predict the value
// a few steps ahead; an LSTM trained on the training windows beats predicting the last seen value on held-out ones.
TEST(TimeseriesDataset, TrainsAnLstmToForecast) {
  using namespace keras;
  utils::set_random_seed(2);
  const int64_t n = 600, window = 12, ahead = 3;
  Tensor series = Tensor::empty({n, 1});
  for (int64_t i = 0; i < n; ++i) series.data()[i] = std::sin(0.3f * static_cast<float>(i));
  Tensor x = series.slice(0, n - ahead), y = series.slice(window - 1 + ahead, n);
  auto train = utils::timeseries_dataset_from_array(x, y, window, batch_size = 32, end_index = 400, shuffle = true,
                                                    seed = 1);
  auto val = utils::timeseries_dataset_from_array(x, y, window, batch_size = 64, start_index = 400);
  Sequential model({layers::Input({window, 1}), layers::LSTM(16), layers::Dense(1)});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.01), loss = "mse");
  History h = model.fit(train, epochs = 15, validation_data = val, verbose = 0);
  const double val_mse = h.history.at("val_loss").back();
  // Repeating the last input step: the error of a model that learned nothing about the wave's phase.
  double naive = 0;
  int64_t count = 0;
  for (int64_t b = 0; b < val.size(); ++b) {
    const auto batch = val.get(b);
    for (int64_t i = 0; i < batch.x[0].dim(0); ++i, ++count)
      naive += std::pow(batch.x[0][i].to_vector().back() - batch.y[0].to_vector()[static_cast<size_t>(i)], 2);
  }
  naive /= static_cast<double>(count);
  EXPECT_LT(val_mse, 0.01 * naive);
  const Tensor forecast = model.predict(val, verbose = 0);
  EXPECT_EQ(forecast.dims(), (Dims{val.num_windows(), 1}));
  EXPECT_NEAR(model.evaluate(val, verbose = 0)[0], val_mse, 1e-6);
}

}  // namespace

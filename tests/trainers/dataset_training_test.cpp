// fit / evaluate / predict on a utils::Dataset (Keras's PyDataset): the same numbers as on the arrays it serves,
// validation_data=dataset, validation_steps, and Keras's refusals of arguments a dataset carries itself.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
namespace dataset_training {

// Serves rows of (x, y) in batches of uneven sizes (the last one short), recording what it was asked for.
struct ArrayBatches : utils::Dataset {
  Tensor x, y;
  int64_t batch;
  bool own_order = false;
  std::vector<int64_t> reads;
  int epochs_ended = 0;
  ArrayBatches(Tensor x_, Tensor y_, int64_t batch_) : x(std::move(x_)), y(std::move(y_)), batch(batch_) {}
  int64_t size() const override { return (x.dim(0) + batch - 1) / batch; }
  utils::Batch get(int64_t i) override {
    reads.push_back(i);
    const int64_t end = std::min(x.dim(0), (i + 1) * batch);
    return {x.slice(i * batch, end), y.slice(i * batch, end), {}};
  }
  void on_epoch_end() override { ++epochs_ended; }
  bool orders_itself() const override { return own_order; }
};

Sequential classifier() {
  utils::set_random_seed(3);
  Sequential model({layers::Dense(8, activation = "relu", input_shape = {4}), layers::Dense(3, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  return model;
}

std::pair<Tensor, Tensor> labelled(int64_t n) {
  Tensor x = random::normal({n, 4});
  Tensor y = Tensor::empty({n});
  for (int64_t i = 0; i < n; ++i) y.data()[i] = static_cast<float>(i % 3);
  return {x, y};
}

}  // namespace dataset_training
}  // namespace

using dataset_training::ArrayBatches;

TEST(DatasetTraining, EvaluateMatchesTheArraysItServes) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(50);
  ArrayBatches data(x, y, 16);  // 16, 16, 16, 2 rows
  const auto on_arrays = model.evaluate(x, y, batch_size = 16, verbose = 0);
  const auto on_dataset = model.evaluate(data, verbose = 0);
  ASSERT_EQ(on_dataset.size(), 2u);
  EXPECT_NEAR(on_dataset[0], on_arrays[0], 1e-6);
  EXPECT_NEAR(on_dataset[1], on_arrays[1], 1e-7);
  EXPECT_EQ(data.reads, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(data.epochs_ended, 1);  // as Keras's epoch iterator tells the PyDataset
  const auto by_name = model.evaluate_dict(data, kw::collect<Model::evaluate_args>(verbose = 0));
  EXPECT_NEAR(by_name.at("loss"), on_arrays[0], 1e-6);
  EXPECT_NEAR(by_name.at("accuracy"), on_arrays[1], 1e-7);
}

TEST(DatasetTraining, EvaluateStepsReadsOnlyThoseBatches) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(50);
  ArrayBatches data(x, y, 16);
  const auto first_two = model.evaluate(data, steps = 2, verbose = 0);
  const auto on_arrays = model.evaluate(x.slice(0, 32), y.slice(0, 32), batch_size = 16, verbose = 0);
  EXPECT_NEAR(first_two[0], on_arrays[0], 1e-6);
  EXPECT_EQ(data.reads, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(data.epochs_ended, 1);  // Keras's epoch iterator ends every pass with on_epoch_end
}

TEST(DatasetTraining, PredictStacksTheBatchesInOrder) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(50);
  ArrayBatches data(x, y, 16);
  const Tensor on_arrays = model.predict(x, verbose = 0);
  const Tensor on_dataset = model.predict(data, verbose = 0);
  ASSERT_EQ(on_dataset.shape(), on_arrays.shape());
  for (int64_t i = 0; i < on_arrays.size(); ++i) EXPECT_FLOAT_EQ(on_dataset.data()[i], on_arrays.data()[i]) << i;
  const Tensor two_batches = model.predict(data, steps = 2, verbose = 0);
  EXPECT_EQ(two_batches.shape(), Shape({32, 3}));
}

TEST(DatasetTraining, PredictGivesEveryOutputOfATwoOutputModel) {
  utils::set_random_seed(4);
  auto in = Input({4});
  Model model(in, {layers::Dense(2)(in), layers::Dense(1)(in)});
  auto [x, y] = dataset_training::labelled(20);
  ArrayBatches data(x, y, 8);
  const Prediction p = model.predict(data, verbose = 0);
  ASSERT_EQ(p.num_outputs(), 2u);
  EXPECT_EQ(p.outputs()[0].shape(), Shape({20, 2}));
  EXPECT_EQ(p.outputs()[1].shape(), Shape({20, 1}));
  const Prediction ref = model.predict(x, verbose = 0);
  EXPECT_EQ(p.outputs()[1].to_vector(), ref.outputs()[1].to_vector());
}

TEST(DatasetTraining, PredictNamesBatchesThatCannotBeStacked) {
  struct Ragged : utils::Dataset {
    int64_t size() const override { return 2; }
    utils::Batch get(int64_t i) override { return {Tensor::ones({2, 3 + i, 2}), Tensor(), {}}; }
  } ragged;
  Sequential model({layers::Input({None, 2}), layers::Dense(1)});
  test_support::expect_error_says([&] { model.predict(ragged, verbose = 0); },
                                   {"cannot stack the dataset's batch outputs", "(2, 4, 1)", "(2, 3, 1)",
                                    "pad sequences to one length"});
}

TEST(DatasetTraining, ValidationDataDatasetIsEvaluatedAfterEachEpoch) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(48);
  auto [vx, vy] = dataset_training::labelled(20);
  ArrayBatches val(vx, vy, 8);
  History h = model.fit(x, y, epochs = 2, batch_size = 16, validation_data = val, verbose = 0);
  ASSERT_EQ(h.history.at("val_loss").size(), 2u);
  const auto after = model.evaluate(vx, vy, verbose = 0);
  EXPECT_NEAR(h.history.at("val_loss").back(), after[0], 1e-6);
  EXPECT_NEAR(h.history.at("val_accuracy").back(), after[1], 1e-7);
  EXPECT_EQ(val.epochs_ended, 2);  // each validation reads it whole
}

TEST(DatasetTraining, FitOnDatasetValidatesOnDatasetWithValidationStepsAndFreq) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(48);
  auto [vx, vy] = dataset_training::labelled(24);
  ArrayBatches train(x, y, 16), val(vx, vy, 8);
  History h = model.fit(train, epochs = 4, validation_data = val, validation_steps = 2, validation_freq = 2,
                        verbose = 0);
  EXPECT_EQ(val.reads, (std::vector<int64_t>{0, 1, 0, 1}));  // epochs 2 and 4, two batches each
  EXPECT_EQ(val.epochs_ended, 2);                            // after each validation, short as it is
  ASSERT_EQ(h.history.at("val_loss").size(), 2u);
  const auto after = model.evaluate(vx.slice(0, 16), vy.slice(0, 16), verbose = 0);
  EXPECT_NEAR(h.history.at("val_loss").back(), after[0], 1e-6);
  EXPECT_EQ(train.epochs_ended, 4);
}

TEST(DatasetTraining, ValidationStepsCapsArrayValidation) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(48);
  auto [vx, vy] = dataset_training::labelled(30);
  History h = model.fit(x, y, epochs = 1, validation_data = ValidationData(vx, vy), validation_batch_size = 10,
                        validation_steps = 2, verbose = 0);
  const auto first_two = model.evaluate(vx.slice(0, 20), vy.slice(0, 20), verbose = 0);
  EXPECT_NEAR(h.history.at("val_loss")[0], first_two[0], 1e-6);
  History split = model.fit(x, y, epochs = 1, validation_split = 0.25, validation_steps = 1, batch_size = 4,
                            shuffle = false, verbose = 0);
  const auto first_batch = model.evaluate(x.slice(36, 40), y.slice(36, 40), verbose = 0);
  EXPECT_NEAR(split.history.at("val_loss")[0], first_batch[0], 1e-6);
}

TEST(DatasetTraining, AnEmptyDatasetIsNamed) {
  struct Empty : utils::Dataset {
    int64_t size() const override { return 0; }
    utils::Batch get(int64_t) override { return {}; }
  } empty;
  auto model = dataset_training::classifier();
  for (const auto& call : std::vector<std::function<void()>>{[&] { model.fit(empty, verbose = 0); },
                                                             [&] { model.evaluate(empty, verbose = 0); },
                                                             [&] { model.predict(empty, verbose = 0); }})
    test_support::expect_error_says(call, {"The dataset is empty: size() returned 0.", "Hint: size() must return"});
}

TEST(DatasetTraining, ValidationBatchSizeMustBePositive) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(16);
  test_support::expect_error_says(
      [&] { model.fit(x, y, validation_split = 0.25, validation_batch_size = 0, verbose = 0); },
      {"Invalid value for argument `validation_batch_size`: 0. Expected a positive integer."});
}

TEST(DatasetTraining, ShuffleReordersBatchesUnlessTheDatasetOrdersItself) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(160);
  ArrayBatches shuffled(x, y, 16), ordered(x, y, 16);
  ordered.own_order = true;
  utils::set_random_seed(11);
  model.fit(shuffled, epochs = 1, verbose = 0);
  model.fit(ordered, epochs = 1, verbose = 0);
  const std::vector<int64_t> in_order{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_NE(shuffled.reads, in_order);
  EXPECT_EQ(ordered.reads, in_order);
}

TEST(DatasetTraining, ClassWeightWeighsEachBatch) {
  Sequential model({layers::Dense(1, input_shape = {1}, kernel_initializer = "zeros")});
  model.compile(optimizer = "sgd", loss = "mse");
  ArrayBatches data(Tensor::zeros({4, 1}), Tensor({0, 0, 1, 1}, {4, 1}), 2);
  History h = model.fit(data, class_weight = {{0, 1.0}, {1, 0.0}}, shuffle = false, verbose = 0);
  EXPECT_NEAR(h.history.at("loss")[0], 0.0, 1e-7);
  struct Weighted : ArrayBatches {
    using ArrayBatches::ArrayBatches;
    utils::Batch get(int64_t i) override {
      utils::Batch b = ArrayBatches::get(i);
      b.sample_weight = Tensor::ones({b.x[0].dim(0)});
      return b;
    }
  } weighted(Tensor::zeros({4, 1}), Tensor({0, 0, 1, 1}, {4, 1}), 2);
  test_support::expect_error_says(
      [&] { model.fit(weighted, class_weight = {{0, 1.0}, {1, 0.0}}, verbose = 0); },
      {"You cannot `class_weight` and `sample_weight` at the same time."});
}

TEST(DatasetTraining, RefusesWhatTheDatasetCarriesItself) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(16);
  ArrayBatches data(x, y, 8);
  test_support::expect_error_says(
      [&] { model.fit(data, sample_weight = Tensor::ones({16}), verbose = 0); },
      {"When providing `x` as a PyDataset, `sample_weights` should not be passed. Instead, the sample weights should "
       "be included as part of the PyDataset.",
       "Batch{x, y, sample_weight}"});
  test_support::expect_error_says(
      [&] { model.evaluate(data, sample_weight = Tensor::ones({16}), verbose = 0); },
      {"`sample_weights` should not be passed"});
  test_support::expect_error_says([&] { model.fit(data, validation_split = 0.2, verbose = 0); },
                                   {"`validation_split` is only supported for Tensors or NumPy arrays.",
                                    "validation_data=another_dataset"});
  EXPECT_TRUE(data.reads.empty());  // refused before reading a batch
}

TEST(DatasetTraining, EvaluateReturnDictPointsToEvaluateDict) {
  auto model = dataset_training::classifier();
  auto [x, y] = dataset_training::labelled(8);
  ArrayBatches data(x, y, 8);
  test_support::expect_error_says([&] { model.evaluate(x, y, return_dict = true, verbose = 0); },
                                   {"evaluate(return_dict=true) cannot return a dict in C++", "evaluate_dict"});
  test_support::expect_error_says([&] { model.evaluate(data, return_dict = true, verbose = 0); },
                                   {"evaluate_dict"});
  EXPECT_EQ(model.evaluate(x, y, return_dict = false, verbose = 0).size(), 2u);
}

TEST(DatasetTraining, EveryBatchIsCheckedAgainstTheModel) {
  struct BadSecondBatch : utils::Dataset {
    int64_t size() const override { return 2; }
    utils::Batch get(int64_t i) override {
      return {Tensor::ones({4, i == 0 ? 4 : 5}), Tensor::zeros({4}), {}};
    }
  } data;
  auto model = dataset_training::classifier();
  test_support::expect_error_says([&] { model.fit(data, shuffle = false, verbose = 0); },
                                   {"expected axis -1 of input shape to have value 4", "(4, 5)"});
  test_support::expect_error_says([&] { model.evaluate(data, verbose = 0); }, {"(4, 5)"});
}

// compile(weighted_metrics=...) as Keras 3's CompileMetrics: only those metrics see sample_weight and class_weight,
// the ones in metrics= do not; names as Keras's result() gives them. And sample_weight / class_weight in
// train_on_batch and test_on_batch.
#include <gtest/gtest.h>

#include <filesystem>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/config_codec.hpp"
#include "saving/model_config.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

#include <nlohmann/json.hpp>

using namespace keras;
using namespace keras::kw;
using keras::saving::detail::Json;
using keras::test_support::expect_error_says;

namespace {

// A model that predicts 0 for every sample until it is trained (zero kernel and bias).
Sequential zero_output_model() {
  return Sequential({layers::Dense(1, input_shape = {2}, kernel_initializer = "zeros")});
}

// Targets 1..4 against predictions 0: absolute errors 1, 2, 3, 4.
const Tensor kOnes = Tensor::ones({4, 2});
const Tensor kOneToFour({1, 2, 3, 4}, {4, 1});
const Tensor kFirstTwo({1, 1, 0, 0}, {4});

// Two outputs, "reg" (1 unit) and "cls" (3 classes).
Model reg_and_cls_model() {
  utils::set_random_seed(3);
  auto in = Input(shape = {2});
  auto h = layers::Dense(4, activation = "tanh")(in);
  return Model(in, {layers::Dense(1, name = "reg")(h), layers::Dense(3, activation = "softmax", name = "cls")(h)});
}

}  // namespace

TEST(WeightedMetrics, OnlyWeightedMetricsSeeSampleWeights) {
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"}, weighted_metrics = {"mae"});
  auto r = model.evaluate_dict(kOnes, kOneToFour, kw::collect<Model::evaluate_args>(sample_weight = kFirstTwo, verbose = 0));
  // The loss is weighted (sum over batch size: (1 + 4) / 4); "mae" is not ((1+2+3+4) / 4); the weighted one is
  // (1 + 2) / 2, and its name was taken, so it logs as "weighted_mae".
  EXPECT_NEAR(r.at("loss"), 1.25, 1e-6);
  EXPECT_NEAR(r.at("mae"), 2.5, 1e-6);
  EXPECT_NEAR(r.at("weighted_mae"), 1.5, 1e-6);
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "mae", "weighted_mae"}));
  auto list = model.evaluate(kOnes, kOneToFour, sample_weight = kFirstTwo, verbose = 0);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_NEAR(list[1], 2.5, 1e-6);
  EXPECT_NEAR(list[2], 1.5, 1e-6);
}

TEST(WeightedMetrics, PlainMetricsIgnoreSampleWeights) {
  // Keras 3: "metrics ... will not be weighted by sample_weight"; keraspp weighted them before.
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"});
  auto r = model.evaluate_dict(kOnes, kOneToFour, kw::collect<Model::evaluate_args>(sample_weight = kFirstTwo, verbose = 0));
  EXPECT_NEAR(r.at("mae"), 2.5, 1e-6);
  EXPECT_NEAR(r.at("loss"), 1.25, 1e-6);
}

TEST(WeightedMetrics, ClassWeightsReachWeightedMetricsInFit) {
  // The metrics of a training step are computed on the outputs before the update: all zeros here.
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"}, weighted_metrics = {"mae", "mse"});
  Tensor labels({0, 0, 1, 1}, {4, 1});
  History h = model.fit(kOnes, labels, class_weight = {{0, 1.0}, {1, 0.0}}, batch_size = 4, shuffle = false,
                        verbose = 0);
  EXPECT_NEAR(h.history.at("mae").at(0), 0.5, 1e-6);           // every sample
  EXPECT_NEAR(h.history.at("weighted_mae").at(0), 0.0, 1e-6);  // class 1 weighs nothing
  EXPECT_NEAR(h.history.at("mse").at(0), 0.0, 1e-6);           // a weighted name not taken keeps its name
  EXPECT_NEAR(h.history.at("loss").at(0), 0.0, 1e-6);
}

TEST(WeightedMetrics, ValidationDataWeights) {
  Sequential model = zero_output_model();
  model.compile(optimizer = optimizers::SGD(learning_rate = 0.0), loss = "mse", metrics = {"mae"},
                weighted_metrics = {"mae"});
  History h = model.fit(kOnes, kOneToFour, validation_data = ValidationData(kOnes, kOneToFour, kFirstTwo), verbose = 0);
  EXPECT_NEAR(h.history.at("val_mae").at(0), 2.5, 1e-6);
  EXPECT_NEAR(h.history.at("val_weighted_mae").at(0), 1.5, 1e-6);
  EXPECT_NEAR(h.history.at("weighted_mae").at(0), 2.5, 1e-6);  // no weights in training: the plain mean
}

TEST(WeightedMetrics, RepeatedNamesAsKeras) {
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae", "mae"}, weighted_metrics = {"mae", "mae"});
  model.evaluate(kOnes, kOneToFour, verbose = 0);
  EXPECT_EQ(model.metrics_names(),
            (std::vector<std::string>{"loss", "mae", "mae_1", "weighted_mae", "weighted_mae_1"}));
}

TEST(WeightedMetrics, PerOutputNamesAndWeights) {
  Model model = reg_and_cls_model();
  model.compile(optimizer = "sgd", loss = {"mse", "sparse_categorical_crossentropy"},
                metrics = std::vector<std::vector<MetricArg>>{{"mae"}, {"accuracy"}},
                weighted_metrics = std::map<std::string, std::vector<MetricArg>>{{"reg", {"mae"}}});
  Tensor x = random::normal({4, 2}), y_reg({1, 2, 3, 4}, {4, 1}), y_cls({0, 1, 2, 0}, {4});
  auto r = model.evaluate_dict(x, {y_reg, y_cls}, kw::collect<Model::evaluate_args>(sample_weight = kFirstTwo, verbose = 0));
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "reg_mae", "cls_accuracy", "reg_weighted_mae",
                                                             "reg_loss", "cls_loss"}));
  const Tensor reg = model.predict(x, verbose = 0).outputs()[0];
  double plain = 0, weighted = 0;
  for (int64_t i = 0; i < 4; ++i) {
    const double e = std::abs(reg.data()[i] - y_reg.data()[i]);
    plain += e / 4;
    weighted += kFirstTwo.data()[i] * e / 2;
  }
  EXPECT_NEAR(r.at("reg_mae"), plain, 1e-5);
  EXPECT_NEAR(r.at("reg_weighted_mae"), weighted, 1e-5);
}

TEST(WeightedMetrics, ArgumentErrorsNameWeightedMetrics) {
  Model model = reg_and_cls_model();
  expect_error_says(
      [&] {
        model.compile(optimizer = "sgd", loss = "mse",
                      weighted_metrics = std::map<std::string, std::vector<MetricArg>>{{"nope", {"mae"}}});
      },
      {"In the dict argument `weighted_metrics`, key 'nope' does not correspond to any model output. Received:\n"
       "weighted_metrics={'nope': ['mae']}"});
  expect_error_says(
      [&] {
        model.compile(optimizer = "sgd", loss = "mse",
                      weighted_metrics = std::vector<std::vector<MetricArg>>{{"mae"}});
      },
      {"For a model with multiple outputs, when providing the `weighted_metrics` argument as a list, it should have "
       "as many entries as the model has outputs. Received:\nweighted_metrics=[['mae']]\nof length 1 whereas the "
       "model has 2 outputs."});
  expect_error_says([&] { model.compile(optimizer = "sgd", loss = "mse", weighted_metrics = {"no_such_metric"}); },
                    {"no_such_metric"});
}

TEST(WeightedMetrics, SavedInCompileConfigAndLoaded) {
  test_support::ScratchDir dir;
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"}, weighted_metrics = {"mae", "mse"});
  EXPECT_EQ(Json::parse(model.to_json())["compile_config"]["weighted_metrics"], Json::parse(R"(["mae", "mse"])"));
  model.save(dir / "m.keras");
  Model loaded = saving::load_model(dir / "m.keras");
  auto r = loaded.evaluate_dict(kOnes, kOneToFour, kw::collect<Model::evaluate_args>(sample_weight = kFirstTwo, verbose = 0));
  EXPECT_EQ(loaded.metrics_names(), (std::vector<std::string>{"loss", "mae", "weighted_mae", "mse"}));
  EXPECT_NEAR(r.at("weighted_mae"), 1.5, 1e-6);
  EXPECT_NEAR(r.at("mse"), 2.5, 1e-6);  // (1 + 4) / 2
  // The legacy .h5 format keeps them in training_config.
  model.save(dir / "m.h5");
  Model legacy = saving::load_model(dir / "m.h5");
  legacy.evaluate(kOnes, kOneToFour, verbose = 0);
  EXPECT_EQ(legacy.metrics_names(), (std::vector<std::string>{"loss", "mae", "weighted_mae", "mse"}));
}

TEST(WeightedMetrics, KerasCompileConfigWithWeightedMetricsLoads) {
  // What Keras 3 writes for compile(loss="mse", metrics=["mae"], weighted_metrics=["mae"]); it was refused before.
  Sequential model = zero_output_model();
  const auto cc = nlohmann::ordered_json::parse(R"({"optimizer": "sgd", "loss": "mse", "loss_weights": null,
      "metrics": ["mae"], "weighted_metrics": ["mae"], "run_eagerly": false, "steps_per_execution": 1,
      "jit_compile": false})");
  saving::detail::compile_from_config(model, cc, saving::detail::Context{"test"}, "compile_config");
  auto r = model.evaluate_dict(kOnes, kOneToFour, kw::collect<Model::evaluate_args>(sample_weight = kFirstTwo, verbose = 0));
  EXPECT_NEAR(r.at("mae"), 2.5, 1e-6);
  EXPECT_NEAR(r.at("weighted_mae"), 1.5, 1e-6);
}

TEST(OnBatch, SampleAndClassWeights) {
  Sequential model = zero_output_model();
  model.compile(optimizer = optimizers::SGD(learning_rate = 0.0), loss = "mse", metrics = {"mae"},
                weighted_metrics = {"mae"});
  auto t = model.test_on_batch(kOnes, kOneToFour, sample_weight = kFirstTwo);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_NEAR(t[0], 1.25, 1e-6);
  EXPECT_NEAR(t[1], 2.5, 1e-6);
  EXPECT_NEAR(t[2], 1.5, 1e-6);
  auto b = model.train_on_batch(kOnes, kOneToFour, sample_weight = kFirstTwo);
  EXPECT_NEAR(b[0], 1.25, 1e-6);
  EXPECT_NEAR(b[2], 1.5, 1e-6);
  // Each call reports its own batch: the metrics are reset first.
  auto plain = model.test_on_batch(kOnes, kOneToFour);
  EXPECT_NEAR(plain[0], 7.5, 1e-6);  // (1 + 4 + 9 + 16) / 4
  EXPECT_NEAR(plain[2], 2.5, 1e-6);
  Tensor labels({0, 0, 1, 1}, {4, 1});
  auto c = model.train_on_batch(kOnes, labels, class_weight = {{0, 1.0}, {1, 0.0}});
  EXPECT_NEAR(c[0], 0.0, 1e-6);
  EXPECT_NEAR(c[1], 0.5, 1e-6);
  EXPECT_NEAR(c[2], 0.0, 1e-6);
}

TEST(OnBatch, WeightErrors) {
  Sequential model = zero_output_model();
  model.compile(optimizer = "sgd", loss = "mse");
  expect_error_says([&] { model.train_on_batch(kOnes, kOneToFour, sample_weight = kFirstTwo, class_weight = {{0, 1.0}}); },
                    {"Arguments `sample_weight` and `class_weight` cannot be specified at the same time. Received: "
                     "sample_weight=(4,), class_weight={0: 1}"});
  expect_error_says([&] { model.test_on_batch(kOnes, kOneToFour, sample_weight = Tensor::ones({3})); },
                    {"Data cardinality is ambiguous.", "'sample_weight' sizes: 3"});
  expect_error_says([&] { model.evaluate(kOnes, kOneToFour, sample_weight = Tensor::ones({5}), verbose = 0); },
                    {"'sample_weight' sizes: 5"});
  expect_error_says(
      [&] { model.fit(kOnes, kOneToFour, sample_weight = kFirstTwo, class_weight = {{0, 1.0}}, verbose = 0); },
      {"You cannot `class_weight` and `sample_weight` at the same time."});
}

TEST(WeightedMetrics, MaskAndSampleWeightsTogether) {
  // Keras's MeanMetricWrapper folds the output's mask into the weights; a weighted metric also gets sample_weight.
  Sequential model({layers::Embedding(3, 1, mask_zero = true, embeddings_initializer = "zeros", input_shape = {3}),
                    layers::Dense(1, kernel_initializer = "zeros")});
  model.compile(optimizer = "sgd", loss = "mse", metrics = {"mae"}, weighted_metrics = {"mae"});
  Tensor ids({1, 2, 0, 1, 0, 0}, {2, 3});
  Tensor y({1, 2, 3, 4, 5, 6}, {2, 3, 1});
  auto r = model.evaluate_dict(ids, y, kw::collect<Model::evaluate_args>(sample_weight = Tensor({1, 0}, {2}),
                                                                          verbose = 0));
  EXPECT_NEAR(r.at("mae"), 7.0 / 3.0, 1e-6);     // the unmasked steps 1, 2 and 4
  EXPECT_NEAR(r.at("weighted_mae"), 1.5, 1e-6);     // of those, the first sample's only
}

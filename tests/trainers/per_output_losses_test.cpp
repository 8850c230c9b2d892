// compile(loss={...}) with one loss per model output, as Keras's loss=[...]: each output's loss, times its
// loss_weight, adds to the total that fit and evaluate report.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"
#include "support/round_trip.hpp"
#include "saving/model_config.hpp"
#include "support/test_helpers.hpp"

#include <nlohmann/json.hpp>

using namespace keras;
using namespace keras::kw;
using keras::test_support::mse;
namespace kt = keras::test_support;

namespace {

// A regression head (1 unit) and a 3-class softmax head on a shared hidden layer.
Model two_headed() {
  utils::set_random_seed(21);
  auto in = Input(shape = {4});
  auto h = layers::Dense(5, activation = "tanh")(in);
  return Model(in, {layers::Dense(1, name = "reg")(h), layers::Dense(3, activation = "softmax", name = "cls")(h)});
}

double sparse_crossentropy(const Tensor& probs, const Tensor& labels) {
  const int64_t n = probs.dims()[0], k = probs.dims()[1];
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s -= std::log(probs.data()[i * k + static_cast<int64_t>(labels.data()[i])]);
  return s / static_cast<double>(n);
}

}  // namespace

TEST(PerOutputLosses, EachOutputHasItsLossAndWeight) {
  Model model = two_headed();
  model.compile(optimizer = "sgd", loss = {"mse", "sparse_categorical_crossentropy"}, loss_weights = {1.0, 0.5});
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Prediction p = model.predict(x, verbose = 0);
  const double want = mse(p.outputs()[0], y_reg) + 0.5 * sparse_crossentropy(p.outputs()[1], y_cls);
  EXPECT_NEAR(model.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0), want, 1e-5);
  History h = model.fit(x, {y_reg, y_cls}, epochs = 1, batch_size = 8, shuffle = false, verbose = 0);
  EXPECT_NEAR(h.history.at("loss").at(0), want, 1e-5);
}

TEST(PerOutputLosses, TrainingGradientIsTheWeightedSum) {
  Model model = two_headed();
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0),
                loss = {losses::MeanAbsoluteError(), "sparse_categorical_crossentropy"}, loss_weights = {0.3, 2.0});
  kt::expect_fit_step_follows_loss_gradient(model, random::normal({6, 4}),
                                            {random::normal({6, 1}), Tensor({0, 1, 2, 0, 1, 2}, {6})});
}

TEST(PerOutputLosses, AListOfOneForOneOutput) {
  utils::set_random_seed(22);
  Sequential model({Input({3}), layers::Dense(2)});
  model.compile(optimizer = "sgd", loss = {"mae"});
  Tensor x = random::normal({5, 3}), y = random::normal({5, 2});
  Tensor p = model.predict(x, verbose = 0);
  double mae = 0;
  for (int64_t i = 0; i < p.size(); ++i) mae += std::fabs(p.data()[i] - y.data()[i]);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), mae / static_cast<double>(p.size()), 1e-6);
}

TEST(PerOutputLosses, ALengthOtherThanTheOutputsIsKerasError) {
  Model model = two_headed();
  EXPECT_THROW_WITH(model.compile(optimizer = "sgd", loss = {"mse", "mse", "mae"}),
                    "For a model with multiple outputs, when providing the `loss` argument as a list, it should have "
                    "as many entries as the model has outputs. Received:\nloss=['mse', 'mse', 'mae']\nof length 3 "
                    "whereas the model has 2 outputs.",
                    "Hint:");
  EXPECT_THROW_WITH(model.compile(optimizer = "sgd", loss = {"mse", LossArg()}), "each list entry should be a callable");
  EXPECT_THROW_WITH(model.compile(optimizer = "sgd", loss = {"mse", "msee"}), "Could not interpret loss identifier: msee");
  EXPECT_THROW_WITH(losses::get(LossArg{"mse", "mae"}), "one loss is expected");
}

TEST(PerOutputLosses, SavedWithTheModel) {
  Model model = two_headed();
  model.compile(optimizer = "adam", loss = {"mse", "sparse_categorical_crossentropy"}, loss_weights = {1.0, 0.5});
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Model loaded = kt::expect_keras_round_trip(model, x);
  ASSERT_TRUE(loaded.compiled());
  EXPECT_NEAR(loaded.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0), model.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0),
              1e-6);
}

TEST(PerOutputLosses, LegacyH5KeepsThem) {
  Model model = two_headed();
  model.compile(optimizer = "sgd", loss = {"mae", "sparse_categorical_crossentropy"});
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({2, 1, 0, 2, 1, 0, 1, 2}, {8});
  kt::ScratchDir dir;
  model.save(dir / "m.h5");
  Model loaded = saving::load_model(dir / "m.h5");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_NEAR(loaded.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0), model.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0),
              1e-6);
}

TEST(PerOutputLosses, EachOutputsLossIsReportedAsKeras3Does) {
  // Keras 3 tracks "<output layer>_loss" (the loss times its weight) beside the total, for fit's history and logs and
  // evaluate, after the compiled metrics.
  Model model = two_headed();
  model.compile(optimizer = "sgd", loss = {"mse", "categorical_crossentropy"}, loss_weights = {1.0, 0.5},
                metrics = {"mae"});
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  const Tensor labels({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Tensor y_cls = Tensor::zeros({8, 3});
  for (int64_t i = 0; i < 8; ++i) y_cls.at({i, static_cast<int64_t>(labels.data()[i])}) = 1.0f;
  Prediction p = model.predict(x, verbose = 0);
  const double reg = mse(p.outputs()[0], y_reg), cls = 0.5 * sparse_crossentropy(p.outputs()[1], labels);
  const std::vector<double> r = model.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "reg_mae", "cls_mae", "reg_loss", "cls_loss"}));
  ASSERT_EQ(r.size(), 5u);
  EXPECT_NEAR(r[0], reg + cls, 1e-5);
  EXPECT_NEAR(r[3], reg, 1e-5);
  EXPECT_NEAR(r[4], cls, 1e-5);
  History h = model.fit(x, {y_reg, y_cls}, epochs = 1, batch_size = 4, shuffle = false, verbose = 0,
                        validation_data = ValidationData{x, {y_reg, y_cls}});
  for (const char* key : {"loss", "reg_loss", "cls_loss", "val_loss", "val_reg_loss", "val_cls_loss"})
    EXPECT_EQ(h.history.count(key), 1u) << key;
  EXPECT_NEAR(h.history.at("loss")[0], h.history.at("reg_loss")[0] + h.history.at("cls_loss")[0], 1e-5);
  EXPECT_NEAR(h.history.at("val_loss")[0], h.history.at("val_reg_loss")[0] + h.history.at("val_cls_loss")[0], 1e-5);
  // One output: only "loss".
  Sequential one({Input({3}), layers::Dense(1, name = "out")});
  one.compile(optimizer = "sgd", loss = "mse");
  EXPECT_EQ(one.metrics_names(), (std::vector<std::string>{"loss"}));
  EXPECT_EQ(one.fit(random::normal({4, 3}), random::normal({4, 1}), verbose = 0).history.count("out_loss"), 0u);
}

// Keras's dicts by output name: compile(loss={"cls": ..., "reg": ...}, loss_weights={...}) and fit(x, {name: y}).
// The dict's order (std::map sorts "cls" before "reg") is not the outputs' order (reg, cls).
TEST(PerOutputLosses, DictsByOutputName) {
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Model by_list = two_headed();
  by_list.compile(optimizer = "sgd", loss = {"mse", "sparse_categorical_crossentropy"}, loss_weights = {1.0, 0.5});
  Model by_name = two_headed();
  by_name.compile(optimizer = "sgd",
                  loss = std::map<std::string, LossArg>{{"cls", "sparse_categorical_crossentropy"}, {"reg", "mse"}},
                  loss_weights = std::map<std::string, double>{{"cls", 0.5}});  // reg keeps weight 1
  const std::map<std::string, Tensor> y{{"cls", y_cls}, {"reg", y_reg}};
  const std::vector<double> want = by_list.evaluate(x, {y_reg, y_cls}, verbose = 0);
  const std::vector<double> got = by_name.evaluate(x, y, verbose = 0);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << by_name.metrics_names()[i];
  History a = by_list.fit(x, {y_reg, y_cls}, epochs = 2, batch_size = 4, shuffle = false, verbose = 0);
  History b = by_name.fit(x, y, epochs = 2, batch_size = 4, shuffle = false, verbose = 0,
                          validation_data = ValidationData(x, y));
  EXPECT_NEAR(a.history.at("loss").back(), b.history.at("loss").back(), 1e-5);
  EXPECT_EQ(b.history.count("val_reg_loss"), 1u);
  by_name.train_on_batch(x, y);
  by_name.test_on_batch(x, y);
  // Saved and loaded, the compile config keeps one loss per output.
  Model loaded = kt::expect_keras_round_trip(by_name, x);
  EXPECT_NEAR(loaded.evaluate(x, y, verbose = 0).at(0), by_name.evaluate(x, y, verbose = 0).at(0), 1e-6);
}

TEST(PerOutputLosses, DictErrorsNameTheKeys) {
  Model model = two_headed();
  EXPECT_THROW_WITH(
      model.compile(optimizer = "sgd", loss = std::map<std::string, LossArg>{{"cls", "mse"}, {"rge", "mse"}}),
      "In the dict argument `loss`, key 'rge' does not correspond to any model output. Received:\nloss={'cls': "
      "'mse', 'rge': 'mse'}",
      "\"reg\", \"cls\"");
  EXPECT_THROW_WITH(model.compile(optimizer = "sgd", loss = std::map<std::string, LossArg>{{"cls", "mse"}}),
                    "keraspp needs a loss for every output: the dict argument `loss` has no entry for output 'reg'.");
  EXPECT_THROW_WITH(model.compile(optimizer = "sgd", loss = "mse", loss_weights = std::map<std::string, double>{
                                                                        {"out", 2.0}}),
                    "In the dict argument `loss_weights`, key 'out' does not correspond to any model output.");
  model.compile(optimizer = "sgd", loss = "mse");
  const Tensor x = random::normal({4, 4});
  EXPECT_THROW_WITH(model.fit(x, std::map<std::string, Tensor>{{"reg", random::normal({4, 1})}}, verbose = 0),
                    "Missing data for output \"cls\". You passed a data dictionary with keys ['reg']. Expected the "
                    "following keys: ['reg', 'cls']");
  EXPECT_THROW_WITH(model.evaluate(x, std::map<std::string, Tensor>{{"reg", random::normal({4, 1})},
                                                                    {"cls", random::normal({4, 3})},
                                                                    {"extra", random::normal({4, 1})}},
                                   verbose = 0),
                    "Unknown entry in the target data dictionary: \"extra\".");
}

TEST(PerOutputLosses, KerasCompileConfigWithDictsLoads) {
  // What Keras 3 writes in compile_config for compile(loss={"reg": "mse", "cls": ...}, loss_weights={...}).
  Model model = two_headed();
  const auto cc = nlohmann::ordered_json::parse(R"({"optimizer": "sgd", "loss": {"reg": "mse",
      "cls": "sparse_categorical_crossentropy"}, "loss_weights": {"reg": 2.0, "cls": 1.0}, "metrics": null,
      "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false})");
  saving::detail::compile_from_config(model, cc, saving::detail::Context{"test"}, "compile_config");
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Prediction p = model.predict(x, verbose = 0);
  EXPECT_NEAR(model.evaluate(x, {y_reg, y_cls}, verbose = 0).at(0),
              2.0 * mse(p.outputs()[0], y_reg) + sparse_crossentropy(p.outputs()[1], y_cls), 1e-5);
}

// metrics= per output: a list per output (Keras's list of lists) or lists by output name (Keras's dict).
TEST(PerOutputLosses, MetricsPerOutput) {
  Tensor x = random::normal({8, 4}), y_reg = random::normal({8, 1});
  Tensor y_cls({0, 1, 2, 2, 1, 0, 1, 2}, {8});
  Model lists = two_headed();
  lists.compile(optimizer = "sgd", loss = {"mse", "sparse_categorical_crossentropy"},
                metrics = std::vector<std::vector<MetricArg>>{{"mae"}, {"accuracy"}});
  lists.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_EQ(lists.metrics_names(),
            (std::vector<std::string>{"loss", "reg_mae", "cls_accuracy", "reg_loss", "cls_loss"}));
  Model dict = two_headed();
  dict.compile(optimizer = "sgd", loss = {"mse", "sparse_categorical_crossentropy"},
               metrics = std::map<std::string, std::vector<MetricArg>>{{"cls", {"accuracy"}}});
  const std::vector<double> got = dict.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_EQ(dict.metrics_names(), (std::vector<std::string>{"loss", "cls_accuracy", "reg_loss", "cls_loss"}));
  const std::vector<double> want = lists.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_NEAR(got[1], want[2], 1e-9);  // the same accuracy of the same model (same seed)
  History h = dict.fit(x, {y_reg, y_cls}, epochs = 1, verbose = 0);
  EXPECT_EQ(h.history.count("cls_accuracy"), 1u);
  EXPECT_EQ(h.history.count("reg_accuracy"), 0u);
  // Saved as given, and compiled the same when loaded.
  Model loaded = kt::expect_keras_round_trip(dict, x);
  loaded.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_EQ(loaded.metrics_names(), dict.metrics_names());
  Model back = kt::expect_keras_round_trip(lists, x);
  back.evaluate(x, {y_reg, y_cls}, verbose = 0);
  EXPECT_EQ(back.metrics_names(), lists.metrics_names());
  EXPECT_THROW_WITH(two_headed().compile(optimizer = "sgd", loss = "mse",
                                         metrics = std::vector<std::vector<MetricArg>>{{"mae"}}),
                    "when providing the `metrics` argument as a list, it should have as many entries as the model has "
                    "outputs. Received:\nmetrics=[['mae']]\nof length 1 whereas the model has 2 outputs.");
  EXPECT_THROW_WITH(two_headed().compile(optimizer = "sgd", loss = "mse",
                                         metrics = std::map<std::string, std::vector<MetricArg>>{{"x", {"mae"}}}),
                    "In the dict argument `metrics`, key 'x' does not correspond to any model output.");
}

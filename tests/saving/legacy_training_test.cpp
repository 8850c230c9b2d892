// Legacy .h5 full-model files carry the training state: model.save("m.h5") of a compiled model writes
// training_config and optimizer_weights, and load_model compiles from them (Keras 2 spellings included) and restores
// the optimizer, so that training resumes exactly where it stopped.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/legacy_h5.hpp"
#include "saving/zip_archive.hpp"
#include "support/gradient_check.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"
#include "trainers/training_state.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::CaptureStream;
using keras::test_support::open_h5;
using keras::test_support::ScratchDir;
using keras::test_support::write_bytes;
using Json = nlohmann::ordered_json;

namespace {

std::string loss_name(const Model& m) { return m.graph().training_state()->losses.at(0)->name(); }

// The metrics compile() gave the first output, by name (metrics_names() lists them only once the model has run).
std::vector<std::string> compiled_metrics(const Model& m) {
  std::vector<std::string> out;
  for (const MetricArg& a : m.graph().training_state()->output_metric_args.at(0))
    out.push_back(a.object ? a.object->name() : a.name);
  return out;
}

// A legacy file of a small Dense model (weights from `model`) with the given training_config text and, optionally,
// optimizer weights.
std::string legacy_file(const Model& model, const std::string& training_config,
                        const std::vector<std::pair<std::string, Tensor>>& optimizer_weights = {}) {
  saving::detail::H5Writer w;
  saving::detail::write_legacy_model(w, model.graph(), model.to_json(), "2.2.4");
  w.write_string_attr("", "training_config", training_config);
  if (!optimizer_weights.empty()) {
    std::vector<std::string> names;
    for (const auto& [n, t] : optimizer_weights) names.push_back(n);
    w.write_string_list_attr("optimizer_weights", "weight_names", names);
    for (const auto& [n, t] : optimizer_weights) w.write_dataset("optimizer_weights/" + n, t);
  }
  return w.image();
}

Sequential dense_model() {
  return Sequential({Input(shape = {3}), layers::Dense(4, activation = "relu"), layers::Dense(2)});
}

}  // namespace

TEST(SavingLegacyTraining, KerasLayoutOfTheTrainingState) {
  ScratchDir dir;
  Sequential model = dense_model();
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.005), loss = "mse", metrics = {"mae"});
  model.fit(random::normal({8, 3}), random::normal({8, 2}), epochs = 1, batch_size = 4, verbose = 0);
  model.save(dir / "m.h5");
  auto r = open_h5(dir / "m.h5");
  // As Keras 3's model_metadata: the compile arguments without the optimizer, then optimizer_config.
  Json tc = Json::parse(r.string_attr("", "training_config").value());
  std::vector<std::string> keys;
  for (auto it = tc.begin(); it != tc.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
                                            "steps_per_execution", "jit_compile", "optimizer_config"}));
  EXPECT_EQ(tc["loss"], "mse");
  EXPECT_EQ(tc["metrics"], Json::parse(R"(["mae"])"));
  EXPECT_EQ(tc["optimizer_config"]["class_name"], "Adam");
  EXPECT_EQ(tc["optimizer_config"]["config"]["learning_rate"], 0.004999999888241291);  // the float32 value
  EXPECT_FALSE(tc["optimizer_config"].contains("module"));
  // optimizer.variables: iteration, learning_rate, then Adam's (momentum, velocity) per trainable variable.
  const auto names = r.string_list_attr("optimizer_weights", "weight_names").value();
  ASSERT_EQ(names.size(), 2u + 2 * 4);
  EXPECT_EQ(names[0], "iteration");
  EXPECT_EQ(names[1], "learning_rate");
  EXPECT_EQ(r.read_dataset("optimizer_weights/iteration", {}).item(), 2.0f);
  EXPECT_EQ(r.dataset_shape("optimizer_weights/" + names[2]), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(r.dataset_shape("optimizer_weights/" + names[3]), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(r.dataset_shape("optimizer_weights/" + names[4]), (std::vector<int64_t>{4}));
  // Loaded: compiled alike, with the optimizer's state.
  Model loaded = saving::load_model(dir / "m.h5");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_EQ(loss_name(loaded), "mse");
  EXPECT_EQ(compiled_metrics(loaded), (std::vector<std::string>{"mae"}));
  EXPECT_EQ(loaded.optimizer()->iterations(), 2);
  EXPECT_EQ(loaded.optimizer()->learning_rate(), model.optimizer()->learning_rate());
  const auto mine = loaded.optimizer()->variables(), theirs = model.optimizer()->variables();
  ASSERT_EQ(mine.size(), theirs.size());
  for (size_t i = 0; i < mine.size(); ++i) EXPECT_EQ(max_abs_diff(mine[i], theirs[i]), 0.0f) << i;
  // compile=false: the training state is not applied.
  EXPECT_FALSE(saving::load_model(dir / "m.h5", false).compiled());
  // A loss object is written the legacy way (no module); a learning-rate schedule keeps its module, as Keras 3's
  // optimizer.get_config() serializes it.
  model.compile(optimizer = optimizers::SGD(learning_rate = optimizers::schedules::InverseTimeDecay(
                    initial_learning_rate = 0.1, decay_steps = 3, decay_rate = 0.5)),
                loss = losses::Huber(delta = 2.0));
  model.save(dir / "s.h5");
  Json tc2 = Json::parse(open_h5(dir / "s.h5").string_attr("", "training_config").value());
  EXPECT_EQ(tc2["loss"]["class_name"], "Huber");
  EXPECT_FALSE(tc2["loss"].contains("module"));
  EXPECT_EQ(tc2["loss"]["config"]["delta"], 2.0);
  EXPECT_EQ(tc2["optimizer_config"]["config"]["learning_rate"]["module"], "keras.optimizers.schedules");
  Model s = saving::load_model(dir / "s.h5");
  ASSERT_NE(s.optimizer()->learning_rate_schedule(), nullptr);
  EXPECT_EQ(s.optimizer()->learning_rate_schedule()->class_name(), "InverseTimeDecay");
  EXPECT_EQ(loss_name(s), "huber_loss");
}

TEST(SavingLegacyTraining, UncompiledOrUntrainedModels) {
  ScratchDir dir;
  Sequential model = dense_model();
  model.save(dir / "plain.h5");
  EXPECT_FALSE(open_h5(dir / "plain.h5").has_attr("", "training_config"));
  {
    CaptureStream err(std::cerr);
    EXPECT_FALSE(saving::load_model(dir / "plain.h5").compiled());
    EXPECT_NE(err.str().find("No training configuration found in the save file, so the model was *not* compiled."),
              std::string::npos)
        << err.str();
  }
  // Compiled but never trained: the training_config, and no optimizer state to restore.
  model.compile(optimizer = "sgd", loss = "mae");
  model.save(dir / "compiled.h5");
  auto r = open_h5(dir / "compiled.h5");
  EXPECT_TRUE(r.has_attr("", "training_config"));
  EXPECT_FALSE(r.has_group("optimizer_weights"));
  Model loaded = saving::load_model(dir / "compiled.h5");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_EQ(loaded.optimizer()->class_name(), "SGD");
  EXPECT_EQ(loaded.optimizer()->iterations(), 0);
}

TEST(SavingLegacyTraining, Keras2Spellings) {
  ScratchDir dir;
  Sequential model = dense_model();
  // Keras 2.2.4: `lr`, decay 0, float32-rounded betas, sample_weight_mode.
  write_bytes(dir / "k224.h5",
              legacy_file(model, R"({"metrics": ["mae"], "loss": "mse", "optimizer_config": {"class_name": "Adam",
                 "config": {"beta_1": 0.8999999761581421, "beta_2": 0.9990000128746033, "decay": 0.0,
                 "epsilon": 1e-07, "amsgrad": false, "lr": 0.0020000000949949026}}, "loss_weights": null,
                 "sample_weight_mode": null})"));
  Model a = saving::load_model(dir / "k224.h5");
  ASSERT_TRUE(a.compiled());
  EXPECT_EQ(a.optimizer()->class_name(), "Adam");
  EXPECT_FLOAT_EQ(static_cast<float>(a.optimizer()->learning_rate()), 0.002f);
  EXPECT_EQ(a.optimizer()->learning_rate_schedule(), nullptr);
  EXPECT_EQ(loss_name(a), "mse");
  EXPECT_EQ(compiled_metrics(a), (std::vector<std::string>{"mae"}));
  // tf.keras 2.11: "Custom>Adam" with the new optimizer's keys; a loss object with reduction "auto"; metrics per
  // output.
  write_bytes(dir / "k211.h5",
              legacy_file(model, R"({"loss": {"class_name": "MeanSquaredError", "config": {"reduction": "auto",
                 "name": "mean_squared_error"}}, "metrics": [["mae"]], "weighted_metrics": null, "loss_weights": null,
                 "optimizer_config": {"class_name": "Custom>Adam", "config": {"name": "Adam", "weight_decay": null,
                 "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
                 "ema_overwrite_frequency": null, "jit_compile": false, "is_legacy_optimizer": false,
                 "learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                 "amsgrad": false}}})"));
  Model b = saving::load_model(dir / "k211.h5");
  ASSERT_TRUE(b.compiled());
  EXPECT_EQ(b.optimizer()->class_name(), "Adam");
  EXPECT_EQ(loss_name(b), "mean_squared_error");
  EXPECT_EQ(compiled_metrics(b), (std::vector<std::string>{"mae"}));
  // A nonzero decay: Keras 2's lr / (1 + decay * iterations), as an InverseTimeDecay schedule.
  write_bytes(dir / "decay.h5",
              legacy_file(model, R"({"loss": "mae", "metrics": null, "loss_weights": null, "optimizer_config":
                 {"class_name": "SGD", "config": {"lr": 0.1, "momentum": 0.5, "decay": 0.01, "nesterov": false}}})"));
  Model c = saving::load_model(dir / "decay.h5");
  ASSERT_TRUE(c.compiled());
  ASSERT_NE(c.optimizer()->learning_rate_schedule(), nullptr);
  EXPECT_EQ(c.optimizer()->learning_rate_schedule()->class_name(), "InverseTimeDecay");
  EXPECT_NEAR((*c.optimizer()->learning_rate_schedule())(10), 0.1 / (1 + 0.01 * 10), 1e-9);
  EXPECT_NEAR((*c.optimizer()->learning_rate_schedule())(0), 0.1, 1e-9);
  // Lower-case class names, as Keras matches them.
  write_bytes(dir / "lower.h5", legacy_file(model, R"({"loss": "mse", "optimizer_config": {"class_name": "rmsprop",
                                           "config": {"learning_rate": 0.01}}, "loss_weights": [1.0]})"));
  EXPECT_EQ(saving::load_model(dir / "lower.h5").optimizer()->class_name(), "RMSprop");
}

TEST(SavingLegacyTraining, UnsupportedTrainingConfigsAreRefused) {
  ScratchDir dir;
  auto a = Input(shape = {3}, name = "a");
  auto h = layers::Dense(4, name = "h")(a);
  Model two({a}, {layers::Dense(1, name = "o1")(h), layers::Dense(1, name = "o2")(h)});
  const std::string adam = R"("optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}})";
  auto expect_refused = [&](const std::string& file, const std::string& tc, const std::string& piece) {
    write_bytes(dir / file, legacy_file(two, "{" + tc + ", " + adam + "}"));
    EXPECT_THROW_WITH(saving::load_model(dir / file), piece, "training_config", file, "compile=*/false");
    EXPECT_FALSE(saving::load_model(dir / file, false).compiled());
  };
  // Losses and loss weights by output name compile, as Keras 2 wrote them.
  write_bytes(dir / "by_name.h5", legacy_file(two, R"({"loss": {"o2": "mae", "o1": "mse"},
      "loss_weights": {"o1": 1.0, "o2": 0.5}, )" + adam + "}"));
  Model by_name = saving::load_model(dir / "by_name.h5");
  ASSERT_TRUE(by_name.compiled());
  const auto& state = *by_name.graph().training_state();
  ASSERT_EQ(state.losses.size(), 2u);
  EXPECT_EQ(state.losses[0]->name(), "mse");
  EXPECT_EQ(state.losses[1]->name(), "mae");
  EXPECT_EQ(state.loss_weights, (std::vector<double>{1.0, 0.5}));
  // Metrics that differ between outputs, by output name as Keras 2 wrote them.
  write_bytes(dir / "metrics.h5", legacy_file(two, R"({"loss": "mse", "metrics": {"o1": ["mae"], "o2": ["mse"]}, )" +
                                                       adam + "}"));
  Model metrics = saving::load_model(dir / "metrics.h5");
  const auto& per_output = metrics.graph().training_state()->output_metric_args;
  ASSERT_EQ(per_output.size(), 2u);
  EXPECT_EQ(per_output[0].at(0).name, "mae");
  EXPECT_EQ(per_output[1].at(0).name, "mse");
  expect_refused("metric_obj.h5",
                 R"("loss": "mse", "metrics": [{"class_name": "MyCustomMetric", "config": {"axis": -1}}])",
                 "Unknown metric class 'MyCustomMetric'");
  // Metric objects as Keras writes them: every argument, dtype, and None for the ones keraspp does not take.
  write_bytes(dir / "auc.h5", legacy_file(two, R"({"loss": "mse", "metrics": [{"module": "keras.metrics",
      "class_name": "AUC", "config": {"name": "pr_auc", "dtype": "float32", "num_thresholds": 50, "curve": "PR",
      "summation_method": "interpolation", "multi_label": false, "num_labels": null, "label_weights": null,
      "from_logits": false}, "registered_name": null}, "mae"], )" + adam + "}"));
  Model auc = saving::load_model(dir / "auc.h5");
  const auto& auc_args = auc.graph().training_state()->metrics_given.every_output;
  ASSERT_EQ(auc_args.size(), 2u);
  ASSERT_TRUE(auc_args[0].object);
  EXPECT_EQ(auc_args[0].object->name(), "pr_auc");
  auto* as_auc = dynamic_cast<metric_types::AUC*>(auc_args[0].object.get());
  ASSERT_NE(as_auc, nullptr);
  EXPECT_EQ(as_auc->thresholds().size(), 50u);
  EXPECT_EQ(auc_args[1].name, "mae");
  expect_refused("swm.h5", R"("loss": "mse", "sample_weight_mode": "temporal")",
                 "keraspp does not support sample_weight_mode=\"temporal\"");
  expect_refused("unknown.h5", R"("loss": "mse", "target_tensors": null)", "Unsupported training_config entry 'target_tensors'");
  write_bytes(dir / "yogi.h5",
              legacy_file(two, R"({"loss": "mse", "optimizer_config": {"class_name": "Yogi", "config": {}}})"));
  EXPECT_THROW_WITH(saving::load_model(dir / "yogi.h5"), "Could not interpret optimizer identifier: 'Yogi'",
                    "training_config");
  write_bytes(dir / "ftrl.h5", legacy_file(two, R"({"loss": "mse", "optimizer_config": {"class_name": "Ftrl",
      "config": {"learning_rate": 0.05, "l1_regularization_strength": 0.01, "beta": 0.5}}})"));
  Model ftrl = saving::load_model(dir / "ftrl.h5");
  ASSERT_TRUE(ftrl.compiled());
  EXPECT_EQ(ftrl.optimizer()->class_name(), "Ftrl");
  // The same loss for every output is one loss.
  write_bytes(dir / "same.h5", legacy_file(two, R"({"loss": {"o1": "mse", "o2": "mse"}, )" + adam + "}"));
  EXPECT_TRUE(saving::load_model(dir / "same.h5").compiled());
}

TEST(SavingLegacyTraining, MismatchedOptimizerStateStartsFresh) {
  // tf.keras 2.11's new optimizers saved [iteration, m..., v...] without a learning_rate variable; Keras 3 (and
  // keraspp) then keep a fresh optimizer, with a warning.
  ScratchDir dir;
  Sequential model = dense_model();
  const std::string tc = R"({"loss": "mse", "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.01}}})";
  write_bytes(dir / "k2opt.h5", legacy_file(model, tc, {{"iteration:0", Tensor::scalar(7.0f)}}));
  CaptureStream err(std::cerr);
  Model loaded = saving::load_model(dir / "k2opt.h5");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_EQ(loaded.optimizer()->iterations(), 0);
  EXPECT_NE(err.str().find("Error in loading the saved optimizer state. As a result, your model is starting with a "
                           "freshly initialized optimizer."),
            std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("has 10 variables whereas the saved optimizer has 1 variables"), std::string::npos)
      << err.str();
  // A matching count but another shape: fresh as well.
  std::vector<std::pair<std::string, Tensor>> wrong;
  wrong.emplace_back("iteration", Tensor::scalar(3.0f));
  wrong.emplace_back("learning_rate", Tensor::scalar(0.01f));
  for (int i = 0; i < 8; ++i) wrong.emplace_back("slot" + std::to_string(i), Tensor::zeros({5}));
  write_bytes(dir / "shape.h5", legacy_file(model, tc, wrong));
  EXPECT_EQ(saving::load_model(dir / "shape.h5").optimizer()->iterations(), 0);
  EXPECT_NE(err.str().find("its variable 2 has shape (3, 4) whereas the saved one, 'slot0', has shape (5,)"),
            std::string::npos)
      << err.str();
}

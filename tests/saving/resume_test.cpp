// A model saved mid-training resumes: the loaded model's next fit() steps are those of the model that never stopped.
// The same for the .keras archive and for legacy .h5 files (training_config and optimizer_weights).
#include <gtest/gtest.h>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/model_config.hpp"
#include "trainers/training_state.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;

namespace {

Sequential conv_bn_model() {
  return Sequential({
      Input(shape = {6, 6, 2}),
      layers::Conv2D(4, 3, activation = "relu"),
      layers::BatchNormalization(),
      layers::Flatten(),
      layers::Dense(3, activation = "softmax"),
  });
}

void expect_same_weights(const Model& a, const Model& b) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_EQ(max_abs_diff(wa[i], wb[i]), 0.0f) << "weight " << i;
}

// The metrics given to compile(), by name (metrics_names() lists them only once the model has run).
std::vector<std::string> compiled_metric_names(const Model& m) {
  std::vector<std::string> out;
  for (const MetricArg& a : m.graph().training_state()->metrics_given.every_output) out.push_back(a.object ? a.object->name() : a.name);
  return out;
}

void resume_matches(const std::string& file, OptimizerArg opt) {
  ScratchDir dir;
  utils::set_random_seed(11);
  Tensor x = random::normal({24, 6, 6, 2});
  Tensor y = random::randint(0, 3, {24});
  Sequential model = conv_bn_model();
  model.compile(optimizer = opt, loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  model.fit(x, y, epochs = 2, batch_size = 8, shuffle = false, verbose = 0);
  model.save(dir / file);
  Model resumed = saving::load_model(dir / file);
  ASSERT_TRUE(resumed.compiled());
  EXPECT_EQ(resumed.optimizer()->class_name(), model.optimizer()->class_name());
  EXPECT_EQ(resumed.optimizer()->iterations(), model.optimizer()->iterations());
  EXPECT_EQ(compiled_metric_names(resumed), compiled_metric_names(model));
  History h1 = model.fit(x, y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0);
  History h2 = resumed.fit(x, y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0);
  EXPECT_EQ(h1.history.at("loss"), h2.history.at("loss"));
  EXPECT_EQ(h1.history.at("accuracy"), h2.history.at("accuracy"));
  expect_same_weights(model, resumed);  // BatchNormalization's moving statistics included
}

}  // namespace

TEST(SavingResume, AdamMidTraining) { resume_matches("adam.keras", optimizers::Adam(learning_rate = 0.01)); }

TEST(SavingResume, SgdWithMomentumMidTraining) {
  resume_matches("sgd.keras", optimizers::SGD(learning_rate = 0.05, momentum = 0.9));
}

TEST(SavingResume, RmspropWithScheduleMidTraining) {
  // The schedule's position comes from the restored iteration count.
  resume_matches("rms.keras", optimizers::RMSprop(learning_rate = optimizers::schedules::ExponentialDecay(
                                                      initial_learning_rate = 0.01, decay_steps = 2, decay_rate = 0.5)));
}

TEST(SavingLegacyTraining, AdamResumesFromH5) { resume_matches("adam.h5", optimizers::Adam(learning_rate = 0.01)); }

TEST(SavingLegacyTraining, SgdWithMomentumResumesFromH5) {
  resume_matches("sgd.h5", optimizers::SGD(learning_rate = 0.05, momentum = 0.9, nesterov = true));
}

TEST(SavingLegacyTraining, RmspropWithScheduleResumesFromH5) {
  resume_matches("rms.h5", optimizers::RMSprop(learning_rate = optimizers::schedules::ExponentialDecay(
                                                   initial_learning_rate = 0.01, decay_steps = 2, decay_rate = 0.5)));
}

TEST(SavingResume, FtrlWithItsTwoSlotsMidTraining) {
  resume_matches("ftrl.keras", optimizers::Ftrl(learning_rate = 0.05, l1_regularization_strength = 0.001,
                                                l2_shrinkage_regularization_strength = 0.01, beta = 0.1));
}

TEST(SavingResume, AdafactorWithItsFactoredSlotsMidTraining) {
  // r and c have other shapes than their variable, and the biases' placeholders are scalars.
  resume_matches("adafactor.keras", optimizers::Adafactor(learning_rate = 0.05, clip_threshold = 0.8));
}

TEST(SavingResume, LambMidTraining) {
  resume_matches("lamb.keras", optimizers::Lamb(learning_rate = 0.01, beta_2 = 0.99, weight_decay = 0.01));
  resume_matches("lamb.h5", optimizers::Lamb(learning_rate = 0.01));
}

TEST(SavingCompileConfig, MetricObjectsKeepTheirConfiguration) {
  // Keras writes metric objects with their config; keraspp wrote only their names, which lost AUC(curve="PR") and
  // made MeanIoU(3) unloadable (its num_classes is required).
  ScratchDir dir;
  utils::set_random_seed(12);
  Sequential model({Input(shape = {4}), layers::Dense(3, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy",
                metrics = {"accuracy", metrics::MeanIoU(3, sparse_y_pred = false, name = "miou"),
                           metrics::SparseTopKCategoricalAccuracy(2, name = "top2")});
  Tensor x = random::normal({24, 4}), y = random::randint(0, 3, {24});
  model.fit(x, y, epochs = 1, batch_size = 8, verbose = 0);
  model.save(dir / "metrics.keras");
  // As Keras 3's serialize_keras_object writes them.
  const auto compile_config = saving::detail::compile_config_json(model.graph());
  const auto& written = compile_config.at("metrics");
  EXPECT_EQ(written.at(0), "accuracy");
  EXPECT_EQ(written.at(1).at("module"), "keras.metrics");
  EXPECT_EQ(written.at(1).at("class_name"), "MeanIoU");
  EXPECT_EQ(written.at(1).at("config").at("num_classes"), 3);
  EXPECT_EQ(written.at(1).at("config").at("sparse_y_pred"), false);
  EXPECT_EQ(written.at(2).at("config").at("k"), 2);
  Model loaded = saving::load_model(dir / "metrics.keras");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_EQ(compiled_metric_names(loaded), compiled_metric_names(model));
  const auto& args = loaded.graph().training_state()->metrics_given.every_output;
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].name, "accuracy");
  ASSERT_NE(dynamic_cast<metric_types::MeanIoU*>(args[1].object.get()), nullptr);
  ASSERT_NE(dynamic_cast<metric_types::SparseTopKCategoricalAccuracy*>(args[2].object.get()), nullptr);
  EXPECT_EQ(loaded.evaluate(x, y, verbose = 0), model.evaluate(x, y, verbose = 0));
}

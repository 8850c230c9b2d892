// Real Keras files from ../shared/fixtures/keras (see its README): each loads and reproduces the oracle's
// ref_out*.npy from ref_in*.npy, and Keras's own recorded predictions where the fixture has them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "keras/keras.hpp"
#include "trainers/training_state.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// Appended, not concatenated with operator+: g++ 12 reports that as out of bounds (GCC bug 105651, fixed in 13).
std::string fixture(const std::string& name) {
  std::string path = KERASPP_SHARED_DIR;
  path += "/fixtures/keras/";
  path += name;
  return path;
}

// The fixtures are not shipped with the sources (see their licences); a checkout without them skips, saying so.
#define REQUIRE_FIXTURE(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture missing: " << (path)

// The recurrent layers are built on another branch: a fixture that needs one skips only while its class is not
// registered.
#define REQUIRE_LAYER(cls)         \
  if (!layers::is_registered(cls)) \
  GTEST_SKIP() << "layer class " << (cls) << " is not in this build of keraspp yet; this fixture needs it"

void expect_output_close(const Tensor& got, const Tensor& want, float tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what << ": got shape " << to_string(Shape::of(got.dims())) << ", want "
                                     << to_string(Shape::of(want.dims()));
  EXPECT_LE(max_abs_diff(got.reshape(want.dims()), want), tol) << what;
}

// What training_config compiled: the optimizer's class and learning rate, and the loss's name.
void expect_compiled(const Model& model, const std::string& optimizer, double learning_rate, const std::string& loss) {
  ASSERT_TRUE(model.compiled());
  EXPECT_EQ(model.optimizer()->class_name(), optimizer);
  EXPECT_FLOAT_EQ(static_cast<float>(model.optimizer()->learning_rate()), static_cast<float>(learning_rate));
  EXPECT_EQ(model.graph().training_state()->losses.at(0)->name(), loss);
}

void expect_reference(const Model& model, const std::string& stem, float tol) {
  Tensor x = numpy::load(fixture(stem + ".ref_in0.npy"));
  Tensor want = numpy::load(fixture(stem + ".ref_out0.npy"));
  expect_output_close(model.predict(x, verbose = 0).outputs().at(0), want, tol, stem + " ref_in0 -> ref_out0");
}

}  // namespace

TEST(SavingFixtures, K3MnistCnnKeras) {
  const std::string path = fixture("k3_mnist_cnn.keras");
  REQUIRE_FIXTURE(path);
  Model model = saving::load_model(path);
  EXPECT_EQ(model.class_name(), "Sequential");
  EXPECT_EQ(model.output_shape(), (Shape{None, 10}));
  EXPECT_TRUE(model.compiled());
  expect_reference(model, "k3_mnist_cnn", 1e-5f);
}

TEST(SavingFixtures, K3MnistCnnLegacyH5) {
  const std::string path = fixture("k3_mnist_cnn_legacy.h5");
  REQUIRE_FIXTURE(path);
  Model model = saving::load_model(path);
  EXPECT_EQ(model.output_shape(), (Shape{None, 10}));
  expect_reference(model, "k3_mnist_cnn_legacy", 1e-5f);
  // training_config: Adam(0.001), categorical_crossentropy, metrics ["accuracy"]; optimizer_weights hold Keras 3's
  // iteration, learning_rate and (momentum, velocity) of the 6 trainable variables, which are restored.
  expect_compiled(model, "Adam", 0.001, "categorical_crossentropy");
  EXPECT_EQ(model.graph().training_state()->metrics_given.every_output.at(0).name, "accuracy");
  EXPECT_GT(model.optimizer()->iterations(), 0);
  EXPECT_EQ(model.optimizer()->variables().size(), 14u);
  EXPECT_GT(max_abs_diff(model.optimizer()->variables()[3], Tensor::zeros({3, 3, 1, 32})), 0.0f);  // a velocity
}

TEST(SavingFixtures, Dl4jCnnBatchNormKeras213) {
  const std::string path = fixture("dl4j_cnn_batch_norm.h5");
  REQUIRE_FIXTURE(path);
  Model model = saving::load_model(path);
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  expect_reference(model, "dl4j_cnn_batch_norm", 1e-5f);
  // Keras 2.1.3's training_config: {"class_name": "Adam", "config": {"lr": 0.001, "decay": 0.0, ...}}, loss "mse".
  expect_compiled(model, "Adam", 0.001, "mse");
  EXPECT_EQ(model.optimizer()->learning_rate_schedule(), nullptr);
  // Keras 2.1.3's own predictions for its recorded input.
  Tensor x = numpy::load(fixture("dl4j_cnn_batch_norm.keras_input.npy"));
  Tensor want = numpy::load(fixture("dl4j_cnn_batch_norm.keras_predictions.npy"));
  expect_output_close(model.predict(x, verbose = 0).outputs().at(0), want, 1e-5f, "Keras 2.1.3 predictions");
}

TEST(SavingFixtures, LegacyWeightsIntoARebuiltModel) {
  // load_weights reads the model_weights of a full legacy file into a model built from the same config.
  const std::string path = fixture("k3_mnist_cnn_legacy.h5");
  REQUIRE_FIXTURE(path);
  Model loaded = saving::load_model(path);
  Model rebuilt = models::model_from_json(loaded.to_json());
  rebuilt.load_weights(path);
  Tensor x = numpy::load(fixture("k3_mnist_cnn_legacy.ref_in0.npy"));
  EXPECT_EQ(max_abs_diff(rebuilt.predict(x, verbose = 0).outputs().at(0), loaded.predict(x, verbose = 0).outputs().at(0)),
            0.0f);
}

TEST(SavingFixtures, Hls4mlConv1dGruHdf5UnderKerasName) {
  const std::string path = fixture("hls4ml_conv1d_gru_hdf5.keras");
  REQUIRE_FIXTURE(path);
  REQUIRE_LAYER("GRU");
  ::testing::internal::CaptureStderr();
  Model model = saving::load_model(path);
  const std::string err = ::testing::internal::GetCapturedStderr();
  expect_reference(model, "hls4ml_conv1d_gru_hdf5", 1e-4f);
  // tf.keras 2.11's training_config: "Custom>Adam", loss "mse". Its optimizer_weights hold only iteration:0 (the
  // optimizer never ran), which Keras 3 cannot match either: a fresh optimizer and Keras's warning.
  expect_compiled(model, "Adam", 0.001, "mse");
  EXPECT_EQ(model.optimizer()->iterations(), 0);
  EXPECT_NE(err.find("Error in loading the saved optimizer state"), std::string::npos) << err;
}

TEST(SavingFixtures, FdeepGruStatelessTwoInputs) {
  const std::string path = fixture("fdeep_gru_stateless.h5");
  REQUIRE_FIXTURE(path);
  REQUIRE_LAYER("GRU");
  Model model = saving::load_model(path);
  Data x{numpy::load(fixture("fdeep_gru_stateless.ref_in0.npy")), numpy::load(fixture("fdeep_gru_stateless.ref_in1.npy"))};
  Tensor want = numpy::load(fixture("fdeep_gru_stateless.ref_out0.npy"));
  expect_output_close(model.predict(x, verbose = 0).outputs().at(0), want, 1e-4f, "fdeep_gru_stateless");
}

TEST(SavingFixtures, Dl4jLstmTheanoJsonAndWeights) {
  const std::string json_path = fixture("dl4j_lstm_th_keras_2_config.json");
  REQUIRE_FIXTURE(json_path);
  REQUIRE_LAYER("LSTM");
  std::ifstream in(json_path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Model model = models::model_from_json(text);
  model.load_weights(fixture("dl4j_lstm_th_keras_2_weights.h5"));
  expect_reference(model, "dl4j_lstm_th_keras_2", 1e-4f);
  Tensor x = numpy::load(fixture("dl4j_lstm_th_keras_2.keras_input.npy"));
  Tensor want = numpy::load(fixture("dl4j_lstm_th_keras_2.keras_predictions.npy"));
  expect_output_close(model.predict(x, verbose = 0).outputs().at(0), want, 1e-4f, "Keras 2.0.8 predictions");
}

// The spellings of the Keras guide compile: `callbacks=` (the keyword) next to `callbacks::X` (the classes), under
// `using namespace keras; using namespace keras::kw;`, and keras::callbacks::X fully qualified.
#include "keras/callbacks/callbacks.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <type_traits>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

static_assert(std::is_base_of_v<keras::Callback, keras::callbacks::EarlyStopping>);
static_assert(std::is_same_v<callbacks::Callback, keras::Callback>);
static_assert(std::is_same_v<keras::callbacks::ModelCheckpoint, keras::callback_types::ModelCheckpoint>);
static_assert(std::is_base_of_v<Callback, callbacks::CSVLogger>);
static_assert(std::is_base_of_v<Callback, callbacks::ReduceLROnPlateau>);
static_assert(std::is_base_of_v<Callback, callbacks::LearningRateScheduler>);
static_assert(std::is_base_of_v<Callback, callbacks::TerminateOnNaN>);
static_assert(std::is_base_of_v<Callback, callbacks::LambdaCallback>);
static_assert(std::is_base_of_v<Callback, callbacks::ProgbarLogger>);

TEST(CallbackNames, KeywordAndClassesShareTheName) {
  // callbacks=[keras.callbacks.EarlyStopping(patience=2)]
  auto arg = (callbacks = {callbacks::EarlyStopping(patience = 2)});
  ASSERT_TRUE(arg.value.has_value());
  ASSERT_EQ(arg.value->size(), 1u);
  auto* es = dynamic_cast<callback_types::EarlyStopping*>(arg.value->at(0).get());
  ASSERT_NE(es, nullptr);
  EXPECT_EQ(es->patience, 2);

  keras::callbacks::EarlyStopping qualified(monitor = "loss", restore_best_weights = true);
  EXPECT_EQ(qualified.monitor, "loss");
  keras::callbacks::ModelCheckpoint checkpoint("best.keras", save_best_only = true);
  callbacks::ReduceLROnPlateau plateau(factor = 0.5);
  // An lvalue is used in place; a temporary is owned.
  auto list = (callbacks = {qualified, checkpoint, plateau, callbacks::TerminateOnNaN(),
                            callbacks::CSVLogger("log.csv"),
                            callbacks::LambdaCallback(on_epoch_end = [](int, Logs&) {}),
                            callbacks::LearningRateScheduler([](int, double lr) { return lr; })});
  ASSERT_EQ(list.value->size(), 7u);
  EXPECT_EQ(list.value->at(0).get(), &qualified);
  EXPECT_EQ(list.value->at(1).get(), &checkpoint);
  EXPECT_TRUE(list.value->at(3).owned != nullptr);
}

TEST(CallbackNames, FitAcceptsTheList) {
  Sequential model({layers::Dense(1, input_shape = {2})});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::full({4, 2}, 1.0f), y = Tensor::full({4, 1}, 0.5f);
  callbacks::EarlyStopping early(monitor = "loss", patience = 2);
  History history =
      model.fit(x, y, epochs = 2, verbose = 0,
                callbacks = {early, callbacks::TerminateOnNaN(), std::make_shared<callbacks::TerminateOnNaN>()});
  EXPECT_EQ(history.epoch.size(), 2u);
}

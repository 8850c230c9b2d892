// keras.callbacks.LearningRateScheduler, following keras/src/callbacks/learning_rate_scheduler.py (Keras 3).
#include "keras/callbacks/learning_rate_scheduler.hpp"

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"
#include "keras/optimizers/optimizer.hpp"

namespace keras::callback_types {

namespace {
optimizers::Optimizer& optimizer_of(Model& model) {
  auto opt = model.optimizer();
  if (!opt)
    throw ValueError("Optimizer must have a \"learning_rate\" attribute.",
                     ErrorDetails{.hint = "LearningRateScheduler needs the model's optimizer: call "
                                          "model.compile(optimizer=..., loss=...) before fit."});
  return *opt;
}
}  // namespace

LearningRateScheduler::LearningRateScheduler(const kw::Kwargs& k) {
  auto s = k.get<ScheduleFunction>("schedule");
  if (!s || !*s)
    throw TypeError("LearningRateScheduler.__init__() missing 1 required positional argument: 'schedule'",
                    ErrorDetails{.hint = "pass a function of (epoch, lr) returning the new learning rate."});
  schedule = *s;
  verbose = k.get_or<Verbosity>("verbose", Verbosity(0)).level;
}

void LearningRateScheduler::on_epoch_begin(int epoch, Logs&) {
  optimizers::Optimizer& opt = optimizer_of(model());
  const double lr = schedule(epoch, opt.learning_rate());
  opt.set_learning_rate(lr);
  if (verbose > 0)
    detail::print_msg("\nEpoch " + std::to_string(epoch + 1) + ": LearningRateScheduler setting learning rate to " +
                      py_float(lr) + ".");
}

void LearningRateScheduler::on_epoch_end(int, Logs& logs) {
  logs["learning_rate"] = optimizer_of(model()).learning_rate();
}

}  // namespace keras::callback_types

#pragma once
// keras.callbacks.LearningRateScheduler: sets the learning rate at each epoch's start from schedule(epoch, lr).
//   callbacks::LearningRateScheduler([](int epoch, double lr) { return epoch < 10 ? lr : lr * std::exp(-0.1); })
#include <concepts>
#include <functional>
#include <type_traits>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras {

// The schedule: a function of (epoch, current learning rate) returning the new rate, or, as Keras's old API
// allows, of the epoch alone.
struct ScheduleFunction {
  std::function<double(int, double)> fn;
  ScheduleFunction() = default;
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, ScheduleFunction> && std::invocable<F&, int, double> &&
             std::convertible_to<std::invoke_result_t<F&, int, double>, double>)
  ScheduleFunction(F f) : fn(std::move(f)) {}
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, ScheduleFunction> && !std::invocable<F&, int, double> &&
             std::invocable<F&, int> && std::convertible_to<std::invoke_result_t<F&, int>, double>)
  ScheduleFunction(F f)
      : fn([g = std::move(f)](int epoch, double) mutable { return static_cast<double>(g(epoch)); }) {}
  double operator()(int epoch, double lr) const { return fn(epoch, lr); }
  explicit operator bool() const { return static_cast<bool>(fn); }
};

}  // namespace keras

namespace keras::kw {
KERAS_KEYWORD(schedule, ScheduleFunction);
}  // namespace keras::kw

namespace keras::callback_types {

// At each epoch's start: lr = schedule(epoch, optimizer's lr), set on model.optimizer(); each epoch end adds
// "learning_rate" to the logs. verbose=1 prints "\nEpoch {e}: LearningRateScheduler setting learning rate to {lr}."
class LearningRateScheduler : public Callback {
 public:
  using keywords = kw::keywords<kw::schedule_t, kw::verbose_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LearningRateScheduler(A&&... a)
      : LearningRateScheduler(kw::collect<LearningRateScheduler>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit LearningRateScheduler(ScheduleFunction schedule, A&&... a)
      : LearningRateScheduler(
            kw::collect<LearningRateScheduler>(kw::schedule = std::move(schedule), std::forward<A>(a)...)) {}
  explicit LearningRateScheduler(const kw::Kwargs& kwargs);

  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

  ScheduleFunction schedule;
  int verbose = 0;
};

}  // namespace keras::callback_types

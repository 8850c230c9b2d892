#pragma once
// keras.callbacks.LambdaCallback: a callback made of functions.
//   callbacks::LambdaCallback(on_epoch_end=[](int epoch, Logs& logs) { std::cout << logs["loss"] << "\n"; })
#include <functional>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras {
// The hooks' function types: (epoch or batch, logs), and (logs) for the train begin/end hooks. Functions taking
// `const Logs&` or `Logs` fit as well.
using EpochHook = std::function<void(int, Logs&)>;
using LogsHook = std::function<void(Logs&)>;
}  // namespace keras

namespace keras::kw {
KERAS_KEYWORD(on_epoch_begin, EpochHook);
KERAS_KEYWORD(on_epoch_end, EpochHook);
KERAS_KEYWORD(on_train_batch_begin, EpochHook);
KERAS_KEYWORD(on_train_batch_end, EpochHook);
KERAS_KEYWORD(on_train_begin, LogsHook);
KERAS_KEYWORD(on_train_end, LogsHook);
// Keras's **kwargs: the other hooks of Callback.
KERAS_KEYWORD(on_test_begin, LogsHook);
KERAS_KEYWORD(on_test_end, LogsHook);
KERAS_KEYWORD(on_test_batch_begin, EpochHook);
KERAS_KEYWORD(on_test_batch_end, EpochHook);
KERAS_KEYWORD(on_predict_begin, LogsHook);
KERAS_KEYWORD(on_predict_end, LogsHook);
KERAS_KEYWORD(on_predict_batch_begin, EpochHook);
KERAS_KEYWORD(on_predict_batch_end, EpochHook);
}  // namespace keras::kw

namespace keras::callback_types {

class LambdaCallback : public Callback {
 public:
  using keywords = kw::keywords<kw::on_epoch_begin_t, kw::on_epoch_end_t, kw::on_train_batch_begin_t,
                                kw::on_train_batch_end_t, kw::on_train_begin_t, kw::on_train_end_t,
                                kw::on_test_begin_t, kw::on_test_end_t, kw::on_test_batch_begin_t,
                                kw::on_test_batch_end_t, kw::on_predict_begin_t, kw::on_predict_end_t,
                                kw::on_predict_batch_begin_t, kw::on_predict_batch_end_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LambdaCallback(A&&... a) : LambdaCallback(kw::collect<LambdaCallback>(std::forward<A>(a)...)) {}
  explicit LambdaCallback(const kw::Kwargs& kwargs);

  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_batch_begin(int batch, Logs& logs) override;
  void on_train_batch_end(int batch, Logs& logs) override;
  void on_train_begin(Logs& logs) override;
  void on_train_end(Logs& logs) override;
  void on_test_begin(Logs& logs) override;
  void on_test_end(Logs& logs) override;
  void on_test_batch_begin(int batch, Logs& logs) override;
  void on_test_batch_end(int batch, Logs& logs) override;
  void on_predict_begin(Logs& logs) override;
  void on_predict_end(Logs& logs) override;
  void on_predict_batch_begin(int batch, Logs& logs) override;
  void on_predict_batch_end(int batch, Logs& logs) override;

  // The functions (empty: nothing happens).
  EpochHook epoch_begin, epoch_end, train_batch_begin, train_batch_end;
  LogsHook train_begin, train_end;
  LogsHook test_begin, test_end, predict_begin, predict_end;
  EpochHook test_batch_begin, test_batch_end, predict_batch_begin, predict_batch_end;
};

}  // namespace keras::callback_types

// keras.callbacks.LambdaCallback, following keras/src/callbacks/lambda_callback.py (Keras 3).
#include "keras/callbacks/lambda_callback.hpp"

namespace keras::callback_types {

LambdaCallback::LambdaCallback(const kw::Kwargs& k)
    : epoch_begin(k.get_or<EpochHook>("on_epoch_begin", {})),
      epoch_end(k.get_or<EpochHook>("on_epoch_end", {})),
      train_batch_begin(k.get_or<EpochHook>("on_train_batch_begin", {})),
      train_batch_end(k.get_or<EpochHook>("on_train_batch_end", {})),
      train_begin(k.get_or<LogsHook>("on_train_begin", {})),
      train_end(k.get_or<LogsHook>("on_train_end", {})),
      test_begin(k.get_or<LogsHook>("on_test_begin", {})),
      test_end(k.get_or<LogsHook>("on_test_end", {})),
      predict_begin(k.get_or<LogsHook>("on_predict_begin", {})),
      predict_end(k.get_or<LogsHook>("on_predict_end", {})),
      test_batch_begin(k.get_or<EpochHook>("on_test_batch_begin", {})),
      test_batch_end(k.get_or<EpochHook>("on_test_batch_end", {})),
      predict_batch_begin(k.get_or<EpochHook>("on_predict_batch_begin", {})),
      predict_batch_end(k.get_or<EpochHook>("on_predict_batch_end", {})) {}

void LambdaCallback::on_epoch_begin(int epoch, Logs& logs) {
  if (epoch_begin) epoch_begin(epoch, logs);
}
void LambdaCallback::on_epoch_end(int epoch, Logs& logs) {
  if (epoch_end) epoch_end(epoch, logs);
}
void LambdaCallback::on_train_batch_begin(int batch, Logs& logs) {
  if (train_batch_begin) train_batch_begin(batch, logs);
}
void LambdaCallback::on_train_batch_end(int batch, Logs& logs) {
  if (train_batch_end) train_batch_end(batch, logs);
}
void LambdaCallback::on_train_begin(Logs& logs) {
  if (train_begin) train_begin(logs);
}
void LambdaCallback::on_train_end(Logs& logs) {
  if (train_end) train_end(logs);
}
void LambdaCallback::on_test_begin(Logs& logs) {
  if (test_begin) test_begin(logs);
}
void LambdaCallback::on_test_end(Logs& logs) {
  if (test_end) test_end(logs);
}
void LambdaCallback::on_test_batch_begin(int batch, Logs& logs) {
  if (test_batch_begin) test_batch_begin(batch, logs);
}
void LambdaCallback::on_test_batch_end(int batch, Logs& logs) {
  if (test_batch_end) test_batch_end(batch, logs);
}
void LambdaCallback::on_predict_begin(Logs& logs) {
  if (predict_begin) predict_begin(logs);
}
void LambdaCallback::on_predict_end(Logs& logs) {
  if (predict_end) predict_end(logs);
}
void LambdaCallback::on_predict_batch_begin(int batch, Logs& logs) {
  if (predict_batch_begin) predict_batch_begin(batch, logs);
}
void LambdaCallback::on_predict_batch_end(int batch, Logs& logs) {
  if (predict_batch_end) predict_batch_end(batch, logs);
}

}  // namespace keras::callback_types

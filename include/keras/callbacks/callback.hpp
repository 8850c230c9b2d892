#pragma once
// The callback interface users subclass, as keras.callbacks.Callback.
#include <map>
#include <string>

namespace keras {

class Model;
// What the callbacks receive: "loss", "accuracy", "val_loss", ... for the batch or epoch.
using Logs = std::map<std::string, double>;

// What fit tells the callbacks (Keras's callback.params).
struct TrainingParams {
  int verbose = 1;
  int epochs = 1;
  int steps = -1;  // steps per epoch; -1 when unknown
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Logs&) {}
  virtual void on_train_end(Logs&) {}
  virtual void on_epoch_begin(int /*epoch*/, Logs&) {}
  virtual void on_epoch_end(int /*epoch*/, Logs&) {}
  virtual void on_train_batch_begin(int /*batch*/, Logs&) {}
  virtual void on_train_batch_end(int /*batch*/, Logs&) {}
  virtual void on_test_begin(Logs&) {}
  virtual void on_test_end(Logs&) {}
  virtual void on_test_batch_begin(int /*batch*/, Logs&) {}
  virtual void on_test_batch_end(int /*batch*/, Logs&) {}
  virtual void on_predict_begin(Logs&) {}
  virtual void on_predict_end(Logs&) {}
  virtual void on_predict_batch_begin(int /*batch*/, Logs&) {}
  virtual void on_predict_batch_end(int /*batch*/, Logs&) {}

  // The model being trained (set by fit before on_train_begin).
  Model& model() const;
  void set_model(Model* m) { model_ = m; }
  const TrainingParams& params() const { return params_; }
  void set_params(const TrainingParams& p) { params_ = p; }

 private:
  Model* model_ = nullptr;
  TrainingParams params_;
};

}  // namespace keras

#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
// callbacks={callbacks::EarlyStopping(patience=2)}. The struct `callbacks` holding the callback classes is declared
// beside it in keras/callbacks/callbacks.hpp, in this same scope.
KERAS_KEYWORD(callbacks, std::vector<CallbackArg>);
}  // namespace keras::kw

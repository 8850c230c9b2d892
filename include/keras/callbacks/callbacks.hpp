#pragma once
// keras.callbacks: every built-in callback. Under `using namespace keras; using namespace keras::kw;` both
//   model.fit(x, y, callbacks={callbacks::EarlyStopping(patience=2)});
//   keras::callbacks::ModelCheckpoint ckpt("best.keras", save_best_only=true);
// compile: `callbacks` is at once the keyword object kw::callbacks (declared in callback.hpp) and the struct below
// holding the classes, declared in the same scope (`callbacks::X` looks up types only, `callbacks=` finds the
// object). The classes themselves live in keras::callback_types.
#include "keras/callbacks/backup_and_restore.hpp"
#include "keras/callbacks/callback.hpp"
#include "keras/callbacks/csv_logger.hpp"
#include "keras/callbacks/early_stopping.hpp"
#include "keras/callbacks/lambda_callback.hpp"
#include "keras/callbacks/learning_rate_scheduler.hpp"
#include "keras/callbacks/model_checkpoint.hpp"
#include "keras/callbacks/progbar_logger.hpp"
#include "keras/callbacks/reduce_lr_on_plateau.hpp"
#include "keras/callbacks/swap_ema_weights.hpp"
#include "keras/callbacks/tensorboard.hpp"
#include "keras/callbacks/terminate_on_nan.hpp"

namespace keras::kw {
struct callbacks {
  using BackupAndRestore = keras::callback_types::BackupAndRestore;
  using Callback = keras::Callback;
  using CSVLogger = keras::callback_types::CSVLogger;
  using EarlyStopping = keras::callback_types::EarlyStopping;
  using LambdaCallback = keras::callback_types::LambdaCallback;
  using LearningRateScheduler = keras::callback_types::LearningRateScheduler;
  using ModelCheckpoint = keras::callback_types::ModelCheckpoint;
  using ProgbarLogger = keras::callback_types::ProgbarLogger;
  using ReduceLROnPlateau = keras::callback_types::ReduceLROnPlateau;
  using SwapEMAWeights = keras::callback_types::SwapEMAWeights;
  using TensorBoard = keras::callback_types::TensorBoard;
  using TerminateOnNaN = keras::callback_types::TerminateOnNaN;
};
}  // namespace keras::kw

namespace keras {
using kw::callbacks;
}  // namespace keras

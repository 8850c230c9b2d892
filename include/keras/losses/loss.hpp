#pragma once
// The loss interface used by the trainer. A Loss computes the reduced loss and, in the same pass, its gradient
// with respect to y_pred, so training never recomputes the forward of the loss.
#include <memory>
#include <string>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::losses {

class Loss {
 public:
  virtual ~Loss() = default;
  // Keras's name: "sparse_categorical_crossentropy", "mean_squared_error", ...
  virtual std::string name() const = 0;
  // The reduced loss (Keras's reduction, default "sum_over_batch_size": sum of the weighted per-element losses
  // divided by their count). sample_weight: per-sample weights of shape (batch,) or nullptr. If grad is not null it
  // receives dLoss/dy_pred with y_pred's shape (already divided as the reduction divides).
  virtual double call(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight, Tensor* grad) const = 0;
  // The activation this loss can absorb for numerical stability when the model ends in it and from_logits is
  // false: "softmax" for (sparse) categorical cross-entropy, "sigmoid" for binary cross-entropy; "" otherwise.
  virtual std::string fusable_activation() const { return ""; }
  // As call(), with logits = the pre-activation of fusable_activation(); grad is then dLoss/dlogits.
  virtual double call_from_logits(const Tensor& y_true, const Tensor& logits, const Tensor* sample_weight,
                                  Tensor* grad) const;
  // Raised before training when targets of this shape cannot go with outputs of that shape (batch dims included,
  // None allowed), in Keras's words with a hint.
  virtual void check_shapes(const Shape& y_true, const Shape& y_pred) const;
  // The keywords it was made with, for get_config / saving.
  virtual kw::Kwargs get_config() const { return {}; }

  // Convenience as in Keras: loss(y_true, y_pred) -> scalar.
  double operator()(const Tensor& y_true, const Tensor& y_pred) const { return call(y_true, y_pred, nullptr, nullptr); }
};

// Resolves a name (with Keras's aliases: mse, mae, mape, msle, bce, kld, ...) or an object; an unknown name is a
// ValueError listing the valid ones.
std::shared_ptr<const Loss> get(const LossArg& arg);
std::vector<std::string> names();

}  // namespace keras::losses

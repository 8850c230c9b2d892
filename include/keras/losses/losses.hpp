#pragma once
// keras.losses: the Keras 3 loss classes, with Keras's names, defaults and formulas.
//
//   model.compile(optimizer="adam", loss=losses::SparseCategoricalCrossentropy(from_logits=true));
//   losses::Huber(delta=2.0);  losses::BinaryCrossentropy(label_smoothing=0.1);  losses::MeanSquaredError();
//   double l = losses::CategoricalCrossentropy()(y_true, y_pred);   // the reduced loss, as loss(y_true, y_pred)
//
// Every class takes Keras's keywords: reduction= ("sum_over_batch_size" by default, "sum", "mean",
// "mean_with_sample_weight", or "none"/None), name=, dtype= ("float32" only: float32 in, double inside; another is
// a ValueError), and its own (from_logits=, label_smoothing=, axis=, delta=, ...). As in Keras:
//   - per-sample losses are the mean over the last axis (MSE, MAE, MAPE, MSLE, Huber, LogCosh, hinge losses, Poisson,
//     binary cross-entropies), the sum over it (KLDivergence), or a reduction along the class axis (cross-entropies,
//     CosineSimilarity, CategoricalHinge);
//   - targets and outputs are first aligned by squeeze_or_expand_to_same_rank (a trailing axis of size 1 is dropped or
//     added when the ranks differ by one);
//   - probabilities are clipped to [1e-7, 1 - 1e-7]; categorical cross-entropy first normalises p / sum(p);
//   - "sum_over_batch_size" divides the sum of the weighted loss values by their number; a sample_weight of shape
//     (batch,) multiplies the losses of its sample.
// reduction="none": Keras returns the unreduced losses; here call() returns their (weighted) sum and its gradient,
// which is what training on an unreduced loss differentiates. compute_values() gives the unreduced losses.
#include <functional>
#include <optional>
#include <string>

#include "keras/losses/loss.hpp"

namespace keras::losses {

namespace detail {
class LossCore;
}

// A loss function: the losses of (y_true, y_pred), one per sample (or per element), written with keras::ops.
using LossFunction = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

// Keras's LossFunctionWrapper: a Loss computed by a loss function, reduced as Keras does (sample weights, masks,
// reduction=). The classes below wrap keras.losses' own functions; copies share their (immutable) configuration.
// A function of your own, as compile(loss=my_loss) or keras.losses.LossFunctionWrapper(my_loss) in Keras:
//   losses::LossFunctionWrapper([](const Tensor& y_true, const Tensor& y_pred) {
//     return ops::mean(ops::square(y_true - y_pred), -1);
//   }, name="my_mse")
// Its gradient comes from differentiating the function (keras/ops/ops.hpp); y_true and y_pred are first aligned
// as Keras's wrapper aligns them (a trailing axis of size 1 added or dropped).
class LossFunctionWrapper : public Loss {
 public:
  using keywords = kw::keywords<kw::reduction_t, kw::name_t, kw::dtype_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LossFunctionWrapper(LossFunction fn, A&&... a)
      : LossFunctionWrapper(std::move(fn), kw::collect<LossFunctionWrapper>(std::forward<A>(a)...)) {}
  LossFunctionWrapper(LossFunction fn, const kw::Kwargs& k);
  using Loss::operator();
  std::string name() const override;
  // "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight" or "none".
  const std::string& reduction() const;
  double call(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight, Tensor* grad) const override;
  std::string fusable_activation() const override;
  double call_from_logits(const Tensor& y_true, const Tensor& logits, const Tensor* sample_weight,
                          Tensor* grad) const override;
  void check_shapes(const Shape& y_true, const Shape& y_pred) const override;
  kw::Kwargs get_config() const override;

  // The unreduced losses (Keras's loss functions, or reduction="none"): y_pred's shape without the reduced axis.
  Tensor compute_values(const Tensor& y_true, const Tensor& y_pred) const;
  // loss(y_true, y_pred, sample_weight)
  double operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) const;

  const detail::LossCore& core() const { return *core_; }

 protected:
  LossFunctionWrapper() = default;
  // Reads reduction=, name= and dtype= (the class's default name applies when name is not given; a dtype other than
  // float32 is a ValueError).
  void init(std::shared_ptr<detail::LossCore> core, const kw::Kwargs& k, const std::string& default_name);

 private:
  std::shared_ptr<const detail::LossCore> core_;
};

// The keyword-constructor boilerplate every loss class shares.
#define KERAS_LOSS_CONSTRUCTORS(Class, ...)                                                         \
 public:                                                                                            \
  using keywords = kw::keywords<kw::reduction_t, kw::name_t, kw::dtype_t __VA_OPT__(, ) __VA_ARGS__>; \
  template <class... A>                                                                             \
    requires kw::all_kwargs<A...>                                                                   \
  explicit Class(A&&... a) : Class(kw::collect<Class>(std::forward<A>(a)...)) {}                    \
  explicit Class(const kw::Kwargs& k);

// mean(square(y_true - y_pred), axis=-1). Name "mean_squared_error"; get("mse").
class MeanSquaredError : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(MeanSquaredError)
};

// mean(abs(y_true - y_pred), axis=-1). Name "mean_absolute_error"; get("mae").
class MeanAbsoluteError : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(MeanAbsoluteError)
};

// 100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1). get("mape").
class MeanAbsolutePercentageError : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(MeanAbsolutePercentageError)
};

// mean(square(log(maximum(y_pred, eps) + 1) - log(maximum(y_true, eps) + 1)), axis=-1). get("msle").
class MeanSquaredLogarithmicError : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(MeanSquaredLogarithmicError)
};

// BinaryCrossentropy(from_logits=false, label_smoothing=0, axis=-1): mean over `axis` of
// -(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7]; from logits, computed stably as
// max(x, 0) - x y + log(1 + exp(-|x|)). Label smoothing squeezes the targets towards 0.5. get("bce").
class BinaryCrossentropy : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(BinaryCrossentropy, kw::from_logits_t, kw::label_smoothing_t, kw::axis_t)
  template <class... A>
  explicit BinaryCrossentropy(bool from_logits, A&&... a)
      : BinaryCrossentropy(kw::collect<BinaryCrossentropy>(kw::from_logits = from_logits, std::forward<A>(a)...)) {}
};

// BinaryFocalCrossentropy(apply_class_balancing=false, alpha=0.25, gamma=2.0, from_logits=false,
// label_smoothing=0, axis=-1): (1 - p_t)^gamma * BCE, weighted alpha / 1 - alpha with class balancing.
class BinaryFocalCrossentropy : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(BinaryFocalCrossentropy, kw::apply_class_balancing_t, kw::alpha_t, kw::gamma_t,
                          kw::from_logits_t, kw::label_smoothing_t, kw::axis_t)
  template <class... A>
  explicit BinaryFocalCrossentropy(bool apply_class_balancing, A&&... a)
      : BinaryFocalCrossentropy(kw::collect<BinaryFocalCrossentropy>(
            kw::apply_class_balancing = apply_class_balancing, std::forward<A>(a)...)) {}
};

// CategoricalCrossentropy(from_logits=false, label_smoothing=0, axis=-1): -sum(y * log(p / sum(p))) with the ratio
// clipped to [1e-7, 1 - 1e-7]; from logits, -sum(y * log_softmax(x)). Targets are one-hot rows of the output's
// shape; label smoothing uses y * (1 - ls) + ls / num_classes.
class CategoricalCrossentropy : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(CategoricalCrossentropy, kw::from_logits_t, kw::label_smoothing_t, kw::axis_t)
  template <class... A>
  explicit CategoricalCrossentropy(bool from_logits, A&&... a)
      : CategoricalCrossentropy(
            kw::collect<CategoricalCrossentropy>(kw::from_logits = from_logits, std::forward<A>(a)...)) {}
};

// CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=false, label_smoothing=0, axis=-1):
// sum(alpha * (1 - q)^gamma * -y * log(q)) over the class axis, q = p / sum(p) (softmax(x) from logits) clipped to
// [1e-7, 1 - 1e-7]. Targets one-hot as CategoricalCrossentropy's. Name "categorical_focal_crossentropy".
class CategoricalFocalCrossentropy : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(CategoricalFocalCrossentropy, kw::alpha_t, kw::gamma_t, kw::from_logits_t,
                          kw::label_smoothing_t, kw::axis_t)
  template <class... A>
  explicit CategoricalFocalCrossentropy(double alpha, A&&... a)
      : CategoricalFocalCrossentropy(
            kw::collect<CategoricalFocalCrossentropy>(kw::alpha = alpha, std::forward<A>(a)...)) {}
};

// SparseCategoricalCrossentropy(from_logits=false, ignore_class=None): as CategoricalCrossentropy with integer class
// ids as targets (shape of the output without its last axis; a trailing axis of size 1 is squeezed).
class SparseCategoricalCrossentropy : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(SparseCategoricalCrossentropy, kw::from_logits_t, kw::ignore_class_t)
  template <class... A>
  explicit SparseCategoricalCrossentropy(bool from_logits, A&&... a)
      : SparseCategoricalCrossentropy(
            kw::collect<SparseCategoricalCrossentropy>(kw::from_logits = from_logits, std::forward<A>(a)...)) {}
};

// Huber(delta=1.0): 0.5 x^2 where |x| <= delta, delta |x| - 0.5 delta^2 elsewhere, x = y_pred - y_true; mean over
// the last axis. Name "huber_loss"; get("huber").
class Huber : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(Huber, kw::delta_t)
  template <class... A>
  explicit Huber(double delta, A&&... a) : Huber(kw::collect<Huber>(kw::delta = delta, std::forward<A>(a)...)) {}
};

// mean(maximum(1 - y_true * y_pred, 0), axis=-1); 0/1 targets are converted to -1/1.
class Hinge : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(Hinge)
};

// mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1); 0/1 targets are converted to -1/1.
class SquaredHinge : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(SquaredHinge)
};

// maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis.
class CategoricalHinge : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(CategoricalHinge)
};

// sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [1e-7, 1]. Name "kl_divergence"; get("kld").
class KLDivergence : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(KLDivergence)
};

// mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1).
class Poisson : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(Poisson)
};

// mean(x + softplus(-2x) - log(2), axis=-1) with x = y_pred - y_true. Name "log_cosh".
class LogCosh : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(LogCosh)
};

// CosineSimilarity(axis=-1): -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis).
class CosineSimilarity : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(CosineSimilarity, kw::axis_t)
  template <class... A>
  explicit CosineSimilarity(int axis, A&&... a)
      : CosineSimilarity(kw::collect<CosineSimilarity>(kw::axis = axis, std::forward<A>(a)...)) {}
};

// Dice(axis=None): 1 - 2 sum(y * p) / (sum(y) + sum(p) + 1e-7), summed over `axis` (an int or a list); with
// axis None over every element, batch included, which gives one value for the whole batch. Name "dice".
class Dice : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(Dice, kw::axis_t)
};

// Tversky(alpha=0.5, beta=0.5, axis=None): 1 - I / (I + alpha sum(y (1 - p)) + beta sum(p (1 - y)) + 1e-7), I =
// sum(y * p), over `axis` as Dice. Keras's code weighs the missed targets by alpha and the false alarms by beta (its
// docstring says the reverse); keraspp follows the code. Name "tversky".
class Tversky : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(Tversky, kw::alpha_t, kw::beta_t, kw::axis_t)
  template <class... A>
  explicit Tversky(double alpha, A&&... a) : Tversky(kw::collect<Tversky>(kw::alpha = alpha, std::forward<A>(a)...)) {}
};

// CTC(): the connectionist temporal classification loss of logits y_pred (batch, time_steps, num_classes) for label
// rows y_true (batch, max_length): class 0 is the blank and the padding (labels run from 1, padded with 0 at the
// end), every sequence uses all time steps, and the logits are log-softmaxed inside. Per sequence -log P(labels);
// +inf when the labels cannot fit in the time steps. Name "ctc".
class CTC : public LossFunctionWrapper {
  KERAS_LOSS_CONSTRUCTORS(CTC)
};

#undef KERAS_LOSS_CONSTRUCTORS

// As get(arg), and resolves "crossentropy" / "ce" by the shapes as Keras's compile_utils.get_loss does: binary
// cross-entropy when the output's last dim is 1, sparse categorical when the targets have a lower rank (or a last dim
// of 1 against several classes), categorical otherwise.
std::shared_ptr<const Loss> get(const LossArg& arg, const Shape& y_true, const Shape& y_pred);

}  // namespace keras::losses

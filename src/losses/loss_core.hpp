#pragma once
// Internal machinery of the losses (and of the metrics built on the same per-sample functions).
//
// A LossCore is Keras's loss *function* (keras/src/losses/losses.py: mean_squared_error, categorical_crossentropy,
// ...) together with its exact derivative with respect to y_pred. evaluate() adds what keras.losses.Loss.__call__
// does around it (keras/src/losses/loss.py): squeeze_or_expand_to_same_rank, sample weights, masks and the
// reduction, and produces the reduced value and dLoss/dy_pred in one pass.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"

namespace keras::losses::detail {

// keras.backend.epsilon().
inline constexpr double kEpsilon = 1e-7;
// The bounds of Keras's clip(p, epsilon, 1 - epsilon) as float32 computes them: 1 - 1e-7 rounds to 0.99999988.
inline constexpr double kClipLo = static_cast<double>(1e-7f);
inline constexpr double kClipHi = static_cast<double>(1.0f - 1e-7f);

// ---- shapes -------------------------------------------------------------------------------------------------------

std::vector<int64_t> concrete(const Shape& s);
// Keras's losses.loss.squeeze_or_expand_to_same_rank on two shapes (a trailing axis of size 1 is squeezed or added
// when the ranks differ by exactly one).
void squeeze_or_expand(Shape& x1, Shape& x2, bool expand_rank_1 = true);
// Python's print of a list of dims: [32, 10], [None, 10].
std::string shape_list(const Shape& s);
// The shape with its batch dimension shown as None: (None, 28, 28, 10).
std::string batchless(const Shape& s);
// Numpy broadcasting of known dims; throws ValueError in keras.ops' words when they do not broadcast.
std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
// Keras's ops broadcast check on symbolic shapes (None broadcasts with anything). Returns "" when they broadcast,
// otherwise the message of keras/src/ops/operation_utils.py::broadcast_shapes.
std::string broadcast_error(const Shape& shape1, const Shape& shape2);
Shape broadcast_shape(const Shape& a, const Shape& b);
// Two dims agree: equal, or one of them None.
bool dims_agree(const Dim& a, const Dim& b);
bool shapes_agree(const Shape& a, const Shape& b);
int normalize_axis(int axis, int ndim);

// Values of `src` (dims `from`) laid out over the broadcast dims `to` (same rank, numpy rules).
std::vector<float> broadcast_to(const float* src, const std::vector<int64_t>& from, const std::vector<int64_t>& to);
// The inverse for gradients: sums `g` (dims `to`) into `out` (dims `from`), adding to what is there.
void sum_to(const float* g, const std::vector<int64_t>& to, const std::vector<int64_t>& from, float* out);
// Padded with leading 1s to rank n.
std::vector<int64_t> pad_left(const std::vector<int64_t>& d, size_t n);

// The elements of dims `d` split along `axis` as (outer, n, inner): element (o, j, i) is at (o*n + j)*inner + i and
// belongs to reduced value o*inner + i.
struct Rows {
  int64_t outer = 1, n = 1, inner = 1;
};
Rows rows_along(const std::vector<int64_t>& d, int axis);

// ---- the loss functions -------------------------------------------------------------------------------------------

class LossCore {
 public:
  virtual ~LossCore() = default;

  std::string name;
  std::string reduction = "sum_over_batch_size";
  kw::Kwargs config;  // for get_config

  // Aligns target and output shapes the way Keras does before computing (squeeze_or_expand_to_same_rank and the
  // function's own squeezes), and raises Keras's ValueError with a hint when they cannot go together. Dims may be
  // None.
  virtual void align(Shape& t, Shape& p) const = 0;
  // The dims of the unreduced losses for aligned concrete dims.
  virtual std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const = 0;
  // Computes the unreduced losses of aligned t and p: returns sum_v mult[v] * value[v] (mult may be null: all 1).
  // values (if not null) receives each value; grad (if not null, zero-filled, p's layout) receives
  // sum_v mult[v] * dvalue[v]/dp. logits: p holds the pre-activation of fusable() (or from_logits=true).
  virtual double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
                     bool logits) const = 0;
  // Per-value validity (ignore_class); empty when every value counts.
  virtual std::vector<uint8_t> valid_mask(const Tensor&, const Tensor&) const { return {}; }
  // The activation this loss absorbs when computing from logits ("softmax" / "sigmoid"), or "".
  virtual std::string fusable() const { return ""; }
  // from_logits=true: run() is always called with logits.
  bool from_logits = false;
};

// keras.losses.Loss.__call__: aligned shapes, sample weights (shape (batch,) or the values' shape), masks and the
// reduction. Returns the reduced loss; grad (if not null) receives dLoss/dy_pred with y_pred's dims.
double evaluate(const LossCore& core, const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight,
                Tensor* grad, bool logits);
// The unreduced losses (Keras's Loss.call / the loss function itself).
Tensor unreduced(const LossCore& core, const Tensor& y_true, const Tensor& y_pred);
// Checks shapes only (dims may be None).
void check(const LossCore& core, const Shape& y_true, const Shape& y_pred);

// Per-value weights of a reduction: mult[v] such that the reduced loss is sum_v mult[v] * value[v].
std::vector<double> reduction_weights(const std::vector<int64_t>& value_dims, const Tensor* sample_weight,
                                      const std::vector<uint8_t>& valid, const std::string& reduction);
// Keras's standardize_reduction: the canonical name, or a ValueError.
std::string standardize_reduction(const kw::Kwargs& k);

// ---- factories (the loss functions of keras/src/losses/losses.py) ------------------------------------------------

enum class Elementwise {
  kMeanSquaredError,
  kMeanAbsoluteError,
  kMeanAbsolutePercentageError,
  kMeanSquaredLogarithmicError,
  kHuber,
  kLogCosh,
  kHinge,
  kSquaredHinge,
  kPoisson,
  kKLDivergence,
  kAccuracy,        // metric only: y_true == y_pred
  kBinaryAccuracy,  // metric only: y_true == (y_pred > threshold)
};
struct ElementwiseOptions {
  double delta = 1.0;      // Huber
  double threshold = 0.5;  // BinaryAccuracy
};
std::shared_ptr<LossCore> make_elementwise(Elementwise kind, ElementwiseOptions opt = {});
std::shared_ptr<LossCore> make_binary_crossentropy(bool from_logits, double label_smoothing, int axis);
std::shared_ptr<LossCore> make_binary_focal_crossentropy(bool apply_class_balancing, double alpha, double gamma,
                                                         bool from_logits, double label_smoothing, int axis);
std::shared_ptr<LossCore> make_categorical_crossentropy(bool from_logits, double label_smoothing, int axis);
std::shared_ptr<LossCore> make_categorical_focal_crossentropy(double alpha, double gamma, bool from_logits,
                                                              double label_smoothing, int axis);
std::shared_ptr<LossCore> make_sparse_categorical_crossentropy(bool from_logits, std::optional<int> ignore_class);
std::shared_ptr<LossCore> make_categorical_hinge();
// Dice and Tversky over the axes given (all of them when empty: one value for the whole batch).
std::shared_ptr<LossCore> make_tversky(double alpha, double beta, std::vector<int64_t> axes, bool dice);
// CTC: integer label rows (batch, max_length) padded with 0 (the blank), logits (batch, time, classes).
std::shared_ptr<LossCore> make_ctc();
// sign -1: the loss (keras.losses.cosine_similarity); +1: the metric (keras.metrics.cosine_similarity).
std::shared_ptr<LossCore> make_cosine_similarity(int axis, double sign);

// ---- shape-check messages shared by the cores (Keras 3 wording, hints for this library's users) -------------------

[[noreturn]] void throw_rank_mismatch(const Shape& t, const Shape& p, const std::string& loss);
[[noreturn]] void throw_shape_mismatch(const Shape& t, const Shape& p, const std::string& loss);
[[noreturn]] void throw_sparse_mismatch(const Shape& t, const Shape& p);
[[noreturn]] void throw_broadcast_mismatch(const std::string& message, const Shape& t, const Shape& p,
                                           const std::string& loss);

}  // namespace keras::losses::detail

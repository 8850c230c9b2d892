#pragma once
// keras.metrics: the Keras 3 metric classes, with Keras's names, defaults and streaming semantics.
//
//   model.compile(optimizer="adam", loss="binary_crossentropy",
//                 metrics={"accuracy", metrics::Precision(), metrics::AUC(curve="PR")});
//   metrics::Mean m;  m.update_state({1, 3, 5, 7}, {1, 1, 0, 0});  m.result();   // 2
//
// Under `using namespace keras; using namespace keras::kw;`, `metrics::Precision()` names the class (through the
// struct keras::kw::metrics below) and `metrics={...}` the keyword: a variable and a class may share a name, and
// `metrics::X` looks up only types.
//
// Streaming as in Keras: MeanMetricWrapper metrics keep a weighted running mean of their per-sample values (a
// sample_weight of shape (batch,) weighs each sample); confusion-matrix metrics (TruePositives, ..., Precision,
// Recall, AUC) accumulate weighted counts; F1Score and R2Score accumulate their sums. result() is the value Keras
// reports (for a vector result, see Metric::result_values()). Metrics created without a name get Keras's automatic
// one: "precision", then "precision_1", ... (keras.utils.naming.auto_name; utils::clear_session() resets it).
// dtype= takes "float32" only, as keraspp computes; another is a ValueError.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/metrics/metric.hpp"

namespace keras::kw {
// AUC(summation_method="interpolation" | "minoring" | "majoring", multi_label=false, num_labels=None)
KERAS_KEYWORD(summation_method, std::string);
KERAS_KEYWORD(multi_label, bool);
KERAS_KEYWORD(num_labels, int);
// R2Score(class_aggregation="uniform_average" | "variance_weighted_average" | None, num_regressors=0)
KERAS_KEYWORD(class_aggregation, std::string);
KERAS_KEYWORD(num_regressors, int);
// IoU(num_classes, target_class_ids, sparse_y_true=true, sparse_y_pred=true)
KERAS_KEYWORD(target_class_ids, std::vector<int64_t>);
KERAS_KEYWORD(sparse_y_true, bool);
KERAS_KEYWORD(sparse_y_pred, bool);
// SensitivityAtSpecificity(specificity), SpecificityAtSensitivity(sensitivity), PrecisionAtRecall(recall),
// RecallAtPrecision(precision)
KERAS_KEYWORD(specificity, double);
KERAS_KEYWORD(sensitivity, double);
KERAS_KEYWORD(recall, double);
KERAS_KEYWORD(precision, double);
}  // namespace keras::kw

namespace keras::losses::detail {
class LossCore;
}

namespace keras::metric_types {

namespace detail {
// The name and configuration every metric keeps.
class NamedMetric : public Metric {
 public:
  std::string name() const override { return name_; }
  kw::Kwargs get_config() const override { return config_; }
  std::string direction() const override { return direction_; }

 protected:
  // name= if given, else default_name, else Keras's auto_name(class_name): "precision", "precision_1", ...
  void init_name(const kw::Kwargs& k, const std::string& default_name, const std::string& class_name);
  std::string name_;
  kw::Kwargs config_;
  std::string direction_;
};
}  // namespace detail

// The keyword-constructor boilerplate of the metric classes.
#define KERAS_METRIC_CONSTRUCTORS(Class, ...)                                                    \
 public:                                                                                         \
  using keywords = kw::keywords<kw::name_t, kw::dtype_t __VA_OPT__(, ) __VA_ARGS__>;             \
  template <class... A>                                                                          \
    requires kw::all_kwargs<A...>                                                                \
  explicit Class(A&&... a) : Class(kw::collect<Class>(std::forward<A>(a)...)) {}                 \
  explicit Class(const kw::Kwargs& k);                                                           \
  std::shared_ptr<Metric> clone() const override;

// Keras's first positional parameter is the name: Accuracy("acc").
#define KERAS_METRIC_NAME_FIRST(Class)                                                             \
  template <class... A>                                                                            \
  explicit Class(std::string name, A&&... a)                                                       \
      : Class(kw::collect<Class>(kw::name = std::move(name), std::forward<A>(a)...)) {}

// Keras's first positional parameter is thresholds: Precision(0.7), Precision({0.3, 0.7}).
#define KERAS_METRIC_THRESHOLDS_FIRST(Class)                                                                    \
  template <class... A>                                                                                         \
  explicit Class(double thresholds, A&&... a)                                                                   \
      : Class(kw::collect<Class>(kw::thresholds = kw::thresholds_t::type{thresholds}, std::forward<A>(a)...)) {} \
  template <class... A>                                                                                         \
  explicit Class(std::vector<double> thresholds, A&&... a)                                                      \
      : Class(kw::collect<Class>(kw::thresholds = std::move(thresholds), std::forward<A>(a)...)) {}

// ---- reduction metrics --------------------------------------------------------------------------------------------

// Mean(name="mean"): the weighted mean of the values given: update_state(values) or update_state(values, weights).
class Mean : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(Mean)
  KERAS_METRIC_NAME_FIRST(Mean)
  void update_state(const Tensor& values) { accumulate(values, nullptr); }
  void update_state(const Tensor& values, const Tensor& sample_weight) { accumulate(values, &sample_weight); }
  // Mean takes values, not (y_true, y_pred): a TypeError, as in Keras.
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) override;
  double result() const override;
  void reset_state() override;

 protected:
  Mean(const kw::Kwargs& k, const std::string& default_name);
  // reduce_to_samplewise_values + the running total and count.
  void accumulate(const Tensor& values, const Tensor* sample_weight);
  double total_ = 0, count_ = 0;
};

// Sum(name="sum"): the weighted sum of the values given.
class Sum : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(Sum)
  KERAS_METRIC_NAME_FIRST(Sum)
  void update_state(const Tensor& values) { accumulate(values, nullptr); }
  void update_state(const Tensor& values, const Tensor& sample_weight) { accumulate(values, &sample_weight); }
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) override;
  double result() const override { return total_; }
  void reset_state() override { total_ = 0; }

 private:
  void accumulate(const Tensor& values, const Tensor* sample_weight);
  double total_ = 0;
};

// MeanMetricWrapper(fn, name=...): the running mean of fn(y_true, y_pred), a function returning per-sample values.
class MeanMetricWrapper : public Mean {
 public:
  using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;
  using keywords = kw::keywords<kw::name_t, kw::dtype_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MeanMetricWrapper(Fn fn, A&&... a)
      : MeanMetricWrapper(std::move(fn), kw::collect<MeanMetricWrapper>(std::forward<A>(a)...), std::string()) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  std::shared_ptr<Metric> clone() const override;

 protected:
  MeanMetricWrapper(Fn fn, const kw::Kwargs& k, const std::string& default_name);
  Fn fn_;
};

#define KERAS_MEAN_METRIC(Class, ...)                                 \
  class Class : public MeanMetricWrapper {                            \
    KERAS_METRIC_CONSTRUCTORS(Class __VA_OPT__(, ) __VA_ARGS__)       \
    KERAS_METRIC_NAME_FIRST(Class)                                    \
  };

// ---- accuracy metrics (accuracy_metrics.py) -----------------------------------------------------------------------

// How often y_pred equals y_true. Name "accuracy".
KERAS_MEAN_METRIC(Accuracy)
// How often (y_pred > threshold) equals y_true; threshold=0.5. Name "binary_accuracy".
KERAS_MEAN_METRIC(BinaryAccuracy, kw::threshold_t)
// How often argmax(y_pred) equals argmax(y_true) (one-hot targets). Name "categorical_accuracy".
KERAS_MEAN_METRIC(CategoricalAccuracy)
// How often argmax(y_pred) equals the integer target. Name "sparse_categorical_accuracy".
KERAS_MEAN_METRIC(SparseCategoricalAccuracy)

// How often the one-hot target is among the k highest predictions; k=5. Name "top_k_categorical_accuracy".
class TopKCategoricalAccuracy : public MeanMetricWrapper {
  KERAS_METRIC_CONSTRUCTORS(TopKCategoricalAccuracy, kw::k_t)
  template <class... A>
  explicit TopKCategoricalAccuracy(int k, A&&... a)
      : TopKCategoricalAccuracy(kw::collect<TopKCategoricalAccuracy>(kw::k = k, std::forward<A>(a)...)) {}
};
// How often the integer target is among the k highest predictions; k=5. Name "sparse_top_k_categorical_accuracy".
class SparseTopKCategoricalAccuracy : public MeanMetricWrapper {
  KERAS_METRIC_CONSTRUCTORS(SparseTopKCategoricalAccuracy, kw::k_t)
  template <class... A>
  explicit SparseTopKCategoricalAccuracy(int k, A&&... a)
      : SparseTopKCategoricalAccuracy(kw::collect<SparseTopKCategoricalAccuracy>(kw::k = k, std::forward<A>(a)...)) {}
};

// ---- regression metrics (regression_metrics.py): the loss functions as running means ------------------------------

KERAS_MEAN_METRIC(MeanSquaredError)             // "mean_squared_error"
KERAS_MEAN_METRIC(MeanAbsoluteError)            // "mean_absolute_error"
KERAS_MEAN_METRIC(MeanAbsolutePercentageError)  // "mean_absolute_percentage_error"
KERAS_MEAN_METRIC(MeanSquaredLogarithmicError)  // "mean_squared_logarithmic_error"
KERAS_MEAN_METRIC(CosineSimilarity, kw::axis_t) // "cosine_similarity": +sum(l2_norm(y_true) * l2_norm(y_pred))
KERAS_MEAN_METRIC(LogCoshError)                 // "logcosh"

// ---- correlation metrics (correlation_metrics.py): running means of one correlation per sample --------------------
// Each sample's correlation is taken along `axis` (default -1: over each row's elements); the metric is the mean over
// every sample seen, weighted by sample_weight. Rank-1 inputs give one correlation per batch. Moments are population
// ones (ddof 0) and epsilon is 1e-7, as Keras's:
//   Pearson:     mean((t - mean t) / (std t + eps) * (p - mean p) / (std p + eps))   (a constant sample gives 0)
//   Concordance: mean(2 (t - mean p)(p - mean p)) / (var t + var p + (mean t - mean p)^2 + eps)   (Lin's CCC)
KERAS_MEAN_METRIC(PearsonCorrelation, kw::axis_t)      // "pearson_correlation"
KERAS_MEAN_METRIC(ConcordanceCorrelation, kw::axis_t)  // "concordance_correlation"

// sqrt of the running weighted mean of (y_pred - y_true)^2. Name "root_mean_squared_error".
class RootMeanSquaredError : public Mean {
  KERAS_METRIC_CONSTRUCTORS(RootMeanSquaredError)
  KERAS_METRIC_NAME_FIRST(RootMeanSquaredError)
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
};

// R2Score(class_aggregation="uniform_average", num_regressors=0): the coefficient of determination of 2-D targets.
class R2Score : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(R2Score, kw::class_aggregation_t, kw::num_regressors_t)
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  std::vector<double> result_values() const override;
  void reset_state() override;

 private:
  std::string aggregation_;  // "" for None
  int num_regressors_ = 0;
  double num_samples_ = 0;
  std::vector<double> squared_sum_, sum_, residual_, count_;
};

// ---- probabilistic and hinge metrics: the loss functions as running means ----------------------------------------

KERAS_MEAN_METRIC(BinaryCrossentropy, kw::from_logits_t, kw::label_smoothing_t)
KERAS_MEAN_METRIC(CategoricalCrossentropy, kw::from_logits_t, kw::label_smoothing_t, kw::axis_t)
KERAS_MEAN_METRIC(SparseCategoricalCrossentropy, kw::from_logits_t, kw::axis_t)
KERAS_MEAN_METRIC(KLDivergence)
KERAS_MEAN_METRIC(Poisson)
KERAS_MEAN_METRIC(Hinge)
KERAS_MEAN_METRIC(SquaredHinge)
KERAS_MEAN_METRIC(CategoricalHinge)

// ---- confusion-matrix metrics (confusion_metrics.py) --------------------------------------------------------------

namespace detail {
// Weighted confusion counts at each threshold (per label too when multi_label).
struct Confusion {
  std::vector<double> tp, fp, tn, fn;
  void reset(size_t n) { tp.assign(n, 0), fp.assign(n, 0), tn.assign(n, 0), fn.assign(n, 0); }
};
// metrics_utils.update_confusion_matrix_variables: y_pred > threshold counts as positive, y_true != 0 as a
// positive label; top_k keeps each row's k highest predictions, class_id one column.
void update_confusion(Confusion& c, const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight,
                      const std::vector<double>& thresholds, bool evenly_distributed,
                      std::optional<int> top_k = std::nullopt, std::optional<int> class_id = std::nullopt,
                      bool multi_label = false, int64_t num_labels = 1);

// TruePositives, FalsePositives, TrueNegatives, FalseNegatives.
class ConfusionCount : public NamedMetric {
 public:
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  std::vector<double> result_values() const override;
  void reset_state() override;

 protected:
  enum class Which { kTP, kFP, kTN, kFN };
  ConfusionCount(const kw::Kwargs& k, Which which, const std::string& class_name);
  Which which_;
  std::vector<double> thresholds_;
  bool evenly_ = false;
  Confusion c_;
};
}  // namespace detail

#define KERAS_CONFUSION_COUNT(Class)                                     \
  class Class : public detail::ConfusionCount {                          \
    KERAS_METRIC_CONSTRUCTORS(Class, kw::thresholds_t)                   \
    KERAS_METRIC_THRESHOLDS_FIRST(Class)                                 \
  };

// The weighted number of true positives at each threshold (default 0.5). Name "true_positives" (auto-named).
KERAS_CONFUSION_COUNT(TruePositives)
KERAS_CONFUSION_COUNT(FalsePositives)
KERAS_CONFUSION_COUNT(TrueNegatives)
KERAS_CONFUSION_COUNT(FalseNegatives)

// Precision(thresholds=None, top_k=None, class_id=None): tp / (tp + fp); thresholds default to 0.5 (to none, i.e.
// every top-k prediction, with top_k). Name "precision" (auto-named: "precision_1" for the second one).
class Precision : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(Precision, kw::thresholds_t, kw::top_k_t, kw::class_id_t)
  KERAS_METRIC_THRESHOLDS_FIRST(Precision)
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  std::vector<double> result_values() const override;
  void reset_state() override;

 protected:
  Precision(const kw::Kwargs& k, const std::string& class_name);
  std::vector<double> thresholds_;
  bool evenly_ = false;
  std::optional<int> top_k_, class_id_;
  detail::Confusion c_;
};

// Recall(thresholds=None, top_k=None, class_id=None): tp / (tp + fn). Name "recall".
class Recall : public Precision {
  KERAS_METRIC_CONSTRUCTORS(Recall, kw::thresholds_t, kw::top_k_t, kw::class_id_t)
  KERAS_METRIC_THRESHOLDS_FIRST(Recall)
  double result() const override;
  std::vector<double> result_values() const override;
};

// AUC(num_thresholds=200, curve="ROC", summation_method="interpolation", thresholds=None, multi_label=false,
// num_labels=None, from_logits=false): the Riemann sum over the thresholds of the ROC (or PR) curve, as Keras
// computes it (mid-point heights for ROC; Davis & Goadrich interpolation for PR). Name "auc".
class AUC : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(AUC, kw::num_thresholds_t, kw::curve_t, kw::summation_method_t, kw::thresholds_t,
                            kw::multi_label_t, kw::num_labels_t, kw::from_logits_t)
  template <class... A>
  explicit AUC(int num_thresholds, A&&... a)
      : AUC(kw::collect<AUC>(kw::num_thresholds = num_thresholds, std::forward<A>(a)...)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  void reset_state() override;
  // The thresholds used, endpoints included: [-1e-7, 1/(n-1), ..., 1 + 1e-7].
  const std::vector<double>& thresholds() const { return thresholds_; }

 private:
  double interpolate_pr_auc() const;
  int num_thresholds_ = 200;
  std::string curve_ = "ROC", summation_ = "interpolation";
  std::vector<double> thresholds_;
  bool evenly_ = true, multi_label_ = false, from_logits_ = false;
  int64_t num_labels_ = 0;  // 0: not built yet (multi_label)
  detail::Confusion c_;
};

// FBetaScore(average=None, beta=1.0, threshold=None): per-class F-beta of 2-D targets; average "micro", "macro",
// "weighted" or None (one value per class). threshold=None: each row's argmax counts as its prediction.
class FBetaScore : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(FBetaScore, kw::average_t, kw::beta_t, kw::threshold_t)
  template <class... A>
  explicit FBetaScore(std::string average, A&&... a)
      : FBetaScore(kw::collect<FBetaScore>(kw::average = std::move(average), std::forward<A>(a)...)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  std::vector<double> result_values() const override;
  void reset_state() override;

 protected:
  FBetaScore(const kw::Kwargs& k, const std::string& default_name, bool beta_allowed);
  std::string average_;  // "" for None
  double beta_ = 1.0;
  std::optional<double> threshold_;
  bool built_ = false;
  std::vector<double> tp_, fp_, fn_, weights_;
};

// F1Score(average=None, threshold=None): FBetaScore with beta=1. Name "f1_score".
class F1Score : public FBetaScore {
  KERAS_METRIC_CONSTRUCTORS(F1Score, kw::average_t, kw::threshold_t)
  template <class... A>
  explicit F1Score(std::string average, A&&... a)
      : F1Score(kw::collect<F1Score>(kw::average = std::move(average), std::forward<A>(a)...)) {}
};

// ---- one rate at a floor on another (SensitivitySpecificityBase) ---------------------------------------------------

namespace detail {
// Confusion counts at num_thresholds thresholds spread evenly over [0, 1] (0.5 alone for 1), of predictions above
// each threshold (one column with class_id); result() is the best `dependent` rate among the thresholds whose
// `constrained` rate is >= the given value, 0 when none is.
class SensitivitySpecificityBase : public NamedMetric {
 public:
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  void reset_state() override;
  const std::vector<double>& thresholds() const { return thresholds_; }

 protected:
  SensitivitySpecificityBase(const kw::Kwargs& k, const std::string& class_name, const std::string& value_key);
  // Per threshold: tp / (tp + fn) (sensitivity, recall), tn / (tn + fp) (specificity), tp / (tp + fp) (precision).
  std::vector<double> sensitivities() const;
  std::vector<double> specificities() const;
  std::vector<double> precisions() const;
  double best_where_at_least(const std::vector<double>& constrained, const std::vector<double>& dependent) const;
  double value_ = 0;
  std::vector<double> thresholds_;
  bool evenly_ = true;
  std::optional<int> class_id_;
  Confusion c_;
};
}  // namespace detail

#define KERAS_AT_METRIC(Class, value_kw)                                                                  \
  class Class : public detail::SensitivitySpecificityBase {                                               \
    KERAS_METRIC_CONSTRUCTORS(Class, kw::value_kw##_t, kw::num_thresholds_t, kw::class_id_t)              \
    template <class... A>                                                                                 \
    explicit Class(double value_kw, A&&... a)                                                             \
        : Class(kw::collect<Class>(kw::value_kw = value_kw, std::forward<A>(a)...)) {}                    \
    double result() const override;                                                                       \
  };

// SensitivityAtSpecificity(specificity, num_thresholds=200, class_id=None): the best sensitivity (recall) at a
// threshold whose specificity is >= specificity. Name "sensitivity_at_specificity".
KERAS_AT_METRIC(SensitivityAtSpecificity, specificity)
// SpecificityAtSensitivity(sensitivity, ...): the best specificity where sensitivity >= sensitivity.
KERAS_AT_METRIC(SpecificityAtSensitivity, sensitivity)
// PrecisionAtRecall(recall, ...): the best precision where recall >= recall.
KERAS_AT_METRIC(PrecisionAtRecall, recall)
// RecallAtPrecision(precision, ...): the best recall where precision >= precision (0 when no threshold reaches it).
KERAS_AT_METRIC(RecallAtPrecision, precision)
#undef KERAS_AT_METRIC

// ---- IoU metrics (iou_metrics.py) ---------------------------------------------------------------------------------

// IoU(num_classes, target_class_ids, ignore_class=None, sparse_y_true=true, sparse_y_pred=true, axis=-1): the
// intersection over union tp / (tp + fp + fn) of each target class, from a confusion matrix (rows: true class,
// columns: predicted) accumulated over every element (pixels of a segmentation map too), averaged over the target
// classes that occur; Keras's 1e-7 in both divisions. Class ids are the values cast to int; with sparse_y_true=false
// (sparse_y_pred=false) the argmax along `axis` is taken first. Elements whose target is ignore_class do not count.
// A sample_weight weighs each element (of y_true's size) or each sample (one per batch row). Name "io_u".
class IoU : public detail::NamedMetric {
  KERAS_METRIC_CONSTRUCTORS(IoU, kw::num_classes_t, kw::target_class_ids_t, kw::ignore_class_t, kw::sparse_y_true_t,
                            kw::sparse_y_pred_t, kw::axis_t)
  template <class... A>
  explicit IoU(int num_classes, std::vector<int64_t> target_class_ids, A&&... a)
      : IoU(kw::collect<IoU>(kw::num_classes = num_classes, kw::target_class_ids = std::move(target_class_ids),
                             std::forward<A>(a)...)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;
  double result() const override;
  void reset_state() override;
  // The accumulated (num_classes, num_classes) matrix, row-major: [true][predicted].
  const std::vector<double>& total_confusion_matrix() const { return cm_; }

 protected:
  // The arguments Keras's subclasses fix: all classes as targets (MeanIoU), one-hot targets (OneHot*), ...
  struct Fixed {
    std::optional<std::vector<int64_t>> target_class_ids;
    std::optional<bool> sparse_y_true;
    std::optional<int> num_classes;
  };
  IoU(const kw::Kwargs& k, const std::string& class_name, const Fixed& fixed);
  // Adds class ids (already argmaxed) to the matrix.
  void accumulate(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight);
  int num_classes_ = 0;
  std::vector<int64_t> target_class_ids_;
  std::optional<int> ignore_class_;
  bool sparse_y_true_ = true, sparse_y_pred_ = true;
  int axis_ = -1;
  std::vector<double> cm_;
};

// BinaryIoU(target_class_ids={0, 1}, threshold=0.5): IoU of two classes, y_pred >= threshold counting as class 1.
// Name "binary_io_u".
class BinaryIoU : public IoU {
  KERAS_METRIC_CONSTRUCTORS(BinaryIoU, kw::target_class_ids_t, kw::threshold_t)
  template <class... A>
  explicit BinaryIoU(std::vector<int64_t> target_class_ids, A&&... a)
      : BinaryIoU(kw::collect<BinaryIoU>(kw::target_class_ids = std::move(target_class_ids), std::forward<A>(a)...)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) override;

 private:
  double threshold_ = 0.5;
};

// MeanIoU(num_classes, ignore_class=None, sparse_y_true=true, sparse_y_pred=true, axis=-1): IoU over every class.
// Name "mean_io_u".
class MeanIoU : public IoU {
  KERAS_METRIC_CONSTRUCTORS(MeanIoU, kw::num_classes_t, kw::ignore_class_t, kw::sparse_y_true_t, kw::sparse_y_pred_t,
                            kw::axis_t)
  template <class... A>
  explicit MeanIoU(int num_classes, A&&... a)
      : MeanIoU(kw::collect<MeanIoU>(kw::num_classes = num_classes, std::forward<A>(a)...)) {}
};

// OneHotIoU(num_classes, target_class_ids, ignore_class=None, sparse_y_pred=false, axis=-1): IoU of one-hot
// targets (and, by default, per-class scores). Name "one_hot_io_u".
class OneHotIoU : public IoU {
  KERAS_METRIC_CONSTRUCTORS(OneHotIoU, kw::num_classes_t, kw::target_class_ids_t, kw::ignore_class_t,
                            kw::sparse_y_pred_t, kw::axis_t)
  template <class... A>
  explicit OneHotIoU(int num_classes, std::vector<int64_t> target_class_ids, A&&... a)
      : OneHotIoU(kw::collect<OneHotIoU>(kw::num_classes = num_classes,
                                         kw::target_class_ids = std::move(target_class_ids), std::forward<A>(a)...)) {}
};

// OneHotMeanIoU(num_classes, ignore_class=None, sparse_y_pred=false, axis=-1): MeanIoU of one-hot targets.
// Name "one_hot_mean_io_u".
class OneHotMeanIoU : public IoU {
  KERAS_METRIC_CONSTRUCTORS(OneHotMeanIoU, kw::num_classes_t, kw::ignore_class_t, kw::sparse_y_pred_t, kw::axis_t)
  template <class... A>
  explicit OneHotMeanIoU(int num_classes, A&&... a)
      : OneHotMeanIoU(kw::collect<OneHotMeanIoU>(kw::num_classes = num_classes, std::forward<A>(a)...)) {}
};

#undef KERAS_CONFUSION_COUNT
#undef KERAS_MEAN_METRIC
#undef KERAS_METRIC_THRESHOLDS_FIRST
#undef KERAS_METRIC_NAME_FIRST
#undef KERAS_METRIC_CONSTRUCTORS

// As get(arg, y_true, y_pred) without the shapes: "accuracy" and "crossentropy" need them and are refused.
std::shared_ptr<Metric> get(const MetricArg& arg);

}  // namespace keras::metric_types

namespace keras::kw {
// keras::metrics::Precision(), metrics::AUC(curve="PR"), ...: the metric classes, beside the keyword `metrics=`.
struct metrics {
  using Metric = metric_types::Metric;
  using Mean = metric_types::Mean;
  using Sum = metric_types::Sum;
  using MeanMetricWrapper = metric_types::MeanMetricWrapper;
  using Accuracy = metric_types::Accuracy;
  using BinaryAccuracy = metric_types::BinaryAccuracy;
  using CategoricalAccuracy = metric_types::CategoricalAccuracy;
  using SparseCategoricalAccuracy = metric_types::SparseCategoricalAccuracy;
  using TopKCategoricalAccuracy = metric_types::TopKCategoricalAccuracy;
  using SparseTopKCategoricalAccuracy = metric_types::SparseTopKCategoricalAccuracy;
  using MeanSquaredError = metric_types::MeanSquaredError;
  using MeanAbsoluteError = metric_types::MeanAbsoluteError;
  using MeanAbsolutePercentageError = metric_types::MeanAbsolutePercentageError;
  using MeanSquaredLogarithmicError = metric_types::MeanSquaredLogarithmicError;
  using RootMeanSquaredError = metric_types::RootMeanSquaredError;
  using CosineSimilarity = metric_types::CosineSimilarity;
  using PearsonCorrelation = metric_types::PearsonCorrelation;
  using ConcordanceCorrelation = metric_types::ConcordanceCorrelation;
  using LogCoshError = metric_types::LogCoshError;
  using R2Score = metric_types::R2Score;
  using BinaryCrossentropy = metric_types::BinaryCrossentropy;
  using CategoricalCrossentropy = metric_types::CategoricalCrossentropy;
  using SparseCategoricalCrossentropy = metric_types::SparseCategoricalCrossentropy;
  using KLDivergence = metric_types::KLDivergence;
  using Poisson = metric_types::Poisson;
  using Hinge = metric_types::Hinge;
  using SquaredHinge = metric_types::SquaredHinge;
  using CategoricalHinge = metric_types::CategoricalHinge;
  using TruePositives = metric_types::TruePositives;
  using FalsePositives = metric_types::FalsePositives;
  using TrueNegatives = metric_types::TrueNegatives;
  using FalseNegatives = metric_types::FalseNegatives;
  using Precision = metric_types::Precision;
  using Recall = metric_types::Recall;
  using AUC = metric_types::AUC;
  using FBetaScore = metric_types::FBetaScore;
  using F1Score = metric_types::F1Score;
  using SensitivityAtSpecificity = metric_types::SensitivityAtSpecificity;
  using SpecificityAtSensitivity = metric_types::SpecificityAtSensitivity;
  using PrecisionAtRecall = metric_types::PrecisionAtRecall;
  using RecallAtPrecision = metric_types::RecallAtPrecision;
  using IoU = metric_types::IoU;
  using BinaryIoU = metric_types::BinaryIoU;
  using MeanIoU = metric_types::MeanIoU;
  using OneHotIoU = metric_types::OneHotIoU;
  using OneHotMeanIoU = metric_types::OneHotMeanIoU;
  // metrics::get("pearson_correlation"): keras.metrics.get, a metric object by name.
  static std::shared_ptr<Metric> get(const MetricArg& arg) { return metric_types::get(arg); }
  // metrics::get("mae", y_true_shape, y_pred_shape)
  static std::shared_ptr<Metric> get(const MetricArg& arg, const Shape& y_true, const Shape& y_pred) {
    return metric_types::get(arg, y_true, y_pred);
  }
};
}  // namespace keras::kw

namespace keras {
using kw::metrics;
}  // namespace keras

// Metric resolution: keras/src/metrics/__init__.py (get, ALL_OBJECTS_DICT) and
// keras/src/trainers/compile_utils.py (get_metric: "accuracy"/"acc" by the shapes; the name is the string given).
#include <algorithm>
#include <cctype>
#include <functional>

#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"

namespace keras::metric_types {

namespace {

using Factory = std::function<std::shared_ptr<Metric>(const std::string& name)>;

template <class T>
Factory make() {
  return [](const std::string& name) -> std::shared_ptr<Metric> { return std::make_shared<T>(kw::name = name); };
}

// Class names, their snake_case (keras.utils.naming.to_snake_case) and the aliases of ALL_OBJECTS_DICT.
const std::vector<std::pair<std::string, Factory>>& table() {
  static const std::vector<std::pair<std::string, Factory>> t = [] {
    std::vector<std::pair<std::string, Factory>> v;
    auto add = [&](const char* cls, const char* snake, Factory f) {
      v.emplace_back(snake, f);
      v.emplace_back(cls, f);
    };
    add("Mean", "mean", make<Mean>());
    add("Sum", "sum", make<Sum>());
    add("MeanSquaredError", "mean_squared_error", make<MeanSquaredError>());
    add("RootMeanSquaredError", "root_mean_squared_error", make<RootMeanSquaredError>());
    add("MeanAbsoluteError", "mean_absolute_error", make<MeanAbsoluteError>());
    add("MeanAbsolutePercentageError", "mean_absolute_percentage_error", make<MeanAbsolutePercentageError>());
    add("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", make<MeanSquaredLogarithmicError>());
    add("CosineSimilarity", "cosine_similarity", make<CosineSimilarity>());
    add("LogCoshError", "log_cosh_error", make<LogCoshError>());
    add("R2Score", "r2_score", make<R2Score>());
    add("PearsonCorrelation", "pearson_correlation", make<PearsonCorrelation>());
    add("ConcordanceCorrelation", "concordance_correlation", make<ConcordanceCorrelation>());
    add("AUC", "auc", make<AUC>());
    add("FalseNegatives", "false_negatives", make<FalseNegatives>());
    add("FalsePositives", "false_positives", make<FalsePositives>());
    add("Precision", "precision", make<Precision>());
    add("Recall", "recall", make<Recall>());
    add("TrueNegatives", "true_negatives", make<TrueNegatives>());
    add("TruePositives", "true_positives", make<TruePositives>());
    add("Hinge", "hinge", make<Hinge>());
    add("SquaredHinge", "squared_hinge", make<SquaredHinge>());
    add("CategoricalHinge", "categorical_hinge", make<CategoricalHinge>());
    add("KLDivergence", "kl_divergence", make<KLDivergence>());
    add("Poisson", "poisson", make<Poisson>());
    add("BinaryCrossentropy", "binary_crossentropy", make<BinaryCrossentropy>());
    add("CategoricalCrossentropy", "categorical_crossentropy", make<CategoricalCrossentropy>());
    add("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", make<SparseCategoricalCrossentropy>());
    add("BinaryAccuracy", "binary_accuracy", make<BinaryAccuracy>());
    add("CategoricalAccuracy", "categorical_accuracy", make<CategoricalAccuracy>());
    add("SparseCategoricalAccuracy", "sparse_categorical_accuracy", make<SparseCategoricalAccuracy>());
    add("TopKCategoricalAccuracy", "top_k_categorical_accuracy", make<TopKCategoricalAccuracy>());
    add("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy",
        make<SparseTopKCategoricalAccuracy>());
    add("F1Score", "f1_score", make<F1Score>());
    add("FBetaScore", "f_beta_score", make<FBetaScore>());
    add("SensitivityAtSpecificity", "sensitivity_at_specificity", make<SensitivityAtSpecificity>());
    add("SpecificityAtSensitivity", "specificity_at_sensitivity", make<SpecificityAtSensitivity>());
    add("PrecisionAtRecall", "precision_at_recall", make<PrecisionAtRecall>());
    add("RecallAtPrecision", "recall_at_precision", make<RecallAtPrecision>());
    add("IoU", "io_u", make<IoU>());
    add("BinaryIoU", "binary_io_u", make<BinaryIoU>());
    add("MeanIoU", "mean_io_u", make<MeanIoU>());
    add("OneHotIoU", "one_hot_io_u", make<OneHotIoU>());
    add("OneHotMeanIoU", "one_hot_mean_io_u", make<OneHotMeanIoU>());
    for (const char* a : {"bce", "BCE"}) v.emplace_back(a, make<BinaryCrossentropy>());
    for (const char* a : {"mse", "MSE"}) v.emplace_back(a, make<MeanSquaredError>());
    for (const char* a : {"mae", "MAE"}) v.emplace_back(a, make<MeanAbsoluteError>());
    for (const char* a : {"mape", "MAPE"}) v.emplace_back(a, make<MeanAbsolutePercentageError>());
    for (const char* a : {"msle", "MSLE"}) v.emplace_back(a, make<MeanSquaredLogarithmicError>());
    return v;
  }();
  return t;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

[[noreturn]] void unknown(const std::string& id) {
  std::string best, valid = "accuracy, acc, crossentropy, ce";
  size_t best_d = 4;
  for (const auto& [n, f] : table()) {
    if (std::isupper(static_cast<unsigned char>(n[0]))) continue;
    valid += ", " + n;
  }
  for (const std::string& n : {std::string("accuracy"), std::string("acc")}) {
    size_t d = edit_distance(id, n);
    if (d < best_d) best_d = d, best = n;
  }
  for (const auto& [n, f] : table()) {
    if (std::isupper(static_cast<unsigned char>(n[0]))) continue;
    size_t d = edit_distance(id, n);
    if (d < best_d) best_d = d, best = n;
  }
  std::string hint = id.empty() ? "give a metric: a name such as \"accuracy\" or an object such as "
                                  "metrics::Precision(). "
                                : "";
  if (!best.empty()) hint += "did you mean \"" + best + "\"? ";
  hint += "Valid names: " + valid + " (and the class names, e.g. \"Precision\").";
  throw ValueError("Could not interpret metric identifier: " + id, {.received = id, .hint = hint});
}

// compile_utils.is_binary_or_sparse_categorical
void classify(const Shape& y_true, const Shape& y_pred, bool& is_binary, bool& is_sparse) {
  is_binary = y_pred.ndim() > 0 && y_pred[-1] == Dim(1);
  is_sparse = y_true.ndim() < y_pred.ndim() ||
              (y_true.ndim() > 0 && y_pred.ndim() > 0 && y_true[-1] == Dim(1) && y_pred[-1].known() &&
               y_pred[-1].value() > 1);
}

}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> out = {"accuracy", "acc", "crossentropy", "ce"};
  for (const auto& [n, f] : table()) out.push_back(n);
  return out;
}

std::shared_ptr<Metric> get(const MetricArg& arg, const Shape& y_true, const Shape& y_pred) {
  if (arg.object) return arg.object->clone();
  const std::string& id = arg.name;
  std::string l = lower(id);
  if (l == "accuracy" || l == "acc" || l == "crossentropy" || l == "ce") {
    bool is_binary, is_sparse;
    classify(y_true, y_pred, is_binary, is_sparse);
    if (l == "accuracy" || l == "acc") {
      if (is_binary) return std::make_shared<BinaryAccuracy>(kw::name = id);
      if (is_sparse) return std::make_shared<SparseCategoricalAccuracy>(kw::name = id);
      return std::make_shared<CategoricalAccuracy>(kw::name = id);
    }
    if (is_binary) return std::make_shared<BinaryCrossentropy>(kw::name = id);
    if (is_sparse) return std::make_shared<SparseCategoricalCrossentropy>(kw::name = id);
    return std::make_shared<CategoricalCrossentropy>(kw::name = id);
  }
  for (const auto& [n, f] : table())
    if (n == id) return f(id);
  unknown(id);
}

std::shared_ptr<Metric> get(const MetricArg& arg) {
  if (arg.object) return arg.object->clone();
  std::string l = lower(arg.name);
  if (l == "accuracy" || l == "acc" || l == "crossentropy" || l == "ce")
    throw ValueError("Metric \"" + arg.name + "\" is resolved from the shapes of the targets and outputs.",
                     {.received = arg.name,
                      .hint = "use metrics::get(\"" + arg.name + "\", y_true_shape, y_pred_shape), or name the metric "
                              "exactly (\"binary_accuracy\", \"categorical_accuracy\", "
                              "\"sparse_categorical_accuracy\")."});
  for (const auto& [n, f] : table())
    if (n == arg.name) return f(arg.name);
  unknown(arg.name);
}

}  // namespace keras::metric_types

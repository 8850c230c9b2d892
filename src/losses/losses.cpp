#include "keras/losses/losses.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "core/float32_only.hpp"
#include "keras/core/errors.hpp"
#include "losses/loss_core.hpp"

namespace keras::losses {

// ---- Loss defaults ------------------------------------------------------------------------------------------------

double Loss::call_from_logits(const Tensor&, const Tensor&, const Tensor*, Tensor*) const {
  throw NotImplementedError("Loss `" + name() + "` does not compute from logits (its fusable_activation() is empty).");
}

void Loss::check_shapes(const Shape&, const Shape&) const {}

// ---- LossFunctionWrapper ------------------------------------------------------------------------------------------

void LossFunctionWrapper::init(std::shared_ptr<detail::LossCore> core, const kw::Kwargs& k,
                               const std::string& default_name) {
  core->name = k.get_or<std::string>("name", default_name);
  keras::detail::refuse_other_dtypes(k, "loss \"" + core->name + "\"", core->name);
  core->reduction = detail::standardize_reduction(k);
  core->config = k;
  core->config.set("name", core->name);
  core->config.set("reduction", core->reduction);
  core_ = std::move(core);
}

std::string LossFunctionWrapper::name() const { return core_->name; }
const std::string& LossFunctionWrapper::reduction() const { return core_->reduction; }

double LossFunctionWrapper::call(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight,
                                 Tensor* grad) const {
  return detail::evaluate(*core_, y_true, y_pred, sample_weight, grad, false);
}

std::string LossFunctionWrapper::fusable_activation() const { return core_->fusable(); }

double LossFunctionWrapper::call_from_logits(const Tensor& y_true, const Tensor& logits, const Tensor* sample_weight,
                                             Tensor* grad) const {
  if (core_->fusable().empty()) return Loss::call_from_logits(y_true, logits, sample_weight, grad);
  return detail::evaluate(*core_, y_true, logits, sample_weight, grad, true);
}

void LossFunctionWrapper::check_shapes(const Shape& y_true, const Shape& y_pred) const {
  detail::check(*core_, y_true, y_pred);
}

kw::Kwargs LossFunctionWrapper::get_config() const { return core_->config; }

Tensor LossFunctionWrapper::compute_values(const Tensor& y_true, const Tensor& y_pred) const {
  return detail::unreduced(*core_, y_true, y_pred);
}

double LossFunctionWrapper::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) const {
  return call(y_true, y_pred, &sample_weight, nullptr);
}

// ---- the classes --------------------------------------------------------------------------------------------------

using detail::Elementwise;

namespace {
void check_label_smoothing(double ls) {
  if (ls < 0 || ls > 1)
    throw ValueError("Invalid value for argument `label_smoothing`. Expected a float in [0, 1]. Received: "
                     "label_smoothing=" + std::to_string(ls),
                     {.expected = "0 <= label_smoothing <= 1", .received = std::to_string(ls),
                      .hint = "label_smoothing is the share of the target moved to the uniform distribution, e.g. "
                              "0.1."});
}
}  // namespace

MeanSquaredError::MeanSquaredError(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kMeanSquaredError), k, "mean_squared_error");
}
MeanAbsoluteError::MeanAbsoluteError(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kMeanAbsoluteError), k, "mean_absolute_error");
}
MeanAbsolutePercentageError::MeanAbsolutePercentageError(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kMeanAbsolutePercentageError), k, "mean_absolute_percentage_error");
}
MeanSquaredLogarithmicError::MeanSquaredLogarithmicError(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kMeanSquaredLogarithmicError), k, "mean_squared_logarithmic_error");
}

BinaryCrossentropy::BinaryCrossentropy(const kw::Kwargs& k) {
  double ls = k.get_or("label_smoothing", 0.0);
  check_label_smoothing(ls);
  init(detail::make_binary_crossentropy(k.get_or("from_logits", false), ls, k.get_or("axis", -1)), k,
       "binary_crossentropy");
}

BinaryFocalCrossentropy::BinaryFocalCrossentropy(const kw::Kwargs& k) {
  double ls = k.get_or("label_smoothing", 0.0);
  check_label_smoothing(ls);
  init(detail::make_binary_focal_crossentropy(k.get_or("apply_class_balancing", false), k.get_or("alpha", 0.25),
                                              k.get_or("gamma", 2.0), k.get_or("from_logits", false), ls,
                                              k.get_or("axis", -1)),
       k, "binary_focal_crossentropy");
}

CategoricalCrossentropy::CategoricalCrossentropy(const kw::Kwargs& k) {
  double ls = k.get_or("label_smoothing", 0.0);
  check_label_smoothing(ls);
  init(detail::make_categorical_crossentropy(k.get_or("from_logits", false), ls, k.get_or("axis", -1)), k,
       "categorical_crossentropy");
}

CategoricalFocalCrossentropy::CategoricalFocalCrossentropy(const kw::Kwargs& k) {
  double ls = k.get_or("label_smoothing", 0.0);
  check_label_smoothing(ls);
  init(detail::make_categorical_focal_crossentropy(k.get_or("alpha", 0.25), k.get_or("gamma", 2.0),
                                                   k.get_or("from_logits", false), ls, k.get_or("axis", -1)),
       k, "categorical_focal_crossentropy");
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(const kw::Kwargs& k) {
  init(detail::make_sparse_categorical_crossentropy(k.get_or("from_logits", false), k.get<int>("ignore_class")), k,
       "sparse_categorical_crossentropy");
}

Huber::Huber(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kHuber, {.delta = k.get_or("delta", 1.0)}), k, "huber_loss");
}
Hinge::Hinge(const kw::Kwargs& k) { init(detail::make_elementwise(Elementwise::kHinge), k, "hinge"); }
SquaredHinge::SquaredHinge(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kSquaredHinge), k, "squared_hinge");
}
CategoricalHinge::CategoricalHinge(const kw::Kwargs& k) { init(detail::make_categorical_hinge(), k, "categorical_hinge"); }
KLDivergence::KLDivergence(const kw::Kwargs& k) {
  init(detail::make_elementwise(Elementwise::kKLDivergence), k, "kl_divergence");
}
Poisson::Poisson(const kw::Kwargs& k) { init(detail::make_elementwise(Elementwise::kPoisson), k, "poisson"); }
LogCosh::LogCosh(const kw::Kwargs& k) { init(detail::make_elementwise(Elementwise::kLogCosh), k, "log_cosh"); }
CosineSimilarity::CosineSimilarity(const kw::Kwargs& k) {
  init(detail::make_cosine_similarity(k.get_or("axis", -1), -1.0), k, "cosine_similarity");
}

namespace {
// Dice's and Tversky's axis: None (every axis), one int, or a list.
std::vector<int64_t> overlap_axes(const kw::Kwargs& k) {
  if (!k.has("axis") || k.is_none("axis")) return {};
  try {
    return {static_cast<int64_t>(*k.get<int>("axis"))};
  } catch (const TypeError&) {
    return k.get<IntTuple>("axis")->values;
  }
}
}  // namespace

Dice::Dice(const kw::Kwargs& k) { init(detail::make_tversky(0.5, 0.5, overlap_axes(k), true), k, "dice"); }
Tversky::Tversky(const kw::Kwargs& k) {
  init(detail::make_tversky(k.get_or("alpha", 0.5), k.get_or("beta", 0.5), overlap_axes(k), false), k, "tversky");
}
CTC::CTC(const kw::Kwargs& k) { init(detail::make_ctc(), k, "ctc"); }

// ---- get ----------------------------------------------------------------------------------------------------------

namespace {

using Factory = std::function<std::shared_ptr<Loss>(const std::string& name)>;

template <class T>
Factory fn(bool named_by_identifier) {
  // A function name ("mse", "mean_squared_error") becomes a LossFunctionWrapper named after the identifier, as
  // compile_utils.get_loss does; a class name ("MeanSquaredError") instantiates the class with its default name.
  return [named_by_identifier](const std::string& id) -> std::shared_ptr<Loss> {
    if (named_by_identifier) return std::make_shared<T>(kw::name = id);
    return std::make_shared<T>();
  };
}

// keras/src/losses/__init__.py ALL_OBJECTS_DICT: class names, function names and the aliases.
const std::vector<std::pair<std::string, Factory>>& table() {
  static const std::vector<std::pair<std::string, Factory>> t = {
      {"mean_squared_error", fn<MeanSquaredError>(true)},
      {"mean_absolute_error", fn<MeanAbsoluteError>(true)},
      {"mean_absolute_percentage_error", fn<MeanAbsolutePercentageError>(true)},
      {"mean_squared_logarithmic_error", fn<MeanSquaredLogarithmicError>(true)},
      {"binary_crossentropy", fn<BinaryCrossentropy>(true)},
      {"binary_focal_crossentropy", fn<BinaryFocalCrossentropy>(true)},
      {"categorical_crossentropy", fn<CategoricalCrossentropy>(true)},
      {"sparse_categorical_crossentropy", fn<SparseCategoricalCrossentropy>(true)},
      {"huber", fn<Huber>(true)},
      {"hinge", fn<Hinge>(true)},
      {"squared_hinge", fn<SquaredHinge>(true)},
      {"categorical_hinge", fn<CategoricalHinge>(true)},
      {"kl_divergence", fn<KLDivergence>(true)},
      {"poisson", fn<Poisson>(true)},
      {"log_cosh", fn<LogCosh>(true)},
      {"cosine_similarity", fn<CosineSimilarity>(true)},
      {"categorical_focal_crossentropy", fn<CategoricalFocalCrossentropy>(true)},
      {"dice", fn<Dice>(true)},
      {"tversky", fn<Tversky>(true)},
      {"ctc", fn<CTC>(true)},
      {"mse", fn<MeanSquaredError>(true)},
      {"MSE", fn<MeanSquaredError>(true)},
      {"mae", fn<MeanAbsoluteError>(true)},
      {"MAE", fn<MeanAbsoluteError>(true)},
      {"mape", fn<MeanAbsolutePercentageError>(true)},
      {"MAPE", fn<MeanAbsolutePercentageError>(true)},
      {"msle", fn<MeanSquaredLogarithmicError>(true)},
      {"MSLE", fn<MeanSquaredLogarithmicError>(true)},
      {"bce", fn<BinaryCrossentropy>(true)},
      {"BCE", fn<BinaryCrossentropy>(true)},
      {"kld", fn<KLDivergence>(true)},
      {"KLD", fn<KLDivergence>(true)},
      {"MeanSquaredError", fn<MeanSquaredError>(false)},
      {"MeanAbsoluteError", fn<MeanAbsoluteError>(false)},
      {"MeanAbsolutePercentageError", fn<MeanAbsolutePercentageError>(false)},
      {"MeanSquaredLogarithmicError", fn<MeanSquaredLogarithmicError>(false)},
      {"BinaryCrossentropy", fn<BinaryCrossentropy>(false)},
      {"BinaryFocalCrossentropy", fn<BinaryFocalCrossentropy>(false)},
      {"CategoricalCrossentropy", fn<CategoricalCrossentropy>(false)},
      {"SparseCategoricalCrossentropy", fn<SparseCategoricalCrossentropy>(false)},
      {"Huber", fn<Huber>(false)},
      {"Hinge", fn<Hinge>(false)},
      {"SquaredHinge", fn<SquaredHinge>(false)},
      {"CategoricalHinge", fn<CategoricalHinge>(false)},
      {"KLDivergence", fn<KLDivergence>(false)},
      {"Poisson", fn<Poisson>(false)},
      {"LogCosh", fn<LogCosh>(false)},
      {"CosineSimilarity", fn<CosineSimilarity>(false)},
      {"CategoricalFocalCrossentropy", fn<CategoricalFocalCrossentropy>(false)},
      {"Dice", fn<Dice>(false)},
      {"Tversky", fn<Tversky>(false)},
      {"CTC", fn<CTC>(false)},
  };
  return t;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// "crossentropy" / "ce" without shapes: resolves by the shapes of each call (compile_utils.get_loss).
class AutoCrossentropy : public Loss {
 public:
  explicit AutoCrossentropy(std::string id) : id_(std::move(id)) {}
  std::string name() const override { return id_; }
  double call(const Tensor& y_true, const Tensor& y_pred, const Tensor* sw, Tensor* grad) const override {
    return resolve(y_true.shape(), y_pred.shape())->call(y_true, y_pred, sw, grad);
  }
  void check_shapes(const Shape& t, const Shape& p) const override { resolve(t, p)->check_shapes(t, p); }

 private:
  std::shared_ptr<const Loss> resolve(const Shape& t, const Shape& p) const { return get(LossArg(id_), t, p); }
  std::string id_;
};

bool is_crossentropy_alias(const std::string& s) {
  std::string l = s;
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == "crossentropy" || l == "ce";
}

}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [n, f] : table()) out.push_back(n);
  return out;
}

std::shared_ptr<const Loss> get(const LossArg& arg) {
  if (arg.object) return arg.object;
  if (arg.function) return std::make_shared<LossFunctionWrapper>(arg.function, kw::Kwargs{});
  if (arg.is_list())
    throw ValueError("A list of losses gives one loss per model output; here one loss is expected.",
                     {.received = "a list of " + std::to_string(arg.per_output.size()) + " losses",
                      .hint = "give a single loss here; lists belong to compile(loss={...}) of a model with several "
                              "outputs."});
  if (is_crossentropy_alias(arg.name)) return std::make_shared<AutoCrossentropy>(arg.name);
  for (const auto& [n, f] : table())
    if (n == arg.name) return f(arg.name);
  std::string best;
  size_t best_d = 4;
  std::string valid;
  for (const auto& [n, f] : table()) {
    if (std::isupper(static_cast<unsigned char>(n[0]))) continue;  // class names and upper-case aliases: not listed
    valid += (valid.empty() ? "" : ", ") + n;
    size_t d = edit_distance(arg.name, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  std::string hint = arg.name.empty() ? "give a loss: a name such as \"mse\" or an object such as "
                                        "losses::MeanSquaredError(). "
                                      : "";
  if (!best.empty()) hint += "did you mean \"" + best + "\"? ";
  hint += "Valid names: " + valid + " (and the class names, e.g. \"MeanSquaredError\").";
  throw ValueError("Could not interpret loss identifier: " + arg.name, {.received = arg.name, .hint = hint});
}

std::shared_ptr<const Loss> get(const LossArg& arg, const Shape& y_true, const Shape& y_pred) {
  if (arg.object || arg.function || !is_crossentropy_alias(arg.name)) return get(arg);
  // compile_utils.is_binary_or_sparse_categorical
  bool is_binary = y_pred.ndim() > 0 && y_pred[-1] == Dim(1);
  bool is_sparse = y_true.ndim() < y_pred.ndim() ||
                   (y_true.ndim() > 0 && y_pred.ndim() > 0 && y_true[-1] == Dim(1) && y_pred[-1].known() &&
                    y_pred[-1].value() > 1);
  if (is_binary) return std::make_shared<BinaryCrossentropy>(kw::name = arg.name);
  if (is_sparse) return std::make_shared<SparseCategoricalCrossentropy>(kw::name = arg.name);
  return std::make_shared<CategoricalCrossentropy>(kw::name = arg.name);
}

}  // namespace keras::losses

// IoU metrics: keras/src/metrics/iou_metrics.py (and metrics_utils.confusion_matrix).
#include <algorithm>
#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"
#include "losses/loss_core.hpp"
#include "metrics/define_clone.hpp"

namespace keras::metric_types {

namespace ld = keras::losses::detail;

namespace {

std::vector<int64_t> all_classes(int n) {
  std::vector<int64_t> ids(static_cast<size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = i;
  return ids;
}

// The argmax along `axis`, as float class ids of the shape without that axis.
Tensor argmax_along(const Tensor& x, int axis) {
  if (x.ndim() == 0) return x;
  const ld::Rows r = ld::rows_along(x.dims(), axis);
  std::vector<int64_t> dims = x.dims();
  dims.erase(dims.begin() + ld::normalize_axis(axis, static_cast<int>(dims.size())));
  Tensor out = Tensor::zeros(dims);
  for (int64_t o = 0; o < r.outer; ++o)
    for (int64_t i = 0; i < r.inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < r.n; ++j)
        if (x.data()[(o * r.n + j) * r.inner + i] > x.data()[(o * r.n + best) * r.inner + i]) best = j;
      out.data()[o * r.inner + i] = static_cast<float>(best);
    }
  return out;
}

}  // namespace

IoU::IoU(const kw::Kwargs& k) : IoU(k, "IoU", {}) {}

IoU::IoU(const kw::Kwargs& k, const std::string& class_name, const Fixed& fixed) {
  init_name(k, "", class_name);
  direction_ = "up";
  std::vector<std::string> missing;
  std::optional<int> n = fixed.num_classes ? fixed.num_classes : k.get<int>("num_classes");
  if (!n) missing.push_back("num_classes");
  std::optional<std::vector<int64_t>> ids =
      fixed.target_class_ids ? fixed.target_class_ids : k.get<std::vector<int64_t>>("target_class_ids");
  if (!ids && class_name != "MeanIoU" && class_name != "OneHotMeanIoU") missing.push_back("target_class_ids");
  if (!missing.empty()) {
    std::string list = "'" + missing[0] + "'" + (missing.size() > 1 ? " and '" + missing[1] + "'" : "");
    throw TypeError(class_name + ".__init__() missing " + std::to_string(missing.size()) +
                        " required positional argument" + (missing.size() > 1 ? "s" : "") + ": " + list,
                    {.hint = "give the number of classes" +
                             std::string(missing.size() > 1 || missing[0] == "target_class_ids"
                                             ? " and the class ids to average over, e.g. " + class_name +
                                                   "(3, {0, 2})."
                                             : ", e.g. " + class_name + "(num_classes=3).")});
  }
  num_classes_ = *n;
  if (num_classes_ < 1)
    throw ValueError("Argument `num_classes` must be a positive integer. Received: num_classes=" +
                         std::to_string(num_classes_),
                     {.hint = "give the number of classes the model predicts."});
  target_class_ids_ = ids ? *ids : all_classes(num_classes_);
  for (int64_t id : target_class_ids_)
    if (id < 0 || id >= num_classes_)
      throw ValueError("Target class id " + std::to_string(id) + " is out of range, which is [0, " +
                           std::to_string(num_classes_) + ").",
                       {.expected = "class ids in [0, " + std::to_string(num_classes_) + ")",
                        .received = std::to_string(id),
                        .hint = "class ids run from 0 to num_classes - 1."});
  ignore_class_ = k.get<int>("ignore_class");
  sparse_y_true_ = fixed.sparse_y_true ? *fixed.sparse_y_true : k.get_or("sparse_y_true", true);
  sparse_y_pred_ = k.get_or("sparse_y_pred", class_name.rfind("OneHot", 0) == 0 ? false : true);
  axis_ = k.get_or("axis", -1);
  cm_.assign(static_cast<size_t>(num_classes_) * static_cast<size_t>(num_classes_), 0.0);
}
KERAS_DEFINE_CLONE(IoU)

void IoU::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  accumulate(sparse_y_true_ ? y_true : argmax_along(y_true, axis_),
             sparse_y_pred_ ? y_pred : argmax_along(y_pred, axis_), sample_weight);
}

void IoU::accumulate(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  const int64_t n = y_true.size();
  if (y_pred.size() != n)
    throw ValueError("Cannot compare " + std::to_string(n) + " target class ids with " +
                         std::to_string(y_pred.size()) + " predicted ones: y_true.shape=" + to_string(y_true.shape()) +
                         ", y_pred.shape=" + to_string(y_pred.shape()) + ".",
                     {.layer = name_, .expected = "one predicted class per target",
                      .received = "y_true.shape=" + to_string(y_true.shape()) +
                                  ", y_pred.shape=" + to_string(y_pred.shape()),
                      .hint = sparse_y_pred_ ? "y_pred holds one score per class: pass sparse_y_pred=false to take "
                                               "its argmax (along axis=-1)."
                                             : "y_true holds one score per class: pass sparse_y_true=false, or give "
                                               "class ids of y_pred's shape without its class axis."});
  // One weight per element, one per sample (repeated over the sample's elements), or one for all.
  const bool have_sw = sample_weight && sample_weight->defined();
  const int64_t nw = have_sw ? sample_weight->size() : 0;
  if (have_sw && nw != n && nw != 1 && !(nw > 0 && n % nw == 0 && y_true.ndim() > 0 && y_true.dim(0) == nw))
    throw ValueError("sample_weight of shape " + to_string(sample_weight->shape()) + " does not match y_true of shape " +
                         to_string(y_true.shape()) + ".",
                     {.layer = name_, .expected = "one weight per element, per sample, or a scalar",
                      .received = "sample_weight.shape=" + to_string(sample_weight->shape()),
                      .hint = "give one weight per sample (the batch size) or one per element of y_true."});
  const int64_t per_weight = have_sw && nw > 0 ? n / nw : n;
  const float* t = y_true.data();
  const float* p = y_pred.data();
  for (int64_t i = 0; i < n; ++i) {
    double w = have_sw ? (nw == 1 ? sample_weight->data()[0] : sample_weight->data()[i / per_weight]) : 1.0;
    int64_t yt = static_cast<int64_t>(t[i]), yp = static_cast<int64_t>(p[i]);
    if (ignore_class_ && yt == *ignore_class_) continue;  // Keras moves it to (0, 0) with weight 0
    for (int64_t v : {yt, yp})
      if (v < 0 || v >= num_classes_)
        throw ValueError("Received a class id of " + std::to_string(v) + " which is outside the valid range of [0, " +
                             std::to_string(num_classes_) + ").",
                         {.layer = name_, .expected = "class ids in [0, " + std::to_string(num_classes_) + ")",
                          .received = std::to_string(v),
                          .hint = "num_classes=" + std::to_string(num_classes_) +
                                  " must count every class of y_true and y_pred; for one-hot targets or per-class "
                                  "scores use sparse_y_true=false / sparse_y_pred=false."});
    cm_[static_cast<size_t>(yt * num_classes_ + yp)] += w;
  }
}

double IoU::result() const {
  const size_t n = static_cast<size_t>(num_classes_);
  double sum = 0, valid = 0;
  for (int64_t id : target_class_ids_) {
    const size_t c = static_cast<size_t>(id);
    double predicted = 0, actual = 0;
    for (size_t j = 0; j < n; ++j) {
      predicted += cm_[j * n + c];
      actual += cm_[c * n + j];
    }
    const double tp = cm_[c * n + c], denominator = predicted + actual - tp;
    if (denominator > 1e-9) valid += 1;
    sum += tp / (denominator + ld::kEpsilon);
  }
  return sum / (valid + ld::kEpsilon);
}

void IoU::reset_state() { std::fill(cm_.begin(), cm_.end(), 0.0); }

BinaryIoU::BinaryIoU(const kw::Kwargs& k)
    : IoU(k, "BinaryIoU",
          {.target_class_ids = k.get_or("target_class_ids", std::vector<int64_t>{0, 1}), .num_classes = 2}) {
  threshold_ = k.get_or("threshold", 0.5);
}
KERAS_DEFINE_CLONE(BinaryIoU)

void BinaryIoU::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight) {
  Tensor classes = Tensor::zeros(y_pred.dims());
  for (int64_t i = 0; i < y_pred.size(); ++i)
    classes.data()[i] = y_pred.data()[i] >= static_cast<float>(threshold_) ? 1.0f : 0.0f;
  accumulate(y_true, classes, sample_weight);
}

MeanIoU::MeanIoU(const kw::Kwargs& k) : IoU(k, "MeanIoU", {}) {}
KERAS_DEFINE_CLONE(MeanIoU)

OneHotIoU::OneHotIoU(const kw::Kwargs& k) : IoU(k, "OneHotIoU", {.sparse_y_true = false}) {}
KERAS_DEFINE_CLONE(OneHotIoU)

OneHotMeanIoU::OneHotMeanIoU(const kw::Kwargs& k) : IoU(k, "OneHotMeanIoU", {.sparse_y_true = false}) {}
KERAS_DEFINE_CLONE(OneHotMeanIoU)

}  // namespace keras::metric_types

#pragma once
// Value types of keyword arguments that accept more than one kind of value, as Keras's do
// (activation="relu" or activation=activations::relu; kernel_initializer="zeros" or initializers::Zeros()).
#include <any>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"

namespace keras {

namespace activations {
struct Function;
}
namespace initializers {
class Initializer;
}
namespace optimizers {
class Optimizer;
namespace schedules {
class LearningRateSchedule;
}
}  // namespace optimizers
namespace losses {
class Loss;
}
namespace metric_types {
class Metric;
}
class Callback;

// An activation given by Keras name ("relu") or as an activations:: function object.
struct ActivationArg {
  std::string name;  // empty means none (linear)
  ActivationArg() = default;
  ActivationArg(const char* n) : name(n) {}
  ActivationArg(std::string n) : name(std::move(n)) {}
  ActivationArg(const activations::Function& f);
};

// An argument given by Keras name ("glorot_uniform", "l2", "max_norm") or as an object of a class derived from Base
// (initializers::Constant(value=0.5), regularizers::L2(0.01), constraints::MaxNorm(2.0)), which is copied.
template <class Base>
struct NamedObjectArg {
  std::string name;
  std::shared_ptr<const Base> object;
  NamedObjectArg() = default;
  NamedObjectArg(const char* n) : name(n) {}
  NamedObjectArg(std::string n) : name(std::move(n)) {}
  template <class T>
    requires std::derived_from<T, Base>
  NamedObjectArg(const T& o) : object(std::make_shared<T>(o)) {}
  template <class T>
    requires std::derived_from<T, Base>
  NamedObjectArg(std::shared_ptr<T> o) : object(std::move(o)) {}
  bool empty() const { return name.empty() && !object; }
};

// An initializer by name ("glorot_uniform") or object (initializers::Constant(value=0.5)).
using InitializerArg = NamedObjectArg<initializers::Initializer>;

// An int or a tuple of ints (kernel_size=3 or kernel_size={3, 3}).
struct IntTuple {
  std::vector<int64_t> values;
  IntTuple() = default;
  IntTuple(int v) : values{v} {}
  IntTuple(std::initializer_list<int64_t> v) : values(v) {}
  IntTuple(std::vector<int64_t> v) : values(std::move(v)) {}
  // The tuple expanded to n entries (an int repeats), as Keras's standardize_tuple does.
  std::vector<int64_t> expand(size_t n) const {
    if (values.size() == 1 && n > 1) return std::vector<int64_t>(n, values[0]);
    return values;
  }
};

// verbose=: 0, 1, 2 or "auto" (which means 1, as in Keras 3).
struct Verbosity {
  int level = 1;
  Verbosity() = default;
  Verbosity(int v) : level(v) {}
  Verbosity(const char* s);
};

// An optimizer by name ("adam") or object (optimizers::Adam(learning_rate=1e-3)); the object is copied.
struct OptimizerArg {
  std::string name;
  std::shared_ptr<optimizers::Optimizer> object;
  OptimizerArg() = default;
  OptimizerArg(const char* n) : name(n) {}
  OptimizerArg(std::string n) : name(std::move(n)) {}
  template <class T>
    requires std::derived_from<T, optimizers::Optimizer>
  OptimizerArg(const T& o) : object(std::make_shared<T>(o)) {}
  template <class T>
    requires std::derived_from<T, optimizers::Optimizer>
  OptimizerArg(std::shared_ptr<T> o) : object(std::move(o)) {}
};

// A loss by name ("mse", "sparse_categorical_crossentropy") or object (losses::Huber(delta=2.0)), or one per model
// output, in the order of the outputs: loss={"mse", "sparse_categorical_crossentropy"} (Keras's loss=[...]), or by
// output name: loss=std::map<std::string, LossArg>{{"priority", "mse"}, {"department", "mae"}} (Keras's dict; the
// names are those of the layers that make the outputs).
struct LossArg {
  std::string name;
  std::shared_ptr<losses::Loss> object;
  // A function of (y_true, y_pred) returning the loss of each sample, as compile(loss=my_loss) in Keras: wrapped in
  // losses::LossFunctionWrapper.
  std::function<Tensor(const Tensor&, const Tensor&)> function;
  std::vector<LossArg> per_output;                         // non-empty for a list
  std::vector<std::pair<std::string, LossArg>> by_output;  // non-empty for a dict
  LossArg() = default;
  LossArg(const char* n) : name(n) {}
  LossArg(std::string n) : name(std::move(n)) {}
  template <class T>
    requires std::derived_from<T, losses::Loss>
  LossArg(const T& l) : object(std::make_shared<T>(l)) {}
  template <class F>
    requires(!std::derived_from<F, losses::Loss> && !std::convertible_to<F, std::string> &&
             std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&>)
  LossArg(F f) : function(std::move(f)) {}
  LossArg(std::initializer_list<LossArg> list) : per_output(list) {}
  explicit LossArg(std::vector<LossArg> list) : per_output(std::move(list)) {}
  LossArg(const std::map<std::string, LossArg>& dict) : by_output(dict.begin(), dict.end()) {}
  bool is_list() const { return !per_output.empty(); }
  bool is_dict() const { return !by_output.empty(); }
};

// compile's loss_weights: one per output in order ({1.0, 0.2}), or by output name
// (std::map<std::string, double>{{"priority", 1.0}, {"department", 0.2}}, Keras's dict).
struct LossWeightsArg {
  std::vector<double> list;
  std::vector<std::pair<std::string, double>> by_output;
  LossWeightsArg() = default;
  LossWeightsArg(std::initializer_list<double> l) : list(l) {}
  LossWeightsArg(std::vector<double> l) : list(std::move(l)) {}
  LossWeightsArg(const std::map<std::string, double>& dict) : by_output(dict.begin(), dict.end()) {}
};

// A metric by name ("accuracy", "mae") or object (metrics::Precision()).
struct MetricArg {
  std::string name;
  std::shared_ptr<metric_types::Metric> object;
  MetricArg() = default;
  MetricArg(const char* n) : name(n) {}
  MetricArg(std::string n) : name(std::move(n)) {}
  template <class T>
    requires std::derived_from<T, metric_types::Metric>
  MetricArg(const T& m) : object(std::make_shared<T>(m)) {}
};

// compile's metrics: the same list for every output ({"accuracy"}), one list per output
// (std::vector<std::vector<MetricArg>>{{"accuracy"}, {"mae"}}, Keras's list of lists), or lists by output name
// (std::map<std::string, std::vector<MetricArg>>{{"priority", {"accuracy"}}}, Keras's dict).
struct MetricsArg {
  std::vector<MetricArg> every_output;
  std::vector<std::vector<MetricArg>> per_output;
  std::vector<std::pair<std::string, std::vector<MetricArg>>> by_output;
  MetricsArg() = default;
  MetricsArg(std::initializer_list<MetricArg> list) : every_output(list) {}
  MetricsArg(std::vector<MetricArg> list) : every_output(std::move(list)) {}
  MetricsArg(std::vector<std::vector<MetricArg>> lists) : per_output(std::move(lists)) {}
  MetricsArg(const std::map<std::string, std::vector<MetricArg>>& dict) : by_output(dict.begin(), dict.end()) {}
};

// A callback. An lvalue is used in place (its state after fit is the user's to read, as in Python);
// a temporary is moved into shared ownership.
struct CallbackArg {
  std::shared_ptr<Callback> owned;
  Callback* borrowed = nullptr;
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Callback>
  CallbackArg(T&& cb) {
    using D = std::remove_cvref_t<T>;
    if constexpr (std::is_lvalue_reference_v<T> && !std::is_const_v<std::remove_reference_t<T>>) borrowed = &cb;
    else owned = std::make_shared<D>(std::forward<T>(cb));
  }
  template <class T>
    requires std::derived_from<T, Callback>
  CallbackArg(std::shared_ptr<T> cb) : owned(std::move(cb)) {}
  Callback* get() const { return borrowed ? borrowed : owned.get(); }
};

// save_freq= / update_freq=: a word ("epoch", "batch") or a number of batches, given as Keras takes it (100) or as
// text ("100"). The callback reads `text` and says which words it accepts.
struct Frequency {
  std::string text;
  Frequency(const char* word) : text(word) {}
  Frequency(std::string word) : text(std::move(word)) {}
  Frequency(int batches) : text(std::to_string(batches)) {}
};

// learning_rate=: a number or a schedule (optimizers::schedules::ExponentialDecay(...)).
struct LearningRateArg {
  double value = 0.0;
  std::shared_ptr<const optimizers::schedules::LearningRateSchedule> schedule;
  LearningRateArg() = default;
  LearningRateArg(double v) : value(v) {}
  template <class T>
    requires std::derived_from<T, optimizers::schedules::LearningRateSchedule>
  LearningRateArg(const T& s) : schedule(std::make_shared<T>(s)) {}
};

// padding=: a mode ("valid", "same", "causal") for convolutions and pooling, or sizes for ZeroPadding
// (padding=1, padding={1, 2}, padding={{1, 1}, {2, 2}}).
struct PaddingArg {
  std::string mode;                          // set when given as a string
  std::vector<std::vector<int64_t>> values;  // set when given as numbers: one entry per dimension
  PaddingArg() = default;
  PaddingArg(const char* m) : mode(m) {}
  PaddingArg(std::string m) : mode(std::move(m)) {}
  PaddingArg(int v) : values{{v}} {}
  PaddingArg(std::initializer_list<int64_t> v) {
    for (int64_t x : v) values.push_back({x});
  }
  PaddingArg(std::initializer_list<std::initializer_list<int64_t>> v) {
    for (const auto& pair : v) values.emplace_back(pair);
  }
  bool is_mode() const { return values.empty(); }
};

// One number or a list of numbers (thresholds=0.7 or thresholds={0.3, 0.7}).
struct FloatList {
  std::vector<double> values;
  FloatList() = default;
  FloatList(double v) : values{v} {}
  FloatList(std::initializer_list<double> v) : values(v) {}
  FloatList(std::vector<double> v) : values(std::move(v)) {}
};

// A shape for input_shape= and Input(shape=): per-sample dims, each a number or None.
using ShapeArg = Shape;

// output_shape= as a function of the input shape (Lambda's callable form), or of the input shapes for a list.
struct ShapeFunction {
  std::function<Shape(const std::vector<Shape>&)> fn;
};

// output_shape=64, output_shape={None, 64} (EinsumDense, MultiHeadAttention, Lambda) or, for Lambda, a function of
// the input shape; Kwargs keeps a Shape or a ShapeFunction.
struct OutputShapeArg {
  std::any value;
  OutputShapeArg(int size) : value(Shape{Dim(size)}) {}  // NOLINT: Keras takes an int for one axis
  OutputShapeArg(std::initializer_list<Dim> dims) : value(Shape(dims)) {}
  OutputShapeArg(Shape s) : value(std::move(s)) {}  // NOLINT
  template <class F>
    requires std::is_invocable_r_v<Shape, F, const Shape&>
  OutputShapeArg(F f)  // NOLINT
      : value(ShapeFunction{[f](const std::vector<Shape>& s) { return f(s.at(0)); }}) {}
  template <class F>
    requires(!std::is_invocable_r_v<Shape, F, const Shape&> &&
             std::is_invocable_r_v<Shape, F, const std::vector<Shape>&>)
  OutputShapeArg(F f) : value(ShapeFunction{std::move(f)}) {}  // NOLINT
  std::any stored() const { return value; }
};

}  // namespace keras

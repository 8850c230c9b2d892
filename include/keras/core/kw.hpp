#pragma once
// Keyword arguments, Keras style: Dense(128, activation="relu", input_shape={784}), in any order.
//
// Every keyword is a constant object in keras::kw (and so in scope after `using namespace keras::kw`).
// `kw::name = value` makes a KwArg tagged with the keyword; a function or layer collects its KwArgs with
// kw::collect<Owner>(args...), which checks at compile time that Owner accepts each keyword (the static_assert's text
// names the keyword, the compiler's note names Owner), and returns a run-time Kwargs bag that the (non-template)
// implementation reads. `keyword = None` means "Keras's default".
#include <any>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/errors.hpp"
#include "keras/core/shape.hpp"

namespace keras::kw {

template <class T>
inline constexpr bool dependent_false = false;

template <class Tag>
struct KwArg {
  using tag = Tag;
  std::optional<typename Tag::type> value;  // nullopt: the keyword was given None
};

template <class Tag>
struct Keyword {
  using tag = Tag;
  using type = typename Tag::type;
  KwArg<Tag> operator=(type v) const { return {std::optional<type>(std::move(v))}; }
  KwArg<Tag> operator=(NoneType) const { return {std::nullopt}; }
};

// The run-time bag of collected keyword arguments.
class Kwargs {
 public:
  struct None_ {};
  void set(std::string_view key, std::any value) {
    for (auto& [k, v] : items_)
      if (k == key) {
        v = std::move(value);
        return;
      }
    items_.emplace_back(std::string(key), std::move(value));
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // True when the keyword was given as None.
  bool is_none(std::string_view key) const {
    const std::any* v = find(key);
    return v && v->type() == typeid(None_);
  }
  // The value if given (and not None).
  template <class T>
  std::optional<T> get(std::string_view key) const {
    const std::any* v = find(key);
    if (!v || v->type() == typeid(None_)) return std::nullopt;
    if (const T* p = std::any_cast<T>(v)) return *p;
    if constexpr (std::is_integral_v<T>)
      if (const IntTuple* list = std::any_cast<IntTuple>(v)) {  // axis={1, 2} where one axis is taken
        std::string given;
        for (int64_t e : list->values) given += (given.empty() ? "" : ", ") + std::to_string(e);
        throw TypeError("Keyword argument `" + std::string(key) + "` takes one value here, not a list: received " +
                            std::string(key) + "={" + given + "}.",
                        {.expected = "one int", .received = "{" + given + "}",
                         .hint = "give a single value, e.g. " + std::string(key) + "=-1."});
      }
    if constexpr (std::is_floating_point_v<T>)
      if (const FloatList* list = std::any_cast<FloatList>(v)) {  // factor=0.5 where a range is also accepted
        if (list->values.size() == 1) return static_cast<T>(list->values[0]);
        throw TypeError("Keyword argument `" + std::string(key) + "` takes one number here, not a list.",
                        {.expected = "one number", .hint = "give a single value, e.g. " + std::string(key) + "=0.5."});
      }
    throw TypeError("Keyword argument `" + std::string(key) + "` has the wrong type.");
  }
  template <class T>
  T get_or(std::string_view key, T fallback) const {
    auto v = get<T>(key);
    return v ? std::move(*v) : std::move(fallback);
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& kv : items_) out.push_back(kv.first);
    return out;
  }
  // Copies `key` as `other` holds it (a value of any type, or None); nothing when `other` lacks it.
  void copy_from(const Kwargs& other, std::string_view key) {
    if (const std::any* v = other.find(key)) set(key, *v);
  }
  void erase(std::string_view key) {
    std::erase_if(items_, [&](const auto& kv) { return kv.first == key; });
  }

 private:
  const std::any* find(std::string_view key) const {
    for (const auto& [k, v] : items_)
      if (k == key) return &v;
    return nullptr;
  }
  std::vector<std::pair<std::string, std::any>> items_;
};

// A compile-time list of the keywords a layer or function accepts.
template <class... Tags>
struct keywords {};

template <class List, class... More>
struct extend;
template <class... Tags, class... More>
struct extend<keywords<Tags...>, More...> {
  using type = keywords<Tags..., More...>;
};
// keywords<base..., more...>: a layer's own keywords added to its base's.
template <class List, class... More>
using keywords_plus = typename extend<List, More...>::type;

template <class List, class Tag>
struct accepts;
template <class... Tags, class Tag>
struct accepts<keywords<Tags...>, Tag> : std::bool_constant<(std::is_same_v<Tags, Tag> || ...)> {};

template <class T>
struct is_kwarg : std::false_type {};
template <class Tag>
struct is_kwarg<KwArg<Tag>> : std::true_type {};
template <class T>
inline constexpr bool is_kwarg_v = is_kwarg<std::remove_cvref_t<T>>::value;
template <class... A>
inline constexpr bool all_kwargs = (is_kwarg_v<A> && ...);

template <class Owner, class A>
void collect_one(Kwargs& out, A&& a) {
  using D = std::remove_cvref_t<A>;
  if constexpr (is_kwarg_v<D>) {
    using Tag = typename D::tag;
    Tag::template check<Owner, accepts<typename Owner::keywords, Tag>::value>();
    // A value type may say how Kwargs keeps it (AxisArg: an int or an IntTuple), for the readers' sake.
    if constexpr (requires(const typename Tag::type& v) { v.stored(); }) {
      if (a.value) out.set(Tag::key, a.value->stored());
      else out.set(Tag::key, std::any(Kwargs::None_{}));
    } else if (a.value) out.set(Tag::key, std::any(*a.value));
    else out.set(Tag::key, std::any(Kwargs::None_{}));
  } else {
    static_assert(dependent_false<D>,
                  "keras: a positional argument stands where a keyword argument was expected. If you wrote "
                  "`epochs=epochs` (or any name=value) and a local variable has the keyword's name, the local "
                  "variable hid the keyword: write `kw::epochs=epochs`. Otherwise the argument is in the wrong place.");
  }
}

// Collects KwArgs for Owner (a class with `using keywords = kw::keywords<...>`), checking each at compile time.
template <class Owner, class... A>
Kwargs collect(A&&... a) {
  Kwargs out;
  (collect_one<Owner>(out, std::forward<A>(a)), ...);
  return out;
}

// Defines keyword `NAME` with value type TYPE: the tag kw::NAME_t and the object kw::NAME.
#define KERAS_KEYWORD(NAME, ...)                                                                                  \
  struct NAME##_t {                                                                                               \
    using type = __VA_ARGS__;                                                                                     \
    static constexpr const char* key = #NAME;                                                                     \
    template <class Owner, bool ok>                                                                               \
    static constexpr void check() {                                                                               \
      static_assert(ok, "keras: keyword argument `" #NAME "=` is not accepted by this layer or function "        \
                        "(its name is the `Owner` in the compiler's note below); check the spelling, or Keras's " \
                        "signature for the keywords it takes.");                                                  \
    }                                                                                                             \
  };                                                                                                              \
  inline constexpr Keyword<NAME##_t> NAME {}

// Layers, common to all (keras.layers.Layer.__init__ and the Sequential shortcuts).
KERAS_KEYWORD(name, std::string);
KERAS_KEYWORD(input_shape, ShapeArg);
KERAS_KEYWORD(input_dim, int);
KERAS_KEYWORD(batch_input_shape, ShapeArg);
KERAS_KEYWORD(batch_size, int);
KERAS_KEYWORD(trainable, bool);
KERAS_KEYWORD(dtype, std::string);
// Input / InputLayer
KERAS_KEYWORD(shape, ShapeArg);
KERAS_KEYWORD(batch_shape, ShapeArg);
// Dense and friends
KERAS_KEYWORD(units, int);
KERAS_KEYWORD(activation, ActivationArg);
KERAS_KEYWORD(use_bias, bool);
KERAS_KEYWORD(kernel_initializer, InitializerArg);
KERAS_KEYWORD(bias_initializer, InitializerArg);
KERAS_KEYWORD(recurrent_initializer, InitializerArg);
// Convolution, pooling and other spatial layers (shared by all of them)
KERAS_KEYWORD(filters, int);
KERAS_KEYWORD(kernel_size, IntTuple);
KERAS_KEYWORD(strides, IntTuple);
KERAS_KEYWORD(padding, PaddingArg);  // a mode string, or sizes for ZeroPadding
KERAS_KEYWORD(dilation_rate, IntTuple);
KERAS_KEYWORD(groups, int);
KERAS_KEYWORD(pool_size, IntTuple);
// Reshaping, merging, regularization
KERAS_KEYWORD(data_format, std::string);
KERAS_KEYWORD(target_shape, std::vector<int64_t>);
KERAS_KEYWORD(n, int);
KERAS_KEYWORD(dims, std::vector<int64_t>);
// axis=-1 or axis={1, 2}. Kwargs holds an int for one axis and an IntTuple for a list, so layers that take one axis
// read an int; a list where they take one is a TypeError naming `axis`.
struct AxisArg {
  std::vector<int64_t> values;
  bool listed = false;
  AxisArg(int axis) : values{axis} {}
  AxisArg(std::initializer_list<int64_t> axes) : values(axes), listed(true) {}
  std::any stored() const { return listed ? std::any(IntTuple(values)) : std::any(static_cast<int>(values.at(0))); }
};
KERAS_KEYWORD(axis, AxisArg);
KERAS_KEYWORD(rate, double);
KERAS_KEYWORD(dropout, double);  // the recurrent layers' and the attention layers' rate
KERAS_KEYWORD(noise_shape, ShapeArg);
KERAS_KEYWORD(output_shape, OutputShapeArg);
KERAS_KEYWORD(seed, int);
// Initializers and activation parameters
KERAS_KEYWORD(value, double);
KERAS_KEYWORD(mean, double);
KERAS_KEYWORD(stddev, double);
KERAS_KEYWORD(minval, double);
KERAS_KEYWORD(maxval, double);
KERAS_KEYWORD(gain, double);
KERAS_KEYWORD(scale, double);
KERAS_KEYWORD(mode, std::string);
KERAS_KEYWORD(distribution, std::string);
KERAS_KEYWORD(negative_slope, double);
KERAS_KEYWORD(alpha, double);
KERAS_KEYWORD(max_value, double);
KERAS_KEYWORD(threshold, double);
KERAS_KEYWORD(approximate, bool);
// compile
KERAS_KEYWORD(optimizer, OptimizerArg);
KERAS_KEYWORD(loss, LossArg);
KERAS_KEYWORD(loss_weights, LossWeightsArg);
KERAS_KEYWORD(learning_rate, LearningRateArg);
// metrics= and callbacks= are declared with their classes (keras/metrics/metrics.hpp, keras/callbacks/callbacks.hpp),
// beside a struct of the same name that holds those classes (metrics::Precision()).
// predict / evaluate / fit
KERAS_KEYWORD(verbose, Verbosity);
KERAS_KEYWORD(steps, int);
KERAS_KEYWORD(epochs, int);
KERAS_KEYWORD(validation_split, double);
KERAS_KEYWORD(shuffle, bool);
KERAS_KEYWORD(initial_epoch, int);
KERAS_KEYWORD(steps_per_epoch, int);
KERAS_KEYWORD(validation_steps, int);
KERAS_KEYWORD(validation_batch_size, int);
KERAS_KEYWORD(return_dict, bool);
// optimizers
KERAS_KEYWORD(beta_1, double);
KERAS_KEYWORD(beta_2, double);
KERAS_KEYWORD(epsilon, double);
KERAS_KEYWORD(amsgrad, bool);
KERAS_KEYWORD(momentum, double);
KERAS_KEYWORD(nesterov, bool);
KERAS_KEYWORD(rho, double);
KERAS_KEYWORD(centered, bool);
KERAS_KEYWORD(weight_decay, double);
KERAS_KEYWORD(clipnorm, double);
KERAS_KEYWORD(clipvalue, double);
KERAS_KEYWORD(global_clipnorm, double);
KERAS_KEYWORD(initial_accumulator_value, double);
KERAS_KEYWORD(ema_momentum, double);
KERAS_KEYWORD(use_ema, bool);
// learning-rate schedules
KERAS_KEYWORD(initial_learning_rate, double);
KERAS_KEYWORD(decay_steps, int);
KERAS_KEYWORD(decay_rate, double);
KERAS_KEYWORD(staircase, bool);
KERAS_KEYWORD(boundaries, std::vector<double>);
KERAS_KEYWORD(values, std::vector<double>);
KERAS_KEYWORD(warmup_target, double);
KERAS_KEYWORD(warmup_steps, int);
// losses and metrics
KERAS_KEYWORD(from_logits, bool);
KERAS_KEYWORD(reduction, std::string);
KERAS_KEYWORD(label_smoothing, double);
KERAS_KEYWORD(delta, double);
KERAS_KEYWORD(gamma, double);
KERAS_KEYWORD(beta, double);  // Tversky, FBetaScore, Ftrl
KERAS_KEYWORD(apply_class_balancing, bool);
KERAS_KEYWORD(k, int);
KERAS_KEYWORD(num_thresholds, int);
KERAS_KEYWORD(thresholds, FloatList);
KERAS_KEYWORD(top_k, int);
KERAS_KEYWORD(class_id, int);
KERAS_KEYWORD(average, std::string);
KERAS_KEYWORD(curve, std::string);
KERAS_KEYWORD(num_classes, int);
// SparseCategoricalCrossentropy(ignore_class=255), MeanIoU(ignore_class=0): targets equal to it do not count.
KERAS_KEYWORD(ignore_class, int);
// callbacks
KERAS_KEYWORD(monitor, std::string);
KERAS_KEYWORD(min_delta, double);
KERAS_KEYWORD(patience, int);
KERAS_KEYWORD(baseline, double);
KERAS_KEYWORD(restore_best_weights, bool);
KERAS_KEYWORD(start_from_epoch, int);
KERAS_KEYWORD(filepath, std::string);
KERAS_KEYWORD(save_best_only, bool);
KERAS_KEYWORD(save_weights_only, bool);
KERAS_KEYWORD(save_freq, Frequency);
KERAS_KEYWORD(filename, std::string);
KERAS_KEYWORD(separator, std::string);
KERAS_KEYWORD(append, bool);
// ReduceLROnPlateau(factor=0.5); the image augmentation layers' factor=0.2 or factor={-0.1, 0.3}.
KERAS_KEYWORD(factor, FloatList);
KERAS_KEYWORD(cooldown, int);
KERAS_KEYWORD(min_lr, double);

}  // namespace keras::kw

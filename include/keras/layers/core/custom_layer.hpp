#pragma once
// A layer written by the user, as subclassing keras.layers.Layer: weights made in build() with add_weight, the
// computation in call() with keras::ops, and the gradient derived by keraspp.
//
//   class LinearImpl : public keras::layers::CustomLayer {
//    public:
//     explicit LinearImpl(int64_t units) : CustomLayer("Linear"), units_(units) {}
//     void build(const keras::Shape& input_shape) override {
//       w_ = add_weight("kernel", {input_shape[-1].value(), units_}, "glorot_uniform");
//       b_ = add_weight("bias", {units_}, "zeros");
//     }
//     keras::Tensor call(const keras::Tensor& x, bool training) override {
//       return keras::ops::matmul(x, w_->value) + b_->value;
//     }
//    private:
//     int64_t units_;
//     keras::VariablePtr w_, b_;
//   };
//   keras::Layer linear = keras::layers::make_layer<LinearImpl>(64);   // then linear(x), in Sequential, ...
//
// call() runs on whole batches; while training, its keras::ops and Tensor arithmetic are recorded and replayed
// backwards for the gradients of the input and of every trainable weight (keras/ops/ops.hpp says which operations
// record). Layers called inside call() are recorded too when they have one input and one output, and their weights
// train with this layer's once it lists them with track("attribute", layer). Values computed some other way (a loop over data())
// are constants to the gradient.
//
// The output shape is found, as Keras traces call(), by calling call() on zeros (None as 1 and then 2); override
// compute_output_shape to state it, and to raise Keras-style errors before any data.
//
// Saving a model file (.keras, .h5) with a custom layer works as in Keras once the class is registered
// (@keras.saving.register_keras_serializable) and says what its constructor needs (get_config):
//     LayerConfig get_config() const override { return LayerConfig().set("units", units_); }
//     static const bool registered = keras::layers::register_custom_layer(
//         "my_layers", "Linear", [](const LayerConfig& c) { return std::make_shared<LinearImpl>(c.get<int64_t>("units")); });
// The file names the class "my_layers>Linear" (Keras's registered_name), so a Keras model whose Python layer is
// registered under the same package and name loads into this C++ class, weights included, and back.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers {

// A custom layer's constructor arguments as a model file keeps them: JSON's values, as Keras's get_config returns.
class LayerConfig {
 public:
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                             std::vector<std::string>>;
  template <class T>
  LayerConfig& set(const std::string& key, const T& value) {
    if constexpr (std::is_same_v<T, bool>) values_[key] = value;
    else if constexpr (std::is_integral_v<T>) values_[key] = static_cast<int64_t>(value);
    else if constexpr (std::is_floating_point_v<T>) values_[key] = static_cast<double>(value);
    else if constexpr (std::is_convertible_v<T, std::string>) values_[key] = std::string(value);
    else if constexpr (std::is_same_v<T, std::vector<int>>) values_[key] = std::vector<int64_t>(value.begin(), value.end());
    else if constexpr (std::is_same_v<T, std::vector<float>>) values_[key] = std::vector<double>(value.begin(), value.end());
    else values_[key] = Value(value);
    return *this;
  }
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  // The value as T: numbers convert as Python's would (an int where a float is asked), a missing key or another
  // kind of value is a TypeError naming the key.
  template <class T>
  T get(const std::string& key) const;
  template <class T>
  T get_or(const std::string& key, T fallback) const { return has(key) ? get<T>(key) : fallback; }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  [[noreturn]] void wrong(const std::string& key, const std::string& wanted) const;
  std::map<std::string, Value> values_;
};

template <class T>
T LayerConfig::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) wrong(key, "");
  const Value& v = it->second;
  if constexpr (std::is_same_v<T, bool>) {
    if (const bool* b = std::get_if<bool>(&v)) return *b;
  } else if constexpr (std::is_integral_v<T>) {
    if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<T>(*i);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (const double* d = std::get_if<double>(&v)) return static_cast<T>(*d);
    if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<T>(*i);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>> || std::is_same_v<T, std::vector<int>>) {
    if (const auto* l = std::get_if<std::vector<int64_t>>(&v)) return T(l->begin(), l->end());
  } else if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<float>>) {
    if (const auto* l = std::get_if<std::vector<double>>(&v)) return T(l->begin(), l->end());
    if (const auto* l = std::get_if<std::vector<int64_t>>(&v)) return T(l->begin(), l->end());
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (const auto* l = std::get_if<std::vector<std::string>>(&v)) return *l;
  }
  wrong(key, "the type asked for");
}

class CustomLayer : public LayerImpl {
 public:
  // class_name is the layer's Keras class name ("Linear"); its automatic names are its snake case ("linear",
  // "linear_1"). kwargs: the keywords every layer takes (kw::collect<CustomLayer>(name = "..."), ...).
  using keywords = layer_keywords;
  explicit CustomLayer(std::string class_name, const kw::Kwargs& kwargs = {});

  // ---- what the user's layer provides ----
  // Creates the weights once the input shape is known (the batch axis is None): add_weight(name, shape, init).
  virtual void build(const Shape& input_shape) { (void)input_shape; }
  // The computation, on a whole batch. training is true inside fit.
  virtual Tensor call(const Tensor& x, bool training) = 0;
  // The output shape for an input shape, batch axis included; by default found by calling call() on zeros.
  virtual Shape compute_output_shape(const Shape& input_shape);

  // Makes a layer created by this one part of it, as Keras tracks `self.<attribute> = layers.Dense(...)`: its
  // weights are listed and trained with this layer's, and saved under <this layer>/<attribute>/ as Keras saves
  // them (so a Keras file of the same Python layer loads). Returns it.
  Layer track(const std::string& attribute, Layer sublayer);

  // Keras's get_config(): the arguments the layer's constructor needs, for a model file (name and trainable are
  // saved for every layer). Needed only to save models with this layer in a model file.
  virtual LayerConfig get_config() const { return {}; }

  // ---- the machinery (final) ----
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& shapes) final;
  void build(const std::vector<Shape>& shapes) final { build(shapes.at(0)); }
  std::vector<Tensor> forward(CallContext& ctx) final;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) final;
  std::vector<VariablePtr> variables() const override;
  std::vector<std::pair<std::string, std::shared_ptr<LayerImpl>>> owned_sublayers() const override;
  void set_trainable(bool t) override;
  double regularization_penalty(bool accumulate_grads) override;

 private:
  // Runs call() with a tape that watches x and the trainable weights.
  std::shared_ptr<void> record_call(const Tensor& x, bool training, Tensor& y);
  std::vector<std::pair<std::string, Layer>> sublayers_;  // in the order tracked, as Keras lists their weights
};

// Keras's @keras.saving.register_keras_serializable(package): model files name layers of class `class_name` as
// "package>class_name" (Keras's registered_name), and loading one makes the layer with from_config(its config).
// Call it before saving or loading (at startup: `static const bool registered = register_custom_layer(...)`).
// Returns true; a name registered twice is a ValueError.
using CustomLayerFactory = std::function<std::shared_ptr<CustomLayer>(const LayerConfig&)>;
bool register_custom_layer(const std::string& package, const std::string& class_name, CustomLayerFactory from_config);

// A handle to a new layer of class L, made with L's constructor arguments.
template <class L, class... A>
Layer make_layer(A&&... a) {
  return Layer(std::make_shared<L>(std::forward<A>(a)...));
}

}  // namespace keras::layers

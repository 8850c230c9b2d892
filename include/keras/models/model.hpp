#pragma once
// keras.Model: a functional model Model(inputs, outputs), and the base of Sequential. A Model is a Layer (it can be
// called on data or on symbolic tensors, and used inside other models); copies share the same model.
#include <concepts>
#include <functional>
#include <initializer_list>
#include <map>
#include <iosfwd>
#include <type_traits>
#include <memory>
#include <string>
#include <vector>

#include "keras/callbacks/callback.hpp"
#include "keras/layers/layer.hpp"
#include "keras/metrics/metric.hpp"
#include "keras/models/data.hpp"
#include "keras/models/functional.hpp"
#include "keras/utils/dataset.hpp"

namespace keras {

namespace optimizers {
class Optimizer;
}

// validation_data={x_val, y_val} (optionally with sample weights), or a dataset of batches (validation_data=val_ds),
// which must outlive the fit() call.
struct ValidationData {
  Data x, y;
  Tensor sample_weight;
  utils::Dataset* dataset = nullptr;
  ValidationData() = default;
  ValidationData(Data x_, Data y_) : x(std::move(x_)), y(std::move(y_)) {}
  ValidationData(Data x_, Data y_, Tensor w) : x(std::move(x_)), y(std::move(y_)), sample_weight(std::move(w)) {}
  ValidationData(utils::Dataset& d) : dataset(&d) {}
};

namespace detail {
// A utils::Dataset (or a class derived from one) that fit/evaluate/predict may read batches from: an lvalue or a
// temporary, never const (reading a batch may change the dataset).
template <class D>
concept mutable_dataset = std::derived_from<std::remove_cvref_t<D>, utils::Dataset> &&
                          !std::is_const_v<std::remove_reference_t<D>>;
}  // namespace detail

// validation_freq=2: validate after every 2nd epoch (epochs counted from 1, initial_epoch included); or the list of
// epochs after which to validate, validation_freq={1, 5, 10}; as Keras's.
struct ValidationFreq {
  int every = 1;
  bool listed = false;
  std::vector<int> epochs;
  ValidationFreq(int n) : every(n) {}  // NOLINT: an int converts, as in Python
  ValidationFreq(std::initializer_list<int> l) : listed(true), epochs(l) {}
  ValidationFreq(std::vector<int> l) : listed(true), epochs(std::move(l)) {}  // NOLINT
  // Whether fit validates after this epoch (0-based, as fit counts).
  bool validates_after(int epoch) const;
};

namespace kw {
KERAS_KEYWORD(line_length, int);
KERAS_KEYWORD(positions, std::vector<double>);
KERAS_KEYWORD(print_fn, std::function<void(const std::string&)>);
KERAS_KEYWORD(show_trainable, bool);
KERAS_KEYWORD(layer_range, std::vector<std::string>);
KERAS_KEYWORD(validation_freq, ValidationFreq);
KERAS_KEYWORD(validation_data, ValidationData);
KERAS_KEYWORD(class_weight, std::map<int, double>);
KERAS_KEYWORD(sample_weight, Tensor);
}  // namespace kw

// What fit returns: history.history["loss"][epoch], and epoch numbers and params as Keras's History.
struct History {
  std::map<std::string, std::vector<double>> history;
  std::vector<int> epoch;
  TrainingParams params;
};

struct TrainingState;  // optimizer, losses, metrics: set by compile()

// model.stop_training = true; from a callback stops fit after the current batch, as in Keras.
class StopTrainingFlag {
 public:
  StopTrainingFlag& operator=(bool stop);
  operator bool() const;
  void attach(std::shared_ptr<TrainingState> s) { state_ = std::move(s); }

 private:
  std::shared_ptr<TrainingState> state_;
};

// inputs / outputs of Model(...): one symbolic tensor or a list {in_a, in_b}.
struct SymbolicTensors {
  std::vector<KerasTensor> tensors;
  SymbolicTensors(const KerasTensor& t) : tensors{t} {}
  SymbolicTensors(std::initializer_list<KerasTensor> ts) : tensors(ts) {}
  SymbolicTensors(std::vector<KerasTensor> ts) : tensors(std::move(ts)) {}
};

class Model : public Layer {
 public:
  using keywords = kw::keywords<kw::name_t, kw::trainable_t>;
  struct predict_args {
    using keywords = kw::keywords<kw::batch_size_t, kw::verbose_t, kw::steps_t, kw::callbacks_t>;
  };

  struct compile_args {
    using keywords =
        kw::keywords<kw::optimizer_t, kw::loss_t, kw::metrics_t, kw::loss_weights_t, kw::weighted_metrics_t>;
  };
  struct fit_args {
    using keywords = kw::keywords<kw::batch_size_t, kw::epochs_t, kw::verbose_t, kw::callbacks_t,
                                  kw::validation_split_t, kw::validation_data_t, kw::shuffle_t, kw::class_weight_t,
                                  kw::sample_weight_t, kw::initial_epoch_t, kw::steps_per_epoch_t,
                                  kw::validation_steps_t, kw::validation_batch_size_t, kw::validation_freq_t>;
  };
  struct summary_args {
    using keywords = kw::keywords<kw::line_length_t, kw::positions_t, kw::print_fn_t, kw::show_trainable_t,
                                  kw::layer_range_t>;
  };
  struct train_on_batch_args {
    using keywords = kw::keywords<kw::sample_weight_t, kw::class_weight_t>;
  };
  struct test_on_batch_args {
    using keywords = kw::keywords<kw::sample_weight_t>;
  };
  struct evaluate_args {
    using keywords = kw::keywords<kw::batch_size_t, kw::verbose_t, kw::sample_weight_t, kw::steps_t,
                                  kw::callbacks_t, kw::return_dict_t>;
  };

  Model() = default;
  explicit Model(std::shared_ptr<LayerImpl> impl);
  template <class... A>
    requires kw::all_kwargs<A...>
  Model(const SymbolicTensors& inputs, const SymbolicTensors& outputs, A&&... a)
      : Model(inputs, outputs, kw::collect<Model>(std::forward<A>(a)...)) {}
  Model(const SymbolicTensors& inputs, const SymbolicTensors& outputs, const kw::Kwargs& kwargs);

  // compile(optimizer="rmsprop", loss=, metrics=, loss_weights=, weighted_metrics=) with Keras names or objects.
  // As in Keras 3, only weighted_metrics see fit's and evaluate's sample_weight and class_weight.
  template <class... A>
  void compile(A&&... a) const {
    compile_with(kw::collect<compile_args>(std::forward<A>(a)...));
  }
  void compile_with(const kw::Kwargs& kwargs) const;

  // fit(x, y, batch_size=32, epochs=1, verbose="auto", callbacks=, validation_split=, validation_data=,
  //     shuffle=true, class_weight=, sample_weight=, initial_epoch=, steps_per_epoch=) as Keras's.
  template <class... A>
  History fit(const Data& x, const Data& y, A&&... a) {
    return fit_with(x, y, kw::collect<fit_args>(std::forward<A>(a)...));
  }
  // fit on a dataset that yields batches (Keras's PyDataset, or timeseries_dataset_from_array's result).
  template <detail::mutable_dataset D, class... A>
  History fit(D&& dataset, A&&... a) {
    return fit_with(static_cast<utils::Dataset&>(dataset), kw::collect<fit_args>(std::forward<A>(a)...));
  }
  History fit_with(const Data& x, const Data& y, const kw::Kwargs& kwargs);
  History fit_with(utils::Dataset& dataset, const kw::Kwargs& kwargs);

  // The loss, then the metrics, as Keras's evaluate.
  template <class... A>
  std::vector<double> evaluate(const Data& x, const Data& y, A&&... a) {
    return evaluate_with(x, y, kw::collect<evaluate_args>(std::forward<A>(a)...));
  }
  // evaluate on a dataset's batches (each batch's x and y; steps= stops early).
  template <detail::mutable_dataset D, class... A>
  std::vector<double> evaluate(D&& dataset, A&&... a) {
    return evaluate_with(static_cast<utils::Dataset&>(dataset), kw::collect<evaluate_args>(std::forward<A>(a)...));
  }
  std::vector<double> evaluate_with(const Data& x, const Data& y, const kw::Kwargs& kwargs);
  std::vector<double> evaluate_with(utils::Dataset& dataset, const kw::Kwargs& kwargs);
  // evaluate's values by name ("loss", "accuracy", ...), as evaluate(..., return_dict=True). C++ cannot change
  // evaluate()'s return type with a keyword, so evaluate(return_dict=true) is a ValueError that points here.
  std::map<std::string, double> evaluate_dict(const Data& x, const Data& y, const kw::Kwargs& kwargs = {});
  std::map<std::string, double> evaluate_dict(utils::Dataset& dataset, const kw::Kwargs& kwargs = {});
  // One optimizer step on one batch, train_on_batch(x, y, sample_weight=, class_weight=); returns the loss then the
  // metrics of this batch alone (their states are reset first, as in Keras since keras-team/keras#22617).
  template <class... A>
  std::vector<double> train_on_batch(const Data& x, const Data& y, A&&... a) {
    return train_on_batch_with(x, y, kw::collect<train_on_batch_args>(std::forward<A>(a)...));
  }
  // The loss and metrics of one batch in inference mode, test_on_batch(x, y, sample_weight=).
  template <class... A>
  std::vector<double> test_on_batch(const Data& x, const Data& y, A&&... a) {
    return test_on_batch_with(x, y, kw::collect<test_on_batch_args>(std::forward<A>(a)...));
  }
  std::vector<double> train_on_batch_with(const Data& x, const Data& y, const kw::Kwargs& kwargs);
  std::vector<double> test_on_batch_with(const Data& x, const Data& y, const kw::Kwargs& kwargs);
  // The names evaluate's values go by: {"loss", "accuracy"}.
  std::vector<std::string> metrics_names() const;
  // The compiled optimizer (null before compile).
  std::shared_ptr<optimizers::Optimizer> optimizer() const;
  bool compiled() const;

  StopTrainingFlag stop_training;

  // Runs the model on x in batches (inference mode). batch_size=32, verbose="auto".
  template <class... A>
  Prediction predict(const Data& x, A&&... a) const {
    return predict_with(x, kw::collect<predict_args>(std::forward<A>(a)...));
  }
  // predict on a dataset's batches: their x, in order (y is ignored); the outputs are stacked along the batch axis.
  template <detail::mutable_dataset D, class... A>
  Prediction predict(D&& dataset, A&&... a) const {
    return predict_with(static_cast<utils::Dataset&>(dataset), kw::collect<predict_args>(std::forward<A>(a)...));
  }
  Prediction predict_with(const Data& x, const kw::Kwargs& kwargs) const;
  Prediction predict_with(utils::Dataset& dataset, const kw::Kwargs& kwargs) const;
  Prediction predict_on_batch(const Data& x) const;

  // Keras 3's table on stdout (or a stream), summary(line_length=, positions=, print_fn=, show_trainable=,
  // layer_range=) as Keras's: print_fn receives the whole text instead of stdout; layer_range={"first", "last"}
  // (names or regular expressions matched at the start of a name, both ends included) limits the rows.
  template <class... A>
    requires kw::all_kwargs<A...>
  void summary(A&&... a) const {
    summary_with(kw::collect<summary_args>(std::forward<A>(a)...));
  }
  void summary(std::ostream& os) const;
  std::string summary_string(const kw::Kwargs& kwargs = {}) const;
  void summary_with(const kw::Kwargs& kwargs) const;

  // Builds a deferred model for inputs of this shape (batch included), as model.build(input_shape).
  void build(const Shape& input_shape) const;

  // Saving, in Keras 3's formats (keras/saving/saving.hpp has load_model, keras/models/models.hpp model_from_json):
  // save("m.keras") writes the zip archive (config.json, metadata.json, model.weights.h5); save_weights("m.weights.h5")
  // the weights store alone (the path must end in ".weights.h5"); load_weights reads a .weights.h5 file or the weights
  // of a .keras archive into this model (same architecture: every shape is checked); to_json() is config.json's text.
  void save(const std::string& path) const;
  void save_weights(const std::string& path) const;
  void load_weights(const std::string& path) const;
  std::string to_json() const;

  std::vector<Layer> layers() const;
  Layer get_layer(const std::string& name) const;
  Layer get_layer(int index) const;
  std::vector<KerasTensor> inputs() const;
  std::vector<KerasTensor> outputs() const;

  FunctionalImpl& graph() const;

 protected:
  friend class Trainer;  // checks each batch of a dataset as these check arrays
  // Checks x against the model (count, cardinality, shapes) and builds a deferred model; returns x in input order.
  std::vector<Tensor> prepare_inputs(const Data& x) const;
  // The targets in the outputs' order: y given by output name (Keras's dict) is ordered by the output layers' names.
  std::vector<Tensor> prepare_targets(const Data& y) const;
};

}  // namespace keras

#pragma once
// What fit / evaluate / predict take as x (and y): one Tensor, a list {x_a, x_b}, or a map from input name.
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras {

struct Data {
  std::vector<Tensor> tensors;
  std::vector<std::string> names;  // set when given by input name; same order as tensors

  Data() = default;
  Data(const Tensor& t) : tensors{t} {}
  Data(std::initializer_list<Tensor> ts) : tensors(ts) {}
  Data(std::vector<Tensor> ts) : tensors(std::move(ts)) {}
  Data(const std::map<std::string, Tensor>& by_name) {
    for (const auto& [k, v] : by_name) {
      names.push_back(k);
      tensors.push_back(v);
    }
  }
  bool empty() const { return tensors.empty(); }
  size_t size() const { return tensors.size(); }
  const Tensor& operator[](size_t i) const { return tensors.at(i); }
};

// predict's result: the Tensor of a one-output model (indexing gives rows, as numpy), or, for several outputs,
// one Tensor per output (indexing gives outputs, as Keras's list). It converts to the first output's Tensor.
class Prediction : public Tensor {
 public:
  Prediction() = default;
  explicit Prediction(std::vector<Tensor> outputs)
      : Tensor(outputs.empty() ? Tensor() : outputs[0]), outputs_(std::move(outputs)) {}
  const std::vector<Tensor>& outputs() const { return outputs_; }
  size_t num_outputs() const { return outputs_.size(); }
  Tensor operator[](int64_t i) const {
    if (outputs_.size() == 1) return Tensor::operator[](i);
    return outputs_.at(static_cast<size_t>(i));
  }

 private:
  std::vector<Tensor> outputs_;
};

}  // namespace keras

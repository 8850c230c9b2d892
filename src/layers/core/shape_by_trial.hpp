#pragma once
// Keras traces a Lambda's function or a custom layer's call() symbolically to learn the output shape. keraspp calls
// it on zeros, with 1 and then 2 where the inputs have None: an axis whose size follows them is None in the output.
#include <functional>
#include <optional>
#include <vector>

#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"

namespace keras::layers::detail {

// The output shape, or nullopt when the output's rank changes with the unknown sizes. Exceptions from call pass.
inline std::optional<Shape> shape_by_trial(const std::vector<Shape>& inputs,
                                           const std::function<Tensor(const std::vector<Tensor>&)>& call) {
  auto trial = [&](int64_t unknown) {
    std::vector<Tensor> xs;
    for (const Shape& s : inputs) {
      std::vector<int64_t> dims;
      for (const Dim& d : s.dims()) dims.push_back(d.known() ? d.value() : unknown);
      xs.push_back(Tensor::zeros(dims));
    }
    return call(xs).dims();
  };
  const std::vector<int64_t> one = trial(1), two = trial(2);
  if (one.size() != two.size()) return std::nullopt;
  std::vector<Dim> out;
  for (size_t i = 0; i < one.size(); ++i) out.push_back(one[i] == two[i] ? Dim(one[i]) : Dim());
  return Shape(std::move(out));
}

}  // namespace keras::layers::detail

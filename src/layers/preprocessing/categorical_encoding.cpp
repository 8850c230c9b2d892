#include "layers/preprocessing/categorical_encoding.hpp"

#include <vector>

#include "keras/core/errors.hpp"

namespace keras::layers::categorical {

OutputMode mode_from_name(const std::string& name) {
  if (name == "one_hot") return OutputMode::kOneHot;
  if (name == "multi_hot") return OutputMode::kMultiHot;
  if (name == "count") return OutputMode::kCount;
  return OutputMode::kInt;
}

std::string mode_name(OutputMode mode) {
  switch (mode) {
    case OutputMode::kOneHot: return "one_hot";
    case OutputMode::kMultiHot: return "multi_hot";
    case OutputMode::kCount: return "count";
    default: return "int";
  }
}

namespace {

// The dims encode() works on: rank 0 becomes (1,); for one_hot a trailing 1 goes.
std::vector<int64_t> prepared_dims(std::vector<int64_t> dims, OutputMode mode) {
  if (dims.empty()) dims = {1};
  if (mode == OutputMode::kOneHot && dims.size() > 1 && dims.back() == 1) dims.pop_back();
  return dims;
}

}  // namespace

Tensor encode(const Tensor& indices, OutputMode mode, int64_t depth) {
  if (mode == OutputMode::kInt) return indices;
  const std::vector<int64_t> dims = prepared_dims(indices.dims(), mode);
  const float* x = indices.data();
  auto index_at = [&](int64_t i) -> int64_t {
    const float v = x[i];
    return v >= 0 && v < static_cast<float>(depth) ? static_cast<int64_t>(v) : -1;
  };
  if (mode == OutputMode::kOneHot) {
    std::vector<int64_t> out_dims = dims;
    out_dims.push_back(depth);
    Tensor out = Tensor::zeros(out_dims);
    for (int64_t i = 0; i < indices.size(); ++i)
      if (const int64_t k = index_at(i); k >= 0) out.data()[i * depth + k] = 1.0f;
    return out;
  }
  // multi_hot / count: reduce axis 1 (axis 0 for rank 1): rows = dims[0], reduced = dims[1], rest = the others.
  const bool rank_one = dims.size() == 1;
  const int64_t rows = rank_one ? 1 : dims[0];
  const int64_t reduced = rank_one ? dims[0] : dims[1];
  int64_t rest = 1;
  for (size_t i = 2; i < dims.size(); ++i) rest *= dims[i];
  std::vector<int64_t> out_dims;
  if (!rank_one) out_dims.push_back(dims[0]);
  for (size_t i = 2; i < dims.size(); ++i) out_dims.push_back(dims[i]);
  out_dims.push_back(depth);
  Tensor out = Tensor::zeros(out_dims);
  float* o = out.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t t = 0; t < reduced; ++t)
      for (int64_t s = 0; s < rest; ++s) {
        const int64_t k = index_at((r * reduced + t) * rest + s);
        if (k < 0) continue;
        float& cell = o[(r * rest + s) * depth + k];
        cell = mode == OutputMode::kCount ? cell + 1.0f : 1.0f;
      }
  return out;
}

Shape encoded_shape(const Shape& input, OutputMode mode, Dim depth) {
  if (mode == OutputMode::kInt) return input;
  std::vector<Dim> dims;
  for (int i = 0; i < input.ndim(); ++i) dims.push_back(input[i]);
  if (dims.empty()) dims.push_back(Dim(1));
  if (mode == OutputMode::kOneHot) {
    if (dims.size() > 1 && dims.back().known() && dims.back().value() == 1) dims.pop_back();
  } else if (dims.size() == 1) {
    dims.clear();
  } else {
    dims.erase(dims.begin() + 1);
  }
  dims.push_back(depth);
  return Shape(dims);
}

void refuse_sparse(const kw::Kwargs& k, const std::string& layer) {
  if (k.get_or("sparse", false))
    throw ValueError("`sparse=True` cannot be used with backend keraspp",
                     {.layer = layer, .hint = "keraspp has no sparse tensors; leave sparse=false (dense output)."});
}

Tensor zero_input_gradient(const CallContext& ctx) {
  if (!ctx.input_needs_grad(0)) return {};
  return Tensor::zeros(ctx.inputs.at(0).dims());
}

}  // namespace keras::layers::categorical

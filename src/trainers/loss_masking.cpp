#include "trainers/loss_masking.hpp"

#include "keras/core/errors.hpp"

namespace keras::detail {

Tensor apply_mask(const Tensor* sample_weight, const Tensor& mask, const std::string& reduction) {
  Tensor w = Tensor::empty(mask.dims());
  const float* m = mask.data();
  float* wd = w.data();
  const int64_t n = mask.size();
  double valid = 0;
  for (int64_t i = 0; i < n; ++i) {
    wd[i] = m[i] != 0.0f ? 1.0f : 0.0f;
    valid += wd[i];
  }
  if (reduction == "sum_over_batch_size" || reduction == "mean") {
    const float scale = valid > 0 ? static_cast<float>(static_cast<double>(n) / valid) : 0.0f;  // divide_no_nan
    for (int64_t i = 0; i < n; ++i) wd[i] *= scale;
  }
  if (!sample_weight || !sample_weight->defined()) return w;
  const Tensor& sw = *sample_weight;
  // (batch,) or (batch, 1) weights act on every entry of their sample; weights of the mask's shape entry by entry.
  int64_t per = 0;
  if (sw.size() == n && sw.ndim() == mask.ndim()) per = 1;
  else if (mask.ndim() >= 1 && sw.ndim() >= 1 && sw.dim(0) == mask.dim(0) && sw.size() == mask.dim(0))
    per = n / std::max<int64_t>(mask.dim(0), 1);
  if (per == 0)
    throw ValueError("sample_weight of shape " + to_string(sw.shape()) + " cannot be combined with the output mask " +
                         "of shape " + to_string(mask.shape()) + ".",
                     {.expected = "sample_weight of shape (" + std::to_string(mask.ndim() ? mask.dim(0) : 0) +
                                  ",) or " + to_string(mask.shape()),
                      .received = to_string(sw.shape()),
                      .hint = "give one weight per sample, or one per masked entry (the mask's shape)."});
  const float* s = sw.data();
  for (int64_t i = 0; i < n; ++i) wd[i] *= s[i / per];
  return w;
}

}  // namespace keras::detail

#pragma once
// Keywords of the pooling, padding, cropping and upsampling layers that kw.hpp does not already declare
// (kernel_size, strides, padding, dilation_rate, pool_size and data_format live there, shared with convolutions).
#include <string>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {

// GlobalAveragePooling*/GlobalMaxPooling*: keep the pooled spatial axes as size 1.
KERAS_KEYWORD(keepdims, bool);
// Cropping1D/2D: the same forms as ZeroPadding's padding= (1, {1, 2}, {{1, 2}, {3, 4}}); strings are rejected.
KERAS_KEYWORD(cropping, PaddingArg);
// UpSampling1D/2D: the upsampling factor(s), an int or a tuple. Spelled out rather than KERAS_KEYWORD(size, ...):
// the macro's tag name, size_t, would make `size_t` ambiguous wherever `using namespace keras::kw` is in effect.
struct size_factor_t {
  using type = IntTuple;
  static constexpr const char* key = "size";
  template <class Owner, bool ok>
  static constexpr void check() {
    static_assert(ok, "keras: keyword argument `size=` is not accepted by this layer or function (its name is the "
                      "`Owner` in the compiler's note below); check the spelling, or Keras's signature for the "
                      "keywords it takes.");
  }
};
inline constexpr Keyword<size_factor_t> size{};
// UpSampling2D: "nearest" or "bilinear".
KERAS_KEYWORD(interpolation, std::string);

}  // namespace keras::kw

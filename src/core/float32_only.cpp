#include "core/float32_only.hpp"

#include "keras/core/errors.hpp"

namespace keras::detail {

void refuse_other_dtypes(const kw::Kwargs& k, const std::string& what, const std::string& name) {
  if (auto dt = k.get<std::string>("dtype"); dt && *dt != "float32")
    throw ValueError("keraspp computes in float32; " + what + " was given dtype=" + *dt + ".",
                     {.layer = name, .expected = "float32", .received = *dt,
                      .hint = "leave dtype unset or use dtype=\"float32\"."});
}

}  // namespace keras::detail

#include "models/data_hints.hpp"

namespace keras {

std::string braces(const Shape& s) {
  std::string out = "{";
  for (int i = 0; i < s.ndim(); ++i) out += (i ? ", " : "") + to_string(s[i]);
  return out + "}";
}

std::string data_shape_hint(const Shape& expected, const Shape& data, const std::string&) {
  Shape per_sample = expected.without_batch();
  if (data.ndim() == 0) return "the data is a scalar; the model takes arrays of shape " + to_string(expected) + ".";
  Shape got = data.without_batch();
  if (data.ndim() == per_sample.ndim() && data.compatible_with(per_sample))
    return "the data looks like one sample without its batch axis: add it, e.g. x.reshape(" +
           braces(data.with_batch(1)) + ").";
  auto want_n = per_sample.num_elements();
  auto got_n = got.num_elements();
  if (want_n && got_n && *want_n == *got_n && data[0].known()) {
    std::string fix = "each sample has the " + std::to_string(*want_n) + " values the model expects, in another shape: "
                      "reshape the data to " + to_string(per_sample.with_batch(data[0])) + " with x.reshape(" +
                      braces(per_sample.with_batch(data[0])) + ")";
    if (per_sample.ndim() == 3 && expected.ndim() == 3) fix += " (samples, timesteps, features)";
    return fix + ", or set input_shape=" + braces(got) + " on the first layer if the data is right.";
  }
  std::string hint = "the model expects samples of shape " + to_string(per_sample) + " but the data's samples have shape " +
                     to_string(got) + ": set input_shape=" + braces(got) +
                     " on the first layer (or keras::Input(shape=" + braces(got) + ")) to match the data, or fix the data";
  if (per_sample.ndim() == 2 && got.ndim() == 1)
    hint += " (a recurrent model needs (samples, timesteps, features))";
  return hint + ".";
}

}  // namespace keras

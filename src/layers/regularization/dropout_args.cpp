#include "layers/regularization/dropout_args.hpp"

#include "keras/core/errors.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::regularization {

double read_rate(const kw::Kwargs& k, const std::string& class_name, const std::string& layer) {
  auto rate = k.get<double>("rate");
  if (!rate)
    throw TypeError(class_name + ".__init__() missing 1 required positional argument: 'rate'",
                    {.layer = layer, .hint = "give the drop probability: " + class_name + "(0.1) or " + class_name +
                                             "(rate=0.1)."});
  if (0.0 <= *rate && *rate < 1.0) return *rate;
  const std::string r = py_float(*rate);
  std::string hint = "rate is a drop probability, at least 0 and below 1 (0 adds no noise): e.g. " + class_name +
                     "(0.1).";
  if (*rate == 1.0)
    hint = "rate=1 makes the training output infinite or NaN (" + class_name + "'s noise scale divides by 1 - rate); "
           "use a rate below 1, e.g. " + class_name + "(0.5).";
  else if (*rate > 1.0 && *rate <= 100.0)
    hint = "rate is a fraction, not a percentage: for " + r + "% write " + class_name + "(" +
           py_float(*rate / 100.0) + ").";
  throw ValueError("Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                   "Received: rate=" + r,
                   {.layer = layer, .expected = "0 <= rate < 1", .received = r, .hint = hint});
}

void check_noise_shape(const std::optional<Shape>& noise_shape, const Shape& s, const std::string& layer) {
  if (!noise_shape) return;
  const Shape& ns = *noise_shape;
  bool ok = ns.ndim() == s.ndim();
  for (int i = 0; ok && i < ns.ndim(); ++i)
    ok = ns[i].is_none() || ns[i].value() == 1 || s[i].is_none() || ns[i].value() == s[i].value();
  if (ok) return;
  std::string example = "{None";
  for (int i = 1; i < s.ndim(); ++i) example += ", " + (i == 1 && s.ndim() > 2 ? std::string("1") : to_string(s[i]));
  example += "}";
  throw ValueError("Invalid value received for argument `noise_shape`. The dropout mask of shape noise_shape=" +
                       to_string(ns) + " cannot be broadcast to the inputs of shape " + to_string(s),
                   {.layer = layer, .expected = "a shape broadcastable to " + to_string(s),
                    .received = to_string(ns),
                    .hint = "noise_shape has one entry per input axis, batch included, each None (the input's "
                            "size), 1 (one mask value shared along that axis) or the input's size; for inputs " +
                            to_string(s) + ", e.g. noise_shape=" + example + "."});
}

std::string percent(double v) {
  std::string r = py_float(v);
  if (r.ends_with(".0")) r.resize(r.size() - 2);
  return r;
}

}  // namespace keras::layers::regularization

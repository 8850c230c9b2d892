// keras.layers.Discretization (keras/src/layers/preprocessing/discretization.py), with its quantile summary
// (summarize, merge_summaries, compress_summary, get_bin_boundaries) ported value for value: float32 summaries,
// numpy's arange and interp.
#include "keras/layers/preprocessing/discretization.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/preprocessing/categorical_encoding.hpp"

namespace keras::layers {

namespace {
namespace quantiles {

// A weighted sample of the data, sorted by value (Keras's 2 x n float32 array).
struct Summary {
  std::vector<float> values, weights;
  size_t size() const { return values.size(); }
};

// numpy.interp(x, xp, fp) for increasing xp (ties allowed), in double.
double interp(double x, const std::vector<double>& xp, const std::vector<double>& fp) {
  const size_t n = xp.size();
  if (x > xp[n - 1]) return fp[n - 1];
  if (x < xp[0]) return fp[0];
  const size_t j = static_cast<size_t>(std::upper_bound(xp.begin(), xp.end(), x) - xp.begin()) - 1;
  if (j == n - 1 || xp[j] == x) return fp[j];
  const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  double r = slope * (x - xp[j]) + fp[j];
  if (std::isnan(r)) {
    r = slope * (x - xp[j + 1]) + fp[j + 1];
    if (std::isnan(r) && fp[j] == fp[j + 1]) r = fp[j];
  }
  return r;
}

// Every int(n * epsilon)-th value of the sorted data from index int(n * epsilon), each weighing max(n * epsilon, 1);
// all of them, weighing 1, when there are fewer than 1 / epsilon.
Summary summarize(std::vector<float> values, double epsilon) {
  std::sort(values.begin(), values.end());
  const double increment = static_cast<double>(values.size()) / (1.0 / epsilon);
  const double step = std::max(increment, 1.0);
  Summary s;
  const size_t stride = static_cast<size_t>(step);
  for (size_t i = static_cast<size_t>(increment); i < values.size(); i += stride) {
    s.values.push_back(values[i]);
    s.weights.push_back(static_cast<float>(step));
  }
  return s;
}

// Re-samples the summary at cumulative-weight fractions epsilon, 2 epsilon, ..., 1 (numpy's arange decides how many).
Summary compress(const Summary& s, double epsilon) {
  if (static_cast<double>(s.size()) * epsilon < 1) return s;
  const size_t count = static_cast<size_t>(std::ceil(1.0 / epsilon));
  std::vector<double> cumulative(s.size()), fraction(s.size()), values(s.values.begin(), s.values.end());
  float running = 0;
  for (size_t i = 0; i < s.size(); ++i) cumulative[i] = running += s.weights[i];  // float32, as numpy's cumsum
  for (size_t i = 0; i < s.size(); ++i)
    fraction[i] = static_cast<float>(static_cast<float>(cumulative[i]) / static_cast<float>(cumulative.back()));
  Summary out;
  double previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const double percent = epsilon + static_cast<double>(i) * epsilon;
    const double weight = interp(percent, fraction, cumulative);
    out.values.push_back(static_cast<float>(interp(percent, fraction, values)));
    out.weights.push_back(static_cast<float>(weight - previous));
    previous = weight;
  }
  return out;
}

// The new batch's summary before the running one, sorted by value (stably, where numpy's quicksort leaves ties in
// no set order), then compressed.
Summary merge(const Summary& next, const Summary& running, double epsilon) {
  Summary all = next;
  all.values.insert(all.values.end(), running.values.begin(), running.values.end());
  all.weights.insert(all.weights.end(), running.weights.begin(), running.weights.end());
  std::vector<size_t> order(all.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return all.values[a] < all.values[b]; });
  Summary sorted;
  for (size_t i : order) {
    sorted.values.push_back(all.values[i]);
    sorted.weights.push_back(all.weights[i]);
  }
  return compress(sorted, epsilon);
}

std::vector<double> bin_boundaries(const Summary& s, int num_bins) {
  const Summary c = compress(s, 1.0 / num_bins);
  return c.size() ? std::vector<double>(c.values.begin(), c.values.end() - 1) : std::vector<double>{};
}

}  // namespace quantiles

std::string python_list(const std::vector<double>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + py_float(v[i]);
  return out + "]";
}

class DiscretizationImpl : public SingleInputLayer {
 public:
  explicit DiscretizationImpl(const kw::Kwargs& k) : SingleInputLayer("Discretization", k) {
    const std::string mode = k.get_or<std::string>("output_mode", "int");
    categorical::refuse_sparse(k, name());
    if (mode != "int" && mode != "one_hot" && mode != "multi_hot" && mode != "count")
      throw ValueError("Unknown value for `output_mode` argument of Discretization. Allowed values are: ('int', "
                       "'one_hot', 'multi_hot', 'count'). Received: output_mode=" + mode,
                       {.layer = name(), .received = mode,
                        .hint = "\"int\" gives bin indices; the others encode them as CategoryEncoding does."});
    num_bins_ = k.get<int>("num_bins");
    const auto given = k.get<std::vector<double>>("bin_boundaries");
    if (num_bins_ && *num_bins_ < 0)
      throw ValueError("`num_bins` must be greater than or equal to 0. Received: `num_bins=" +
                           std::to_string(*num_bins_) + "`",
                       {.layer = name(), .received = std::to_string(*num_bins_),
                        .hint = "give the number of bins adapt() should learn, e.g. num_bins=4."});
    if (num_bins_ && given)
      throw ValueError("Both `num_bins` and `bin_boundaries` should not be set. Received: `num_bins=" +
                           std::to_string(*num_bins_) + "` and `bin_boundaries=" + python_list(*given) + "`",
                       {.layer = name(), .hint = "give the boundaries, or num_bins and call adapt(data) to learn them."});
    if (!num_bins_ && !given)
      throw ValueError("You need to set either `num_bins` or `bin_boundaries`.",
                       {.layer = name(), .hint = "e.g. Discretization(bin_boundaries={0.0, 1.0, 2.0}) or "
                                                 "Discretization(num_bins=4) and adapt(data)."});
    set_boundaries(given);
    // Loaded from an adapted layer's config (see the saving table's discretization_from_config).
    if (auto learned = k.get<std::vector<double>>(kLearnedKey)) {
      set_boundaries(learned);
      config_.erase(kLearnedKey);
      config_.set("bin_boundaries", *learned);
    }
    epsilon_ = k.get_or("epsilon", 0.01);
    mode_ = categorical::mode_from_name(mode);
  }

  static constexpr const char* kLearnedKey = "learned_bin_boundaries";

  Shape compute_output_shape(const Shape& s) override {
    check_depth_unchanged();
    return categorical::encoded_shape(s, mode_, Dim(depth()));
  }

  void build_one(const Shape&) override { built_depth_ = depth(); }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    if (!boundaries_)
      throw ValueError("You need to either pass the `bin_boundaries` argument at construction time or call "
                       "`adapt(dataset)` before you can start using the `Discretization` layer.",
                       {.layer = name(), .hint = "call layer.adapt(training_values) first (num_bins was given)."});
    check_depth_unchanged();
    Tensor indices = Tensor::empty(x.dims());
    for (int64_t i = 0; i < x.size(); ++i)
      indices.data()[i] =
          static_cast<float>(std::upper_bound(edges_.begin(), edges_.end(), x.data()[i]) - edges_.begin());
    if (mode_ == categorical::OutputMode::kInt) {
      indices.set_dtype("int64");
      return indices;
    }
    return categorical::encode(indices, mode_, depth());
  }

  Tensor backward_one(const Tensor&, CallContext& ctx) override { return categorical::zero_input_gradient(ctx); }

  void adapt(const std::vector<Tensor>& batches) {
    if (!num_bins_)
      throw ValueError("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, use "
                       "`num_bins` instead.",
                       {.layer = name(), .hint = "make the layer with num_bins=N to learn N - 1 boundaries."});
    if (*num_bins_ == 0)
      throw ValueError("Cannot adapt layer \"" + name() + "\" (Discretization) with num_bins=0.",
                       {.layer = name(), .expected = "num_bins >= 1", .received = "0",
                        .hint = "give the number of bins to learn, e.g. num_bins=4."});
    quantiles::Summary running;
    for (const Tensor& b : batches)
      running = quantiles::merge(quantiles::summarize({b.data(), b.data() + b.size()}, epsilon_), running, epsilon_);
    set_boundaries(quantiles::bin_boundaries(running, *num_bins_));
    config_.set("bin_boundaries", *boundaries_);
  }

  std::vector<double> boundaries() const { return boundaries_.value_or(std::vector<double>{}); }

 private:
  void check_depth_unchanged() const {
    if (mode_ != categorical::OutputMode::kInt && built_depth_ && *built_depth_ != depth())
      throw ValueError("Layer \"" + name() + "\" (Discretization) was built for " + std::to_string(*built_depth_) +
                           " bins, but adapt() learned " + std::to_string(boundaries_->size()) + " boundaries (" +
                           std::to_string(depth()) + " bins), so its outputs no longer fit the layers after it.",
                       {.layer = name(), .expected = std::to_string(*built_depth_) + " bins",
                        .received = std::to_string(depth()) + " bins",
                        .hint = "call adapt() before building the model (fewer distinct values than num_bins give "
                                "fewer bins)."});
  }
  int64_t depth() const {
    return boundaries_ ? static_cast<int64_t>(boundaries_->size()) + 1 : static_cast<int64_t>(num_bins_.value_or(0));
  }
  std::optional<int> num_bins_;
  void set_boundaries(const std::optional<std::vector<double>>& boundaries) {
    boundaries_ = boundaries;
    edges_.clear();
    if (boundaries_) edges_.assign(boundaries_->begin(), boundaries_->end());
  }
  std::optional<std::vector<double>> boundaries_;
  std::vector<float> edges_;  // the boundaries as float32, which Keras compares the inputs with
  std::optional<int64_t> built_depth_;
  double epsilon_ = 0.01;
  categorical::OutputMode mode_ = categorical::OutputMode::kInt;
};

DiscretizationImpl& discretization_impl(const Layer& layer) { return static_cast<DiscretizationImpl&>(*layer.impl()); }

}  // namespace

Discretization::Discretization(const kw::Kwargs& kwargs) : Layer(std::make_shared<DiscretizationImpl>(kwargs)) {}

void Discretization::adapt(const Tensor& data) const { discretization_impl(*this).adapt({data}); }
void Discretization::adapt(const std::vector<Tensor>& batches) const { discretization_impl(*this).adapt(batches); }
std::vector<double> Discretization::bin_boundaries() const { return discretization_impl(*this).boundaries(); }

KERAS_REGISTER_LAYER(Discretization)

}  // namespace keras::layers

#pragma once
// keras.layers.Discretization(bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int"): buckets a
// numeric feature. Bins include their left edge: bin_boundaries={0., 1., 2.} makes (-inf, 0), [0, 1), [1, 2),
// [2, inf), so {-1.5, 1.0, 3.4, 0.5} -> {0, 2, 3, 1}. output_mode "int" gives the bin indices (dtype int64, the
// input's shape); "one_hot", "multi_hot" and "count" encode them as CategoryEncoding does, with
// len(bin_boundaries) + 1 bins.
//   layers::Discretization(num_bins=4); layer.adapt(x) learns the boundaries from quantiles of x, with Keras's
//   summary algorithm (epsilon is its precision), so the same data gives the same boundaries as in Keras.
// The learned boundaries are saved in the config (bin_boundaries beside num_bins, as Keras writes them). No weights,
// no gradient (the output is piecewise constant). sparse=true is refused (keraspp has no sparse tensors).
#include <vector>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/categorical_keywords.hpp"

namespace keras::kw {
KERAS_KEYWORD(bin_boundaries, std::vector<double>);
KERAS_KEYWORD(num_bins, int);
}  // namespace keras::kw

namespace keras::layers {

class Discretization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::bin_boundaries_t, kw::num_bins_t, kw::epsilon_t,
                                     kw::output_mode_t, kw::sparse_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Discretization(A&&... a) : Discretization(kw::collect<Discretization>(std::forward<A>(a)...)) {}
  explicit Discretization(const kw::Kwargs& kwargs);

  // Learns num_bins - 1 boundaries from the values of `data` (any shape), or from several batches.
  void adapt(const Tensor& data) const;
  void adapt(const std::vector<Tensor>& batches) const;
  // The boundaries in use (given or learned); empty before adapt.
  std::vector<double> bin_boundaries() const;
};

}  // namespace keras::layers

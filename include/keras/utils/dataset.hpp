#pragma once
// keras.utils.PyDataset for C++: data that does not fit in memory, served batch by batch. Implement size() (the
// number of batches per epoch, Python's __len__) and get(i) (batch i, __getitem__); fit(dataset, epochs=...) reads
// them in order, or in a shuffled order when shuffle=true.
#include <cstdint>

#include "keras/models/data.hpp"

namespace keras::utils {

struct Batch {
  Data x;
  Data y;
  Tensor sample_weight;  // optional: per-sample weights of shape (batch,)
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual Batch get(int64_t index) = 0;
  virtual void on_epoch_end() {}
};

}  // namespace keras::utils

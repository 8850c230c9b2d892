#pragma once
// keras.utils.PyDataset for C++: data that does not fit in memory, served batch by batch. Implement size() (the
// number of batches per epoch, Python's __len__) and get(i) (batch i, __getitem__); fit(dataset, epochs=...) reads
// them in order, or in a shuffled order when shuffle=true. evaluate(dataset) and predict(dataset) read them in order,
// and validation_data=dataset validates on one.
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
  // True for a dataset that sets its own order, as Keras's tf.data datasets do (timeseries_dataset_from_array's
  // result): fit(shuffle=true) then reads its batches in order instead of shuffling them.
  virtual bool orders_itself() const { return false; }
};

}  // namespace keras::utils

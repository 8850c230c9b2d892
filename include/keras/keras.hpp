#pragma once
// The umbrella header: everything a Keras user needs.
//   #include <keras/keras.hpp>
//   using namespace keras;      // Tensor, Shape, None, Sequential, Model, Input, layers::, random::, ValueError, ...
//   using namespace keras::kw;  // keyword arguments: activation=, input_shape=, epochs=, ...
#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"
#include "keras/random/random.hpp"
#include "keras/activations/activations.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/regularizers/regularizers.hpp"
#include "keras/constraints/constraints.hpp"
#include "keras/layers/layers.hpp"
#include "keras/models/model.hpp"
#include "keras/models/sequential.hpp"
#include "keras/models/models.hpp"
#include "keras/saving/saving.hpp"
#include "keras/losses/losses.hpp"
#include "keras/metrics/metrics.hpp"
#include "keras/optimizers/optimizers.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/numpy/numpy.hpp"
#include "keras/datasets/fashion_mnist.hpp"
#include "keras/datasets/mnist.hpp"
#include "keras/utils/data_utils.hpp"
#include "keras/utils/dataset.hpp"

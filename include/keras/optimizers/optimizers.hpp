#pragma once
// keras.optimizers: every optimizer, the learning-rate schedules, and get() / names().
//   model.compile(optimizer=optimizers::Adam(learning_rate=1e-3), ...);
//   optimizers::SGD(0.1, momentum=0.9, nesterov=true);
//   optimizers::Adam(learning_rate=optimizers::schedules::ExponentialDecay(1e-2, 100, 0.9));
#include "keras/optimizers/optimizer.hpp"
#include "keras/optimizers/schedules.hpp"
#include "keras/optimizers/sgd.hpp"
#include "keras/optimizers/adam.hpp"
#include "keras/optimizers/adamw.hpp"
#include "keras/optimizers/rmsprop.hpp"
#include "keras/optimizers/adagrad.hpp"
#include "keras/optimizers/adadelta.hpp"
#include "keras/optimizers/adamax.hpp"
#include "keras/optimizers/nadam.hpp"
#include "keras/optimizers/lion.hpp"
#include "keras/optimizers/lamb.hpp"
#include "keras/optimizers/ftrl.hpp"
#include "keras/optimizers/adafactor.hpp"

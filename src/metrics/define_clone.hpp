#pragma once
// Metric::clone() for a metric class: a copy of its configuration with its state reset (the trainer keeps one per
// output).
#define KERAS_DEFINE_CLONE(Class)                    \
  std::shared_ptr<Metric> Class::clone() const {     \
    auto m = std::make_shared<Class>(*this);         \
    m->reset_state();                                \
    return m;                                        \
  }

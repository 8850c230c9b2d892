#pragma once
// The callbacks one fit(), evaluate() or predict() call runs: the user's (callbacks=), then the ProgbarLogger that
// verbose > 0 adds, as Keras's CallbackList does.
#include <memory>
#include <vector>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras {

struct CallbackList {
  std::vector<Callback*> items;
  std::vector<std::shared_ptr<Callback>> owned;
  void add(Callback* cb) { items.push_back(cb); }
  template <class F>
  void each(F f) {
    for (Callback* cb : items) f(*cb);
  }
};

CallbackList make_callbacks(const kw::Kwargs& k, Model& model, int verbose, const TrainingParams& params);

}  // namespace keras

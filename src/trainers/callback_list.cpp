#include "trainers/callback_list.hpp"

#include "keras/callbacks/progbar_logger.hpp"
#include "keras/core/args.hpp"
#include "trainers/trainer.hpp"

namespace keras {

CallbackList make_callbacks(const kw::Kwargs& k, Model& model, int verbose, const TrainingParams& params) {
  CallbackList list;
  bool has_logger = false;
  for (const auto& arg : k.get_or<std::vector<CallbackArg>>("callbacks", {})) {
    list.add(arg.get());
    has_logger = has_logger || dynamic_cast<callback_types::ProgbarLogger*>(arg.get()) != nullptr;
  }
  // As Keras: a ProgbarLogger after the user's callbacks (so keys they add show), unless they passed one.
  if (verbose > 0 && !has_logger) {
    list.owned.push_back(make_progbar_logger(verbose));
    if (list.owned.back()) list.add(list.owned.back().get());
  }
  for (Callback* cb : list.items) {
    cb->set_model(&model);
    cb->set_params(params);
  }
  return list;
}

}  // namespace keras

#include "keras/callbacks/progbar_logger.hpp"
#include "trainers/trainer.hpp"

namespace keras {
std::shared_ptr<Callback> make_progbar_logger(int) { return std::make_shared<callback_types::ProgbarLogger>(); }
}  // namespace keras

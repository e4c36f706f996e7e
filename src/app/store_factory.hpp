#pragma once
#include "app/config.hpp"
#include "store/store.hpp"

namespace cs::app {

// "sqlite:PATH" or "sqlite::memory:". Throws ConfigError for an unknown scheme and
// std::runtime_error when the store cannot be opened.
StorePtr makeStore(const Config& config);

}  // namespace cs::app

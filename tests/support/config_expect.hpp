#pragma once
#include <gtest/gtest.h>

#include <string>

#include "app/config.hpp"

namespace cs::testing {

// Asserts that `toml` is rejected with one line naming `names` (the setting at fault).
inline void expectConfigError(const std::string& toml, const std::string& names) {
  try {
    app::parseConfig(toml);
    ADD_FAILURE() << "accepted: " << toml;
  } catch (const app::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(names), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
  }
}

}  // namespace cs::testing

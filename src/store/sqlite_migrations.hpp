#pragma once
#include <span>
#include <string_view>

namespace cs::sqlite {

// Versioned schema migrations, applied in order inside a transaction each; the applied
// version is kept in PRAGMA user_version. Append only: never edit a shipped migration.
std::span<const std::string_view> migrations();

}  // namespace cs::sqlite

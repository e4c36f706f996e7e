#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cs {

// "2024-01-15T10:30:00.123Z" from Unix epoch milliseconds.
std::string formatIsoUtcMs(std::int64_t epoch_ms);
// Parses "2024-01-15T10:30:00Z", with optional fraction and "+00:00"-style offsets,
// or a date "2024-01-15". Returns epoch milliseconds.
std::optional<std::int64_t> parseIsoUtc(std::string_view text);

}  // namespace cs

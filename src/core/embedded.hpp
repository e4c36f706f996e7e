#pragma once
#include <string_view>

namespace cs {

// Data files compiled into the binary (see cmake/embed.cmake), by their repository path,
// e.g. "data/sayings.json". Empty when unknown.
std::string_view embeddedFile(std::string_view name);

}  // namespace cs

#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "llm/types.hpp"

namespace cs::llm {

// Parses config/models.toml (see that file for the keys). Errors name the entry and key.
Result<std::vector<ModelInfo>> parseModelCatalog(std::string_view toml_text,
                                                 const std::string& origin);
// The file, or the catalog compiled into the binary when `path` is empty.
Result<std::vector<ModelInfo>> loadModelCatalog(const std::string& path);

}  // namespace cs::llm

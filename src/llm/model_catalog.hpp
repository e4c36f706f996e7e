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

// The one answer to "which models may a caller ask for?" (?model= on sayings, compare's
// `models`), from the gateway's statuses: the catalog's models that have an API key.
// The callable ids in catalog order, comma-separated, or "none (no model has an API key)".
std::string callableModelList(const std::vector<ModelStatus>& models);
// The status of `id` when it can be called; else unknown_model or model_disabled, both
// naming the callable models.
Result<const ModelStatus*> findCallableModel(const std::vector<ModelStatus>& models,
                                             const std::string& id);

}  // namespace cs::llm

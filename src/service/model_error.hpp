#pragma once
#include <string>

#include "core/error.hpp"
#include "llm/types.hpp"

namespace cs {

// The client-facing error for a model call that failed. Messages are sentences about the
// model, never a provider's raw text (it may name internal addresses).
Error clientError(const std::string& model_id, const llm::LlmError& error);

}  // namespace cs

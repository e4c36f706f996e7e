#pragma once
// Shared by the adapter tests (tests/unit/llm/*_adapter_test.cpp): saved upstream answers,
// upstream responses, a model to call, and the hostile-shape sweep both adapters must pass.
#include <string>

#include "llm/adapter.hpp"
#include "llm/types.hpp"
#include "net/http_transport.hpp"

namespace cs::testing {

// A saved real-shaped answer from tests/data/llm/.
std::string llmFixture(const std::string& name);
net::HttpResponse upstreamAnswer(long status, const std::string& body,
                                 std::string type = "application/json");
llm::ModelInfo modelInfo(std::string provider, std::string upstream);
// The value of a header the adapter set ("" when absent).
std::string requestHeader(const net::HttpRequest& r, const std::string& name);

// Every hostile shape of tests/support/hostile_shapes.cpp through `adapter`: each one is that
// call's classified error (bad_response for a 2xx, the status's kind for an error body), with a
// bounded message, and never an exception (none is caught here: one would fail the test).
void expectEveryShapeClassified(const llm::ProviderAdapter& adapter, const std::string& provider);

}  // namespace cs::testing

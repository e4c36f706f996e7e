#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace cs {

// Standard base64 (RFC 4648 section 4, with padding), as API Gateway uses for binary bodies.
std::string base64Encode(std::string_view data);
// nullopt on anything that is not canonical base64 (a wrong character, bad padding or length);
// whitespace is not accepted.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace cs

#pragma once
#include <string>
#include <string_view>

namespace cs {

// Scrubs text before it is logged or returned: upstream error bodies, transport messages and
// exception what() texts may carry a URL with credentials, a signed query string, or an echo
// of the key we sent. Replaced with "[redacted]":
//   - URL userinfo (https://user:pass@host -> https://[redacted]@host) and query strings
//     (https://host/p?X-Amz-Signature=... -> https://host/p?[redacted]);
//   - values of credential headers/fields (Authorization, Proxy-Authorization, x-api-key,
//     api-key, x-amz-security-token, secret access key, session token, password, passwd);
//   - key-like tokens: sk-..., AWS access key ids (AKIA/ASIA...), opaque runs of 32+ characters.
// Plain prose, hosts, paths and short ids pass unchanged.
std::string redact(std::string_view text);

}  // namespace cs

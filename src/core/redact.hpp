#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace cs {

// Scrubs text before it is logged or returned: upstream error bodies, transport messages and
// exception what() texts may carry a URL with credentials, a signed query string, or an echo
// of the key we sent. Replaced with "[redacted]":
//   - every piece of 8 or more characters of a registered secret (registerSecret below), so
//     an upstream echoing any configured key, even cut or embedded, never shows it;
//   - URL userinfo (https://user:pass@host -> https://[redacted]@host) and query strings
//     (https://host/p?X-Amz-Signature=... -> https://host/p?[redacted]);
//   - values of credential headers/fields (Authorization, Proxy-Authorization, x-api-key,
//     api-key, x-amz-security-token, secret access key, session token, password, passwd);
//   - key-like tokens: sk-..., AWS access key ids (AKIA/ASIA...), opaque runs of 32+ characters.
// Plain prose, hosts, paths and short ids pass unchanged.
//
// Plain scanning, no std::regex: the work is linear in the input, and the input is capped
// first: only the first kRedactMaxInput bytes are scanned and returned (cut at a UTF-8
// boundary, "[truncated]" appended). Callers that cut further (error details at 300 bytes) cut
// the result, never the raw text, so a cut can never split a secret out of a mask.
inline constexpr std::size_t kRedactMaxInput = 4096;
std::string redact(std::string_view text);

// Adds a secret value (an API key, an AWS secret key) that redact() masks wherever any 8+
// character piece of it appears. Values shorter than 8 characters are ignored (they would mask
// ordinary words). Thread-safe; idempotent; readers pay one shared lock per redact() call.
void registerSecret(std::string_view value);

}  // namespace cs

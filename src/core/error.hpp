#pragma once
#include <expected>
#include <string>

namespace cs {

// A request-path error: a stable machine code plus a human message.
struct Error {
  std::string code;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string code, std::string message) {
  return std::unexpected<Error>(Error{std::move(code), std::move(message)});
}

}  // namespace cs

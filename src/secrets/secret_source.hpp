#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace cs::secrets {

// One place a secret may live. fetch() returns nullopt when this source has nothing for the
// name (try the next one), an error when it should have had it but failed (e.g. SSM down).
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  virtual std::string_view kind() const = 0;  // "env" | "file" | "ssm"
  virtual Result<std::optional<std::string>> fetch(const std::string& name) = 0;
};

// Environment variables by name, e.g. {"anthropic": "ANTHROPIC_API_KEY"}.
class EnvSource final : public SecretSource {
 public:
  explicit EnvSource(std::map<std::string, std::string> variables)
      : variables_(std::move(variables)) {}
  std::string_view kind() const override { return "env"; }
  Result<std::optional<std::string>> fetch(const std::string& name) override;

 private:
  std::map<std::string, std::string> variables_;
};

// A file per name whose content (trimmed) is the secret; read on every fetch, so a rotated
// file is picked up when the cache expires.
class FileSource final : public SecretSource {
 public:
  explicit FileSource(std::map<std::string, std::string> paths) : paths_(std::move(paths)) {}
  std::string_view kind() const override { return "file"; }
  Result<std::optional<std::string>> fetch(const std::string& name) override;

 private:
  std::map<std::string, std::string> paths_;
};

}  // namespace cs::secrets

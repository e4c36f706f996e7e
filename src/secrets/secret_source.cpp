#include "secrets/secret_source.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cs::secrets {
namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}
}  // namespace

Result<std::optional<std::string>> EnvSource::fetch(const std::string& name) {
  auto it = variables_.find(name);
  if (it == variables_.end() || it->second.empty()) return std::nullopt;
  const char* value = std::getenv(it->second.c_str());
  if (!value || trim(value).empty()) return std::nullopt;
  return trim(value);
}

Result<std::optional<std::string>> FileSource::fetch(const std::string& name) {
  auto it = paths_.find(name);
  if (it == paths_.end() || it->second.empty()) return std::nullopt;
  std::ifstream in(it->second);
  if (!in)
    return fail(ErrorCode::kSecretFile,
                "cannot read the key file for " + name + " (" + it->second + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  auto value = trim(ss.str());
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace cs::secrets

#include "core/service_catalog.hpp"

#include "core/ascii.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cs {

namespace {
bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = asciiLower(c);
  return out;
}
}  // namespace

ServiceCatalog::ServiceCatalog(std::vector<CloudService> services)
    : services_(std::move(services)) {
  for (std::size_t i = 0; i < services_.size(); ++i) {
    aliases_.push_back({toLower(services_[i].name), i});
    for (const auto& a : services_[i].aliases) aliases_.push_back({toLower(a), i});
  }
}

Result<ServiceCatalog> ServiceCatalog::fromJson(std::string_view json_text) {
  auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    return fail(ErrorCode::kBadCatalog, "service catalog must be a JSON array");
  std::vector<CloudService> services;
  for (const auto& item : doc) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string())
      return fail(ErrorCode::kBadCatalog, "every service needs a string \"name\"");
    CloudService s{item["name"].get<std::string>(), {}};
    if (item.contains("aliases")) {
      for (const auto& a : item["aliases"]) {
        if (!a.is_string())
          return fail(ErrorCode::kBadCatalog, "aliases of " + s.name + " must be strings");
        s.aliases.push_back(a.get<std::string>());
      }
    }
    services.push_back(std::move(s));
  }
  return ServiceCatalog(std::move(services));
}

Result<ServiceCatalog> ServiceCatalog::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kBadCatalog, "cannot read service catalog " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return fromJson(ss.str());
}

std::vector<std::string> ServiceCatalog::extract(std::string_view text) const {
  const std::string hay = toLower(text);
  std::vector<bool> found(services_.size(), false);
  for (const auto& alias : aliases_) {
    if (alias.lowered.empty() || found[alias.service_index]) continue;
    for (std::size_t pos = hay.find(alias.lowered); pos != std::string::npos;
         pos = hay.find(alias.lowered, pos + 1)) {
      std::size_t end = pos + alias.lowered.size();
      if (pos > 0 && isWordChar(hay[pos - 1])) continue;
      if (end < hay.size() && hay[end] == 's' &&
          (end + 1 == hay.size() || !isWordChar(hay[end + 1])))
        ++end;  // plural
      if (end < hay.size() && isWordChar(hay[end])) continue;
      found[alias.service_index] = true;
      break;
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < services_.size(); ++i)
    if (found[i]) out.push_back(services_[i].name);
  return out;
}

}  // namespace cs

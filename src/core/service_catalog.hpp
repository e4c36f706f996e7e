#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace cs {

// Cloud services and the names a text may use for them (config/services.json).
struct CloudService {
  std::string name;
  std::vector<std::string> aliases;
};

class ServiceCatalog {
 public:
  explicit ServiceCatalog(std::vector<CloudService> services);
  static Result<ServiceCatalog> fromJson(std::string_view json_text);
  static Result<ServiceCatalog> fromFile(const std::string& path);

  // Canonical names of the services `text` mentions, in catalog order. Matching is
  // case-insensitive on whole words; a trailing plural "s" is accepted ("Lambdas").
  std::vector<std::string> extract(std::string_view text) const;
  const std::vector<CloudService>& services() const { return services_; }

 private:
  struct Alias {
    std::string lowered;
    std::size_t service_index;
  };
  std::vector<CloudService> services_;
  std::vector<Alias> aliases_;
};

}  // namespace cs

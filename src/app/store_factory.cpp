#include "app/store_factory.hpp"

#include "store/sqlite_store.hpp"

namespace cs::app {

StorePtr makeStore(const Config& config) {
  const std::string& url = config.store.url;
  if (url.starts_with("sqlite:")) {
    const std::string path = url.substr(7);
    if (path.empty())
      throw ConfigError("store.url: sqlite: needs a path, e.g. sqlite:var/cloud-sayings.db");
    return std::make_unique<SqliteStore>(path);
  }
  throw ConfigError("store.url: \"" + url + "\" is not a known store (use sqlite:PATH)");
}

}  // namespace cs::app

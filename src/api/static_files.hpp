#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace cs::api {

// The web pages and their assets, held in memory and served with validators and cache rules:
//  - pages (/, /compare, /dashboard, /arena, /help): `Cache-Control: no-cache` (revalidated every
//    time, so a new release shows at once) plus a strict Content-Security-Policy (own scripts and
//    styles only, nothing inline);
//  - assets under /assets/<version>/...: `max-age=1 year, immutable`. <version> fingerprints
//    every asset together, so any change to any asset gives every asset a new URL and relative
//    module imports keep working. A request for another version (a page cached across a
//    release) still gets the current file, but only with the short cache rule.
// Every response carries a strong ETag and answers If-None-Match with 304.
class StaticFiles {
 public:
  struct File {
    std::string path;
    std::string content;
  };
  explicit StaticFiles(std::vector<File> files);

  // The files compiled into the binary.
  static StaticFiles embedded();
  // Every file under `dir`, read once at start-up (the request path never touches the disk).
  static Result<StaticFiles> fromDirectory(const std::filesystem::path& dir);

  const std::string& version() const { return version_; }
  std::string assetBase() const { return "/assets/" + version_; }
  bool has(std::string_view path) const { return files_.contains(std::string(path)); }

  // Registers GET routes for the pages and the /assets/ prefix.
  void registerRoutes(http::Router& router) const;

  http::Response page(const http::Request& request, const std::string& file) const;
  http::Response asset(const http::Request& request) const;

 private:
  struct Entry {
    std::string content;
    std::string content_type;
    std::string etag;
  };
  http::Response respond(const http::Request& request, const Entry& entry,
                         std::string_view cache_control, bool is_page) const;

  std::map<std::string, Entry, std::less<>> files_;
  std::string version_;
};

// Content-Type for a file name, by extension (charset for text types).
std::string_view contentTypeFor(std::string_view path);
// True when an If-None-Match header value matches the ETag (weak comparison, `*`, lists).
bool etagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace cs::api

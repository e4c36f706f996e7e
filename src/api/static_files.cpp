#include "api/static_files.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>

#include "api/embedded_web.hpp"
#include "core/fnv.hpp"
#include "http/json_error.hpp"
#include "http/security_headers.hpp"

namespace cs::api {

namespace {
constexpr std::string_view kAssetsPrefix = "/assets/";
constexpr std::string_view kLongCache = "public, max-age=31536000, immutable";
constexpr std::string_view kShortCache = "no-cache";
constexpr std::string_view kAssetsPlaceholder = "{{ASSETS}}";

std::string hex(std::uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kHex[v & 0xF];
  return out;
}

bool isPage(std::string_view path) {
  return path.ends_with(".html");
}

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string_view contentTypeFor(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : kTypes)
    if (path.ends_with(ext)) return type;
  return "application/octet-stream";
}

bool etagMatches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  auto opaque = [](std::string_view tag) {
    tag = trim(tag);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  while (!if_none_match.empty()) {
    const std::size_t comma = if_none_match.find(',');
    if (opaque(if_none_match.substr(0, comma)) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

StaticFiles::StaticFiles(std::vector<File> files) {
  // The version covers every asset (not the pages: they are revalidated anyway).
  std::uint64_t h = fnv1a("cs-web");
  std::map<std::string, std::string, std::less<>> sorted;
  for (auto& f : files) sorted[std::move(f.path)] = std::move(f.content);
  for (const auto& [path, content] : sorted)
    if (!isPage(path)) h = fnv1a(content, fnv1a(path, h));
  version_ = hex(h, 12);
  const std::string base = assetBase();
  for (auto& [path, content] : sorted) {
    std::string body = isPage(path) ? replaceAll(std::move(content), kAssetsPlaceholder, base)
                                    : std::move(content);
    std::string etag = "\"" + hex(fnv1a(body), 16) + "\"";
    files_[path] = Entry{std::move(body), std::string(contentTypeFor(path)), std::move(etag)};
  }
}

StaticFiles StaticFiles::embedded() {
  std::vector<File> files;
  for (const auto& f : embeddedWebFiles())
    files.push_back({std::string(f.path), std::string(f.content)});
  return StaticFiles(std::move(files));
}

Result<StaticFiles> StaticFiles::fromDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail(ErrorCode::kNotFound, dir.string() + " is not a directory");
  std::vector<File> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) return fail(ErrorCode::kUnreadable, "cannot read " + it->path().string());
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({it->path().lexically_relative(dir).generic_string(), ss.str()});
  }
  if (ec) return fail(ErrorCode::kUnreadable, "cannot list " + dir.string() + ": " + ec.message());
  return StaticFiles(std::move(files));
}

void StaticFiles::registerRoutes(http::Router& router) const {
  router.add("GET", "/", [this](const http::Request& r) { return page(r, "index.html"); });
  router.add("GET", "/compare", [this](const http::Request& r) { return page(r, "compare.html"); });
  router.add("GET", "/dashboard",
             [this](const http::Request& r) { return page(r, "dashboard.html"); });
  router.add("GET", "/arena", [this](const http::Request& r) { return page(r, "arena.html"); });
  // For the operator: how to turn models on (linked from the pages' no-keys state).
  router.add("GET", "/help", [this](const http::Request& r) { return page(r, "help.html"); });
  router.addPrefix("GET", std::string(kAssetsPrefix),
                   [this](const http::Request& r) { return asset(r); });
}

http::Response StaticFiles::page(const http::Request& request, const std::string& file) const {
  auto it = files_.find(file);
  if (it == files_.end())
    return http::jsonError(ErrorCode::kNotFound, "no such page: " + request.path);
  return respond(request, it->second, kShortCache, true);
}

http::Response StaticFiles::asset(const http::Request& request) const {
  // /assets/<version>/<path>
  std::string_view rest = std::string_view(request.path).substr(kAssetsPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return http::jsonError(ErrorCode::kNotFound, "no such asset: " + request.path);
  const std::string_view version = rest.substr(0, slash);
  const std::string_view file = rest.substr(slash + 1);
  auto it = files_.find(file);
  if (it == files_.end() || isPage(file))
    return http::jsonError(ErrorCode::kNotFound, "no such asset: " + request.path);
  return respond(request, it->second, version == version_ ? kLongCache : kShortCache, false);
}

http::Response StaticFiles::respond(const http::Request& request, const Entry& entry,
                                    std::string_view cache_control, bool is_page) const {
  http::Response r;
  r.headers.set("ETag", entry.etag);
  r.headers.set("Cache-Control", std::string(cache_control));
  r.headers.set("X-Content-Type-Options", "nosniff");
  if (is_page) {
    r.headers.set("Content-Security-Policy", std::string(http::kPageContentSecurityPolicy));
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("X-Frame-Options", "DENY");
  }
  if (auto inm = request.headers.get("If-None-Match"); inm && etagMatches(*inm, entry.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = entry.content_type;
  r.body = entry.content;
  return r;
}

}  // namespace cs::api

#pragma once
#include <span>
#include <string_view>

namespace cs::api {

// One file of the web pages compiled into the binary by cmake/web_assets.cmake.
struct EmbeddedWebFile {
  std::string_view path;  // relative to web/src, e.g. "js/home.js" or "vendor/chart.umd.min.js"
  std::string_view content;
};

std::span<const EmbeddedWebFile> embeddedWebFiles();

}  // namespace cs::api

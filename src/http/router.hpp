#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

using Handler = std::function<Response(const Request&)>;

// Exact-path routes plus prefix routes (for static assets). Unknown path -> 404, known path
// with another method -> 405 with Allow. HEAD is served by the GET handler.
class Router {
 public:
  struct Route {
    Handler handler;
    bool may_block = false;  // does slow I/O (LLM calls): run off the I/O threads
    // Blocks only for some requests (GET /api/sayings?model=ID): decided per request, so the
    // common fast requests stay on the I/O threads.
    std::function<bool(const Request&)> block_if;
  };
  void add(std::string method, std::string path, Handler handler, bool may_block = false);
  void addBlockingIf(std::string method, std::string path, Handler handler,
                     std::function<bool(const Request&)> block_if);
  void addPrefix(std::string method, std::string prefix, Handler handler);

  Response dispatch(const Request& request) const;
  bool mayBlock(const Request& request) const;

 private:
  const Route* find(const std::string& method, const std::string& path, bool& path_known,
                    std::string& allow) const;
  std::map<std::string, std::map<std::string, Route>> routes_;  // path -> method -> route
  std::vector<std::pair<std::string, std::map<std::string, Route>>> prefixes_;
};

}  // namespace cs::http

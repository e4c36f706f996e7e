// The access-log line is written by hand on the hot path; it must stay the original's shape
// and exactly what nlohmann::json would print (sorted extra_fields, same number format).
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "http/json_error.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "obs/logger.hpp"

namespace {

struct Captured {
  std::mutex mutex;
  std::string text;
};

std::vector<std::string> accessLines(const std::vector<std::string>& paths) {
  Captured captured;
  {
    cs::obs::Logger logger(cs::obs::Level::kInfo, [&](std::string_view lines) {
      std::lock_guard lock(captured.mutex);
      captured.text += lines;
    });
    cs::obs::setGlobalLogger(&logger);
    cs::http::Router router;
    router.add("GET", "/ok", [](const cs::http::Request&) {
      cs::http::Response r;
      r.body = "{}";
      r.observation =
          cs::http::Observation{"cache", "gpt-4.1-mini \"q\"", std::nullopt, 0, 0.0, true};
      return r;
    });
    router.add("GET", "/down", [](const cs::http::Request&) {
      return cs::http::jsonError(cs::ErrorCode::kUnavailable, "the store is \"down\"\n");
    });
    router.add("GET", "/teapot", [](const cs::http::Request&) {
      cs::http::Response r;
      r.status = 418;
      return r;
    });
    cs::http::Pipeline pipeline(router);
    for (const auto& path : paths) {
      auto request = cs::http::Request::make("GET", path);
      pipeline.handle(request);
    }
    logger.flush();
    cs::obs::setGlobalLogger(nullptr);
  }
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = captured.text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(captured.text.substr(start, nl - start));
  return lines;
}

TEST(AccessLog, LinesAreCanonicalJsonWithSortedExtraFields) {
  const auto lines = accessLines({"/ok", "/down", "/teapot", "/missing"});
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& line : lines) {
    const auto ordered = nlohmann::ordered_json::parse(line);
    EXPECT_EQ(ordered.dump(), line);  // same formatting, envelope order kept
    std::vector<std::string> keys;
    for (const auto& [k, v] : ordered.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"timestamp", "level", "message", "extra_fields"}));
    const auto extra = nlohmann::json::parse(line)["extra_fields"];
    EXPECT_NE(line.find("\"extra_fields\":" + extra.dump() + "}"), std::string::npos) << line;
    EXPECT_EQ(extra["execution_ms"], extra["execution_time"]);
    EXPECT_EQ(ordered["message"], "Request");
    EXPECT_EQ(ordered["level"], "INFO");
    EXPECT_TRUE(std::regex_match(ordered["timestamp"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << line;
  }
  const auto ok = nlohmann::json::parse(lines[0])["extra_fields"];
  EXPECT_EQ(ok["source"], "cache");
  EXPECT_EQ(ok["model"], "gpt-4.1-mini \"q\"");
  EXPECT_EQ(ok["cache_hit"], true);
  EXPECT_EQ(ok["status"], 200);
  EXPECT_FALSE(ok.contains("error_type"));
  const auto down = nlohmann::json::parse(lines[1])["extra_fields"];
  EXPECT_EQ(down["error_type"], "unavailable");
  EXPECT_EQ(down["error_message"], "the store is \"down\"\n");
  EXPECT_FALSE(down.contains("source"));
  EXPECT_EQ(down["model"], "");
  const auto teapot = nlohmann::json::parse(lines[2])["extra_fields"];
  EXPECT_EQ(teapot["error_type"], std::string(cs::errorName(cs::errorCodeForStatus(418))));
  EXPECT_EQ(teapot["error_message"], "");
  EXPECT_EQ(teapot["model"], "");
  const auto missing = nlohmann::json::parse(lines[3])["extra_fields"];
  EXPECT_EQ(missing["status"], 404);
  EXPECT_EQ(missing["path"], "/missing");
  EXPECT_EQ(missing["error_type"], "not_found");
}

}  // namespace

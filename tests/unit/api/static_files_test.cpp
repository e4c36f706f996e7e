#include <gtest/gtest.h>

#include <fstream>

#include "api/static_files.hpp"
#include "support/test_support.hpp"

namespace cs::api {
namespace {

StaticFiles sample() {
  return StaticFiles({{"index.html", "<script src=\"{{ASSETS}}/js/a.js\"></script>"},
                      {"compare.html", "<p>compare</p>"},
                      {"js/a.js", "export const a = 1;"},
                      {"css/app.css", "body{}"}});
}

http::Request get(std::string target, std::string if_none_match = {}) {
  auto r = http::Request::make("GET", std::move(target));
  if (!if_none_match.empty()) r.headers.set("If-None-Match", std::move(if_none_match));
  return r;
}

TEST(StaticFiles, PagesGetTheAssetBaseAndAStrictPolicy) {
  auto files = sample();
  http::Router router;
  files.registerRoutes(router);
  auto page = router.dispatch(get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.body, "<script src=\"/assets/" + files.version() + "/js/a.js\"></script>");
  EXPECT_EQ(page.headers.get("Cache-Control"), "no-cache");
  auto csp = std::string(*page.headers.get("Content-Security-Policy"));
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  // A page that is not there (no dashboard.html in this set) is a JSON 404.
  EXPECT_EQ(router.dispatch(get("/dashboard")).status, 404);
}

TEST(StaticFiles, CurrentVersionIsCachedLongOthersShort) {
  auto files = sample();
  auto current = files.asset(get(files.assetBase() + "/js/a.js"));
  EXPECT_EQ(current.status, 200);
  EXPECT_EQ(current.body, "export const a = 1;");
  EXPECT_EQ(current.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(current.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  auto stale = files.asset(get("/assets/0123456789ab/js/a.js"));
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.headers.get("Cache-Control"), "no-cache");
  EXPECT_EQ(files.asset(get(files.assetBase() + "/index.html")).status,
            404);  // pages only at their paths
  EXPECT_EQ(files.asset(get(files.assetBase() + "/../index.html")).status, 404);
  EXPECT_EQ(files.asset(get("/assets/nothing")).status, 404);
}

TEST(StaticFiles, IfNoneMatchGives304WithoutBody) {
  auto files = sample();
  auto first = files.asset(get(files.assetBase() + "/css/app.css"));
  const std::string etag(*first.headers.get("ETag"));
  auto again = files.asset(get(files.assetBase() + "/css/app.css", etag));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers.get("ETag"), etag);
  EXPECT_EQ(files.asset(get(files.assetBase() + "/css/app.css", "\"other\"")).status, 200);
}

TEST(StaticFiles, VersionChangesWhenAnyAssetChangesButNotWithPages) {
  auto base = sample().version();
  EXPECT_EQ(StaticFiles({{"index.html", "changed"},
                         {"js/a.js", "export const a = 1;"},
                         {"css/app.css", "body{}"}})
                .version(),
            base);
  EXPECT_NE(StaticFiles({{"js/a.js", "export const a = 2;"}, {"css/app.css", "body{}"}}).version(),
            base);
}

TEST(StaticFiles, EtagMatchingFollowsTheRules) {
  EXPECT_TRUE(etagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etagMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etagMatches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etagMatches(" * ", "\"abc\""));
  EXPECT_FALSE(etagMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etagMatches("", "\"abc\""));
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(contentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.bin"), "application/octet-stream");
}

TEST(StaticFiles, EmbeddedSetHasThePagesAndTheChartLibrary) {
  auto files = StaticFiles::embedded();
  for (const char* f : {"index.html", "compare.html", "dashboard.html", "arena.html", "css/app.css",
                        "js/home.js", "js/arena.js", "vendor/chart.umd.min.js"})
    EXPECT_TRUE(files.has(f)) << f;
}

TEST(StaticFiles, FromDirectoryReadsEverythingOnce) {
  cs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "js");
  std::ofstream(dir.file("index.html")) << "<p>{{ASSETS}}</p>";
  std::ofstream(dir.file("js/x.js")) << "1";
  auto files = StaticFiles::fromDirectory(dir.path());
  ASSERT_TRUE(files.has_value());
  EXPECT_TRUE(files->has("js/x.js"));
  EXPECT_EQ(files->page(get("/"), "index.html").body, "<p>" + files->assetBase() + "</p>");
  EXPECT_FALSE(StaticFiles::fromDirectory(dir.path() / "missing").has_value());
}

}  // namespace
}  // namespace cs::api

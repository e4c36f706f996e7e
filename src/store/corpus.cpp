#include "store/corpus.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/ids.hpp"

namespace cs {

Result<std::vector<Saying>> parseCorpus(std::string_view json_text, std::int64_t created_at_ms) {
  auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    return fail(ErrorCode::kBadCorpus, "corpus must be a JSON array");
  std::vector<Saying> out;
  out.reserve(doc.size());
  std::size_t index = 0;
  for (const auto& item : doc) {
    ++index;
    const auto where = "corpus entry " + std::to_string(index);
    if (!item.is_object() || !item.contains("text") || !item["text"].is_string() ||
        item["text"].get_ref<const std::string&>().empty())
      return fail(ErrorCode::kBadCorpus, where + ": needs a non-empty string \"text\"");
    Saying s;
    s.text = item["text"].get<std::string>();
    s.id = contentId("c-", s.text);
    s.model = "corpus";
    s.provider = "corpus";
    s.created_at_ms = created_at_ms;
    if (item.contains("services")) {
      if (!item["services"].is_array())
        return fail(ErrorCode::kBadCorpus, where + ": \"services\" must be an array");
      for (const auto& sv : item["services"]) {
        if (!sv.is_string())
          return fail(ErrorCode::kBadCorpus, where + ": services must be strings");
        s.services.push_back(sv.get<std::string>());
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Saying>> loadCorpusFile(const std::string& path, std::int64_t created_at_ms) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kBadCorpus, "cannot read corpus file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parseCorpus(ss.str(), created_at_ms);
}

Result<SeedReport> seedStore(Store& store, const std::vector<Saying>& corpus) {
  SeedReport report;
  report.total = corpus.size();
  for (const auto& s : corpus) {
    auto r = store.putSaying(s);
    if (!r) return std::unexpected(r.error());
    if (*r) ++report.inserted;
  }
  return report;
}

}  // namespace cs

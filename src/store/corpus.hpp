#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/saying.hpp"
#include "store/store.hpp"

namespace cs {

// The shipped corpus (data/sayings.json): [{"text": "...", "services": ["Amazon S3"]}, ...].
// Ids derive from the text, so loading twice never duplicates a saying.
Result<std::vector<Saying>> parseCorpus(std::string_view json_text, std::int64_t created_at_ms);
Result<std::vector<Saying>> loadCorpusFile(const std::string& path, std::int64_t created_at_ms);

struct SeedReport {
  std::size_t total = 0;
  std::size_t inserted = 0;
};
// Inserts every corpus saying that is not in the store yet.
Result<SeedReport> seedStore(Store& store, const std::vector<Saying>& corpus);

}  // namespace cs

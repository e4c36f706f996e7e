#include "cache/ingest.hpp"

#include "core/ids.hpp"
#include "obs/logger.hpp"

namespace cs::cache {

Ingestor::Outcome Ingestor::ingest(const llm::GenerationResult& result) {
  Outcome out;
  for (const auto& generated : result.sayings) {
    Saying s;
    s.id = randomId();
    s.text = generated.text;
    s.services = catalog_.extract(generated.text);
    s.model = result.model_id;
    s.provider = result.provider;
    s.tokens = generated.tokens;
    s.cost_usd = generated.cost_usd;
    s.llm_ms = result.llm_ms;
    s.created_at_ms = clock_.wallMs();
    if (s.text.empty()) continue;
    if (auto dup = dedup_.admit(s.id, s.text)) {
      out.duplicates.push_back(Duplicate{std::move(s), *dup});
      continue;
    }
    auto put = store_.putSaying(s);
    if (!put) {
      // Not served: a vote on it would find no saying (404). The store is failing (disk full,
      // say); the paid-for text is lost, which the log line and `unstored` account for.
      obs::log().warn("Generated saying not stored; not served",
                      {{"error_type", put.error().name()},
                       {"error_message", put.error().message},
                       {"model", s.model}});
      dedup_.forget(s.id);
      ++out.unstored;
      continue;
    }
    tracker_.record(s.services);
    picker_.remember(s);
    out.accepted.push_back(std::move(s));
  }
  return out;
}

void Ingestor::primeFromStore(std::size_t recent) {
  auto sayings = store_.recentSayings(recent);
  if (!sayings) {
    obs::log().warn(
        "Dedup index not primed from the store",
        {{"error_type", sayings.error().name()}, {"error_message", sayings.error().message}});
    return;
  }
  // Oldest first, so the newest stay longest in the bounded index.
  for (auto it = sayings->rbegin(); it != sayings->rend(); ++it) {
    dedup_.remember(it->id, it->text);
    if (it->model != "corpus") tracker_.record(it->services);
  }
}

}  // namespace cs::cache

#include "store/dynamo/dynamo_store.hpp"

#include <algorithm>
#include <unordered_set>

#include "obs/logger.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

namespace {
Expression timeFilter(const char* attribute, const TimeRange& range) {
  return Expression{std::string("#") + attribute + " >= :from AND #" + attribute + " < :to",
                    attributeNames({attribute}),
                    {{":from", attrN(range.from_ms)}, {":to", attrN(range.to_ms)}}};
}
}  // namespace

DynamoStore::DynamoStore(net::HttpTransportPtr transport, ClientOptions client,
                         StoreOptions options, const Clock& clock, DynamoClient::Sleeper sleeper)
    : transport_(std::move(transport)),
      client_(std::make_unique<DynamoClient>(*transport_, std::move(client), clock,
                                             std::move(sleeper))),
      options_(std::move(options)),
      clock_(clock) {}

DynamoStore::~DynamoStore() {
  // How many requests this instance made: the figure DynamoDB bills and throttles by. Only a
  // log line: if building it fails (bad_alloc at shutdown), the store still goes quietly.
  try {
    Json counts = Json::object();
    for (int i = 0; i < static_cast<int>(Op::kCount); ++i)
      if (auto n = client_->calls(static_cast<Op>(i))) counts[opName(static_cast<Op>(i))] = n;
    obs::log().info("DynamoDB requests made", {{"total", client_->totalCalls()},
                                               {"retries", client_->retries()},
                                               {"by_operation", counts}});
  } catch (...) {  // NOLINT(bugprone-empty-catch): a lost log line, nothing to undo
  }
}

Result<void> DynamoStore::ping() {
  auto r =
      client_->call(Op::kGetItem, getItemRequest(options_.tables.sayings, sayingKey("__ping__"),
                                                 false, namesOnly("#id", {"id"})));
  if (!r) return storeError(r, "GetItem (ping)");
  return {};
}

Result<std::optional<Saying>> DynamoStore::getSaying(const std::string& id) {
  auto r = client_->call(Op::kGetItem, getItemRequest(options_.tables.sayings, sayingKey(id),
                                                      options_.consistent_reads));
  if (!r) return storeError(r, "GetItem");
  auto item = parseGetItem(*r);
  if (!item) return std::unexpected(item.error());
  if (!*item) return std::optional<Saying>();
  auto saying = sayingFromItem(**item);
  if (!saying) return std::unexpected(saying.error());
  return std::optional<Saying>(std::move(*saying));
}

Result<std::vector<Json>> DynamoStore::batchGet(const std::string& table, std::vector<Json> keys,
                                                const char* what) {
  std::vector<Json> items;
  for (std::size_t start = 0; start < keys.size(); start += kBatchGetMaxKeys) {
    std::vector<Json> pending(keys.begin() + static_cast<std::ptrdiff_t>(start),
                              keys.begin() + static_cast<std::ptrdiff_t>(
                                                 std::min(keys.size(), start + kBatchGetMaxKeys)));
    const auto deadline = client_->deadlineFromNow();
    for (int attempt = 1; !pending.empty(); ++attempt) {
      // Keys DynamoDB could not serve this time (throttling, the 16 MB response cap) come back
      // as UnprocessedKeys: ask again for just those, after a backoff.
      if (attempt > 1 && !client_->pauseBeforeRetry(attempt, deadline))
        return fail(ErrorCode::kStoreUnavailable, std::string("DynamoDB BatchGetItem (") + what +
                                                      "): " + std::to_string(pending.size()) +
                                                      " keys still unprocessed at the deadline");
      auto r = client_->call(Op::kBatchGetItem,
                             batchGetItemRequest(table, pending, options_.consistent_reads));
      if (!r) return storeError(r, "BatchGetItem");
      auto parsed = parseBatchGetItem(*r, table);
      if (!parsed) return std::unexpected(parsed.error());
      for (auto& item : parsed->items) items.push_back(std::move(item));
      pending = std::move(parsed->unprocessed_keys);
    }
  }
  return items;
}

Result<std::vector<Saying>> DynamoStore::getSayings(const std::vector<std::string>& ids) {
  // BatchGetItem rejects a request that names one key twice.
  std::unordered_set<std::string> seen;
  std::vector<Json> keys;
  for (const auto& id : ids)
    if (seen.insert(id).second) keys.push_back(sayingKey(id));
  auto items = batchGet(options_.tables.sayings, std::move(keys), "sayings");
  if (!items) return std::unexpected(items.error());
  std::vector<Saying> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    auto s = sayingFromItem(item);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<void> DynamoStore::scanAll(ScanRequest request,
                                  const std::function<Result<void>(const Json&)>& visit,
                                  const char* what) {
  if (options_.scan_page_limit > 0) request.limit = options_.scan_page_limit;
  for (;;) {
    auto r = client_->call(Op::kScan, scanRequest(request));
    if (!r) return std::unexpected(r.error().toStoreError(std::string("Scan (") + what + ")"));
    auto page = parseScan(*r);
    if (!page) return std::unexpected(page.error());
    for (const auto& item : page->items)
      if (auto v = visit(item); !v) return v;
    if (!page->last_evaluated_key) return {};
    request.exclusive_start_key = std::move(page->last_evaluated_key);
  }
}

Result<std::vector<std::string>> DynamoStore::listSayingIds() {
  std::vector<std::string> ids;
  ScanRequest req;
  req.table = options_.tables.sayings;
  req.projection = namesOnly("#id", {"id"});  // ids only: a fraction of the read units
  auto r = scanAll(
      req,
      [&](const Json& item) -> Result<void> {
        ItemReader reader(item, "main_humor id");
        ids.push_back(reader.string("id"));
        return reader.status();
      },
      "ids");
  if (!r) return std::unexpected(r.error());
  return ids;
}

Result<std::vector<Saying>> DynamoStore::recentSayings(std::size_t limit) {
  // No index to sort by (Query is not among the granted operations): scan the small
  // (id, created_at) projection, then fetch only the newest `limit` items.
  struct Stamp {
    std::int64_t at;
    std::string id;
  };
  std::vector<Stamp> stamps;
  ScanRequest req;
  req.table = options_.tables.sayings;
  req.projection = namesOnly("#id, #created_at", {"id", "created_at"});
  auto r = scanAll(
      req,
      [&](const Json& item) -> Result<void> {
        ItemReader reader(item, "main_humor stamp");
        Stamp s{reader.int64Or("created_at", 0), reader.string("id")};
        stamps.push_back(std::move(s));
        return reader.status();
      },
      "recent");
  if (!r) return std::unexpected(r.error());
  auto newer = [](const Stamp& a, const Stamp& b) {
    return a.at != b.at ? a.at > b.at : a.id < b.id;
  };
  std::sort(stamps.begin(), stamps.end(), newer);
  if (stamps.size() > limit) stamps.resize(limit);
  std::vector<std::string> ids;
  ids.reserve(stamps.size());
  for (const auto& s : stamps) ids.push_back(s.id);
  auto sayings = getSayings(ids);
  if (!sayings) return sayings;
  std::sort(sayings->begin(), sayings->end(), [&](const Saying& a, const Saying& b) {
    return newer(Stamp{a.created_at_ms, a.id}, Stamp{b.created_at_ms, b.id});
  });
  return sayings;
}

Result<std::vector<FeedbackRecord>> DynamoStore::listFeedback(const TimeRange& range) {
  ScanRequest req;
  req.table = options_.tables.feedback;
  req.filter = timeFilter("created_at", range);
  auto out = scanDecoded<FeedbackRecord>(std::move(req), feedbackFromItem, "feedback");
  if (!out) return out;
  std::sort(out->begin(), out->end(), [](const FeedbackRecord& a, const FeedbackRecord& b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms < b.created_at_ms : a.id < b.id;
  });
  return out;
}

Result<std::vector<RequestStatsRow>> DynamoStore::listRequestStats(const TimeRange& range) {
  ScanRequest req;
  req.table = options_.tables.stats;
  req.filter = timeFilter("minute_ms", range);
  return scanDecoded<RequestStatsRow>(std::move(req), statsFromItem, "request stats");
}

}  // namespace cs::dynamo

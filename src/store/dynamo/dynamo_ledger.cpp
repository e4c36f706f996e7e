// DynamoStore's ledger rollups, apart from dynamo_store.cpp. They live in the request-stats
// table (no new table to provision) under their own key shape:
//   stats_key = "ledger#" + minute_ms + "#" + model + "#" + provider + "#" + purpose
// with the minute in `ledger_minute_ms`, not `minute_ms`, so listRequestStats' filter on
// minute_ms never sees them, and the counters merged with UpdateItem ADD.
#include "store/dynamo/dynamo_store.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

std::string ledgerKey(const LedgerRow& row) {
  return "ledger#" + std::to_string(row.minute_ms) + "#" + row.model + "#" + row.provider + "#" +
         row.purpose;
}

UpdateItemRequest ledgerUpdate(const std::string& table, const LedgerRow& row) {
  UpdateItemRequest req;
  req.table = table;
  req.key = {{"stats_key", attrS(ledgerKey(row))}};
  req.update.text =
      "SET #ledger_minute_ms = :ledger_minute_ms, #model = :model, #provider = :provider, "
      "#purpose = :purpose "
      "ADD #calls :calls, #failed_calls :failed_calls, #attempts :attempts, "
      "#input_tokens :input_tokens, #output_tokens :output_tokens, #cost_usd :cost_usd, "
      "#latency_ms :latency_ms";
  req.update.names =
      attributeNames({"ledger_minute_ms", "model", "provider", "purpose", "calls", "failed_calls",
                      "attempts", "input_tokens", "output_tokens", "cost_usd", "latency_ms"});
  req.update.values = {{":ledger_minute_ms", attrN(row.minute_ms)},
                       {":model", attrS(row.model)},
                       {":provider", attrS(row.provider)},
                       {":purpose", attrS(row.purpose)},
                       {":calls", attrN(row.calls)},
                       {":failed_calls", attrN(row.failed_calls)},
                       {":attempts", attrN(row.attempts)},
                       {":input_tokens", attrN(row.input_tokens)},
                       {":output_tokens", attrN(row.output_tokens)},
                       {":cost_usd", attrN(row.cost_usd)},
                       {":latency_ms", attrN(row.latency_ms)}};
  // ADD needs a number: a non-finite double (encoded as NULL) would be rejected, so count it 0.
  for (auto& [name, value] : req.update.values.items())
    if (value.contains("NULL")) value = attrN(std::int64_t{0});
  return req;
}

Result<LedgerRow> ledgerFromItem(const Json& item) {
  ItemReader r(item, "ledger rollup item");
  LedgerRow row;
  row.minute_ms = r.int64("ledger_minute_ms");
  row.model = r.string("model");
  row.provider = r.string("provider");
  row.purpose = r.string("purpose");
  row.calls = r.int64Or("calls", 0);
  row.failed_calls = r.int64Or("failed_calls", 0);
  row.attempts = r.int64Or("attempts", 0);
  row.input_tokens = r.int64Or("input_tokens", 0);
  row.output_tokens = r.int64Or("output_tokens", 0);
  row.cost_usd = r.doubleOr("cost_usd", 0.0);
  row.latency_ms = r.doubleOr("latency_ms", 0.0);
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  return row;
}

Result<void> DynamoStore::addLedgerStats(const std::vector<LedgerRow>& rows) {
  for (const auto& row : rows) {
    auto r =
        client_->call(Op::kUpdateItem, updateItemRequest(ledgerUpdate(options_.tables.stats, row)));
    if (!r) return std::unexpected(r.error().toStoreError("UpdateItem (ledger stats)"));
  }
  return {};
}

Result<std::vector<LedgerRow>> DynamoStore::listLedgerStats(const TimeRange& range) {
  ScanRequest req;
  req.table = options_.tables.stats;
  req.filter = Expression{"#ledger_minute_ms >= :from AND #ledger_minute_ms < :to",
                          attributeNames({"ledger_minute_ms"}),
                          {{":from", attrN(range.from_ms)}, {":to", attrN(range.to_ms)}}};
  return scanDecoded<LedgerRow>(std::move(req), ledgerFromItem, "ledger stats");
}

}  // namespace cs::dynamo

#pragma once
#include <string>

#include "core/saying.hpp"
#include "store/dynamo/attribute_value.hpp"
#include "store/dynamo/requests.hpp"
#include "store/records.hpp"

namespace cs::dynamo {

// How the store's records look as DynamoDB items. Attribute names match the SQLite columns,
// so the two backends describe the same data the same way.
//   main_humor:      id (hash key) text services model provider input_tokens output_tokens
//                    cost_usd llm_ms created_at upvotes downvotes
//   saying_feedback: vote_key (hash key) = saying_id + "#" + client_key, so a second vote by
//                    the same client cannot be written (PutItem attribute_not_exists); id is
//                    the record id the caller chose.
//   request_stats:   stats_key (hash key) = minute_ms + "#" + model + "#" + source, plus the
//                    key fields and the counters, merged with UpdateItem ADD.
Json sayingItem(const Saying& saying);
Result<Saying> sayingFromItem(const Json& item);
Json sayingKey(const std::string& id);

std::string voteKey(const std::string& saying_id, const std::string& client_key);
Json feedbackItem(const FeedbackRecord& record);
Result<FeedbackRecord> feedbackFromItem(const Json& item);
Json feedbackKey(const FeedbackRecord& record);

std::string statsKey(const RequestStatsRow& row);
// One UpdateItem that creates the row if needed and ADDs every counter: concurrent flushes
// from many instances merge without a read-modify-write race.
UpdateItemRequest statsUpdate(const std::string& table, const RequestStatsRow& row);
Result<RequestStatsRow> statsFromItem(const Json& item);

// Ledger rollups, in the request_stats table (dynamo_ledger.cpp says how).
std::string ledgerKey(const LedgerRow& row);
UpdateItemRequest ledgerUpdate(const std::string& table, const LedgerRow& row);
Result<LedgerRow> ledgerFromItem(const Json& item);

}  // namespace cs::dynamo

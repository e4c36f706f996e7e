// DynamoStore's writes, each safe to retry. DynamoClient retries a call that timed out or got a
// 5xx, and a request whose answer was lost may already have been applied: a blind retry of a
// conditional PutItem then fails its own condition, and a retried ADD counts twice. So every
// write carries a token of its own and is conditional on it; a failed condition is read back
// and, when the token is ours, reported as the success it was.
//
// Votes, without transactions (not among the granted operations):
//   1. PutItem the vote item (key saying#client, attribute_not_exists): the vote's truth. It is
//      written with counted = false and the record id as its token.
//   2. UpdateItem the saying: ADD the counter and the record id to the saying's vote_marks set,
//      on the condition that vote_marks does not hold that id. Any number of retries, or a
//      second writer finishing the same vote, add once.
//   2b. UpdateItem the vote's rollup item (request-stats table, dynamo_votes.cpp): ADD the
//      vote's VoteRow counters and the record id to the rollup's vote_marks, on the same kind
//      of condition, so the rollup counts the vote exactly once too.
//   3. UpdateItem the vote item: SET counted = true.
//   4. UpdateItem the saying and the rollup: DELETE the id from their vote_marks (only after
//      3, so the sets stay small); a failure here leaves one stale id, never a wrong count.
// A crash between 1 and 3 leaves a vote with counted = false: the next vote of that client on
// that saying finishes the count (2-4 for the stored vote, whose item holds what 2b needs), once
// the vote is older than StoreOptions::vote_repair_after.
#include <algorithm>
#include <unordered_map>

#include "core/ids.hpp"
#include "obs/logger.hpp"
#include "store/dynamo/dynamo_store.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

namespace {

// No answer, or a 5xx: the write may or may not have been applied.
bool ambiguous(const DynamoError& e) {
  return e.kind == ErrorKind::kTransport || e.kind == ErrorKind::kServer;
}

bool conditionFailed(const DynamoError& e) {
  return e.kind == ErrorKind::kConditionFailed;
}

void warnLeft(const char* what, const DynamoError& e, const std::string& vote_id) {
  obs::log().warn(what, {{"error_type", e.type.empty() ? errorKindName(e.kind) : e.type},
                         {"error_message", e.message},
                         {"vote_id", vote_id}});
}
}  // namespace

Result<bool> DynamoStore::putSaying(const Saying& saying) {
  const std::string token = randomId();
  Json item = sayingItem(saying);
  item["put_token"] = attrS(token);
  auto r =
      client_->call(Op::kPutItem, putItemRequest(options_.tables.sayings, item,
                                                 namesOnly("attribute_not_exists(#id)", {"id"})));
  if (r) return true;
  if (!conditionFailed(r.error()) && !ambiguous(r.error())) return storeError(r, "PutItem");
  // Another writer holds the id, or an attempt of this call was applied and its answer lost.
  auto back =
      client_->call(Op::kGetItem, getItemRequest(options_.tables.sayings, sayingKey(saying.id),
                                                 true, namesOnly("#put_token", {"put_token"})));
  if (!back) return storeError(ambiguous(r.error()) ? r : back, "PutItem (read-back)");
  auto found = parseGetItem(*back);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    if (ambiguous(r.error())) return storeError(r, "PutItem");
    return fail(ErrorCode::kStoreError,
                "saying " + saying.id + " exists for PutItem but not for GetItem");
  }
  ItemReader reader(**found, "main_humor put token");
  return reader.stringOr("put_token", "") == token;
}

Result<std::optional<DynamoStore::StoredVote>> DynamoStore::readVote(const FeedbackRecord& record) {
  auto r = client_->call(Op::kGetItem,
                         getItemRequest(options_.tables.feedback, feedbackKey(record), true));
  if (!r) return storeError(r, "GetItem (vote read-back)");
  auto item = parseGetItem(*r);
  if (!item) return std::unexpected(item.error());
  if (!*item) return std::optional<StoredVote>();
  auto stored = feedbackFromItem(**item);
  if (!stored) return std::unexpected(stored.error());
  ItemReader reader(**item, "saying_feedback vote");
  StoredVote v;
  v.record = std::move(*stored);
  v.counted = reader.optBool("counted").value_or(true);
  v.written_at_ms = reader.int64Or("written_at", 0);
  if (auto st = reader.status(); !st) return std::unexpected(st.error());
  return std::optional<StoredVote>(std::move(v));
}

Result<bool> DynamoStore::voteMarked(const std::string& table, const Json& key,
                                     const std::string& vote_id) {
  auto r = client_->call(
      Op::kGetItem, getItemRequest(table, key, true, namesOnly("#vote_marks", {"vote_marks"})));
  if (!r) return storeError(r, "GetItem (vote marks)");
  auto item = parseGetItem(*r);
  if (!item) return std::unexpected(item.error());
  if (!*item) return false;
  ItemReader reader(**item, "vote marks");
  const auto marks = reader.strings("vote_marks");
  if (auto st = reader.status(); !st) return std::unexpected(st.error());
  return std::find(marks.begin(), marks.end(), vote_id) != marks.end();
}

Result<void> DynamoStore::countVote(const FeedbackRecord& vote, const Json& feedback_key) {
  const std::string& saying_id = vote.saying_id;
  const std::string& vote_id = vote.id;
  const char* counter = vote.vote == Vote::kUp ? "upvotes" : "downvotes";
  UpdateItemRequest bump;
  bump.table = options_.tables.sayings;
  bump.key = sayingKey(saying_id);
  bump.update = Expression{std::string("ADD #") + counter + " :one, #vote_marks :mark",
                           attributeNames({counter, "vote_marks", "id"}),
                           {{":one", attrN(std::int64_t{1})},
                            {":mark", attrSS({vote_id})},
                            {":mark_id", attrS(vote_id)}}};
  bump.condition = "attribute_exists(#id) AND NOT contains(#vote_marks, :mark_id)";
  auto bumped = client_->call(Op::kUpdateItem, updateItemRequest(bump));
  // A failed condition: this vote's mark is there, so its count is already in (an attempt whose
  // answer was lost, or another writer finishing the same vote). The saying exists (checked
  // first, and sayings are never deleted).
  if (!bumped && !conditionFailed(bumped.error())) {
    if (!ambiguous(bumped.error())) return storeError(bumped, "UpdateItem (vote counter)");
    auto marked = voteMarked(options_.tables.sayings, sayingKey(saying_id), vote_id);
    if (!marked || !*marked) return storeError(bumped, "UpdateItem (vote counter)");
  }
  // Before `counted`: a vote left uncounted here is finished by the repair path, and both
  // conditional ADDs recognise what was already applied.
  if (auto added = addVoteRollup(vote); !added) return std::unexpected(added.error());

  UpdateItemRequest done;
  done.table = options_.tables.feedback;
  done.key = feedback_key;
  done.update = Expression{"SET #counted = :yes",
                           attributeNames({"counted", "id"}),
                           {{":yes", attrBool(true)}, {":vote_id", attrS(vote_id)}}};
  done.condition = "#id = :vote_id";
  if (auto r = client_->call(Op::kUpdateItem, updateItemRequest(done)); !r) {
    // The mark stays on the saying and keeps guarding the count.
    warnLeft("Vote counted but not marked counted", r.error(), vote_id);
    return {};
  }
  UpdateItemRequest prune;
  prune.table = options_.tables.sayings;
  prune.key = sayingKey(saying_id);
  prune.update = Expression{
      "DELETE #vote_marks :mark", attributeNames({"vote_marks"}), {{":mark", attrSS({vote_id})}}};
  if (auto r = client_->call(Op::kUpdateItem, updateItemRequest(prune)); !r)
    warnLeft("Vote mark not pruned", r.error(), vote_id);
  pruneVoteRollupMark(vote);
  return {};
}

Result<VoteOutcome> DynamoStore::recordVote(const FeedbackRecord& record) {
  // The saying must exist (sayings are never deleted, so this cannot go stale).
  auto exists = client_->call(Op::kGetItem,
                              getItemRequest(options_.tables.sayings, sayingKey(record.saying_id),
                                             options_.consistent_reads, namesOnly("#id", {"id"})));
  if (!exists) return storeError(exists, "GetItem (vote)");
  if (!exists->contains("Item"))
    return fail(ErrorCode::kNotFound, "no saying with id " + record.saying_id);

  Json item = feedbackItem(record);
  item["counted"] = attrBool(false);
  item["written_at"] = attrN(clock_.wallMs());
  const Json key = feedbackKey(record);
  auto put = client_->call(
      Op::kPutItem, putItemRequest(options_.tables.feedback, item,
                                   namesOnly("attribute_not_exists(#vote_key)", {"vote_key"})));
  if (put) {
    if (auto c = countVote(record, key); !c) return std::unexpected(c.error());
    return VoteOutcome{true, record.id};
  }
  if (!conditionFailed(put.error()) && !ambiguous(put.error()))
    return storeError(put, "PutItem (vote)");

  // Read back before deciding: the item holds either our record id (an attempt of ours was
  // applied) or an earlier vote of this client.
  auto stored = readVote(record);
  if (!stored)
    return std::unexpected(ambiguous(put.error()) ? put.error().toStoreError("PutItem (vote)")
                                                  : stored.error());
  if (!*stored) {
    if (ambiguous(put.error())) return storeError(put, "PutItem (vote)");
    return fail(ErrorCode::kStoreError, "vote record for " +
                                            voteKey(record.saying_id, record.client_key) +
                                            " exists for PutItem but not for GetItem");
  }
  const StoredVote& prior = **stored;
  if (prior.record.id == record.id) {
    if (!prior.counted)
      if (auto c = countVote(record, key); !c) return std::unexpected(c.error());
    return VoteOutcome{true, record.id};
  }
  const auto age = clock_.wallMs() - prior.written_at_ms;
  if (!prior.counted && age > options_.vote_repair_after.count()) {
    // Its writer stopped between storing and counting it: finish that count now.
    if (auto c = countVote(prior.record, key); !c)
      obs::log().warn("Stale vote not counted", {{"error_type", c.error().name()},
                                                 {"error_message", c.error().message},
                                                 {"vote_id", prior.record.id}});
  }
  return VoteOutcome{false, prior.record.id};
}

Result<void> DynamoStore::addRequestStats(const std::vector<RequestStatsRow>& rows) {
  // One UpdateItem per key: rows with the same key are merged first, so one flush token per
  // call is unique per item.
  std::vector<RequestStatsRow> merged;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& row : rows) {
    auto [it, fresh] = index.try_emplace(statsKey(row), merged.size());
    if (fresh)
      merged.push_back(row);
    else
      merged[it->second].add(row);
  }
  // The flush token joins the row's `flushes` set in the same ADD that adds the counters, on
  // the condition that the set does not hold it yet: a retried ADD fails, and that is ours.
  const std::string flush = randomId();
  for (const auto& row : merged) {
    auto req = statsUpdate(options_.tables.stats, row);
    req.update.text += ", #flushes :flush_set";  // statsUpdate's text ends with its ADD clause
    req.update.names["#flushes"] = "flushes";
    req.update.values[":flush_set"] = attrSS({flush});
    req.update.values[":flush"] = attrS(flush);
    req.condition = "NOT contains(#flushes, :flush)";
    auto r = client_->call(Op::kUpdateItem, updateItemRequest(req));
    if (!r && !conditionFailed(r.error())) return storeError(r, "UpdateItem (request stats)");
  }
  return {};
}

}  // namespace cs::dynamo

// DynamoStore's arena: one table (Tables::arena, hash key arena_key) holding two kinds of item,
// told apart by `kind`:
//   battle: arena_key = "battle#" + id, both sides as shown and as revealed, and expires_at_s
//           (seconds) for the table's TTL to delete it a while after it expired.
//   vote:   arena_key = "vote#" + battle_id + "#" + client_key: the key itself makes a second
//           vote of one client on one battle impossible.
// Both are written with UpdateItem SET ... on the condition attribute_not_exists(arena_key)
// (no PutItem, no transactions). A failed condition, or an answer lost to a timeout, is read
// back with a consistent GetItem: the item's `id` says whether it is ours (a retried write
// that had been applied) or an earlier vote of the client, whose winner stands.
#include "store/dynamo/dynamo_store.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

namespace {
// Expired battles stay readable this long before DynamoDB's TTL may delete them.
constexpr std::int64_t kKeepExpiredS = std::int64_t{24} * 3600;

Json arenaKey(const std::string& key) {
  return {{"arena_key", attrS(key)}};
}
std::string battleKey(const std::string& id) {
  return "battle#" + id;
}
std::string voteKeyOf(const ArenaVote& v) {
  return "vote#" + v.battle_id + "#" + v.client_key;
}

Json servicesList(const std::vector<std::string>& services) {
  Json list = Json::array();
  for (const auto& s : services) list.push_back(attrS(s));
  return {{"L", std::move(list)}};
}

void putSide(Json& item, const std::string& p, const ArenaSide& s) {
  item[p + "saying_id"] = attrS(s.saying_id);
  item[p + "text"] = attrS(s.text);
  item[p + "services"] = servicesList(s.services);
  item[p + "model"] = attrS(s.model);
  item[p + "provider"] = attrS(s.provider);
  if (s.latency_ms) item[p + "latency_ms"] = attrN(*s.latency_ms);
  item[p + "cost_usd"] = attrN(s.cost_usd);
}

ArenaSide readSide(ItemReader& r, const std::string& p) {
  ArenaSide s;
  s.saying_id = r.string(p + "saying_id");
  s.text = r.string(p + "text");
  s.services = r.strings(p + "services");
  s.model = r.string(p + "model");
  s.provider = r.stringOr(p + "provider", "");
  s.latency_ms = r.optDouble(p + "latency_ms");
  s.cost_usd = r.doubleOr(p + "cost_usd", 0.0);
  return s;
}

Json voteItem(const ArenaVote& v) {
  Json item = {{"kind", attrS("vote")},
               {"id", attrS(v.id)},
               {"battle_id", attrS(v.battle_id)},
               {"client_key", attrS(v.client_key)},
               {"winner", attrS(arenaWinnerName(v.winner))},
               {"created_at", attrN(v.created_at_ms)},
               {"model_a", attrS(v.model_a)},
               {"provider_a", attrS(v.provider_a)},
               {"model_b", attrS(v.model_b)},
               {"provider_b", attrS(v.provider_b)},
               {"length_a", attrN(v.length_a)},
               {"length_b", attrN(v.length_b)},
               {"cost_a_usd", attrN(v.cost_a_usd)},
               {"cost_b_usd", attrN(v.cost_b_usd)},
               {"honest", attrBool(v.honest)}};
  if (v.latency_a_ms) item["latency_a_ms"] = attrN(*v.latency_a_ms);
  if (v.latency_b_ms) item["latency_b_ms"] = attrN(*v.latency_b_ms);
  return item;
}

Result<ArenaVote> voteFromItem(const Json& item) {
  ItemReader r(item, "arena vote item");
  ArenaVote v;
  v.id = r.string("id");
  v.battle_id = r.string("battle_id");
  v.client_key = r.string("client_key");
  const std::string winner = r.string("winner");
  v.created_at_ms = r.int64Or("created_at", 0);
  v.model_a = r.string("model_a");
  v.provider_a = r.stringOr("provider_a", "");
  v.model_b = r.string("model_b");
  v.provider_b = r.stringOr("provider_b", "");
  v.length_a = r.int64Or("length_a", 0);
  v.length_b = r.int64Or("length_b", 0);
  v.latency_a_ms = r.optDouble("latency_a_ms");
  v.latency_b_ms = r.optDouble("latency_b_ms");
  v.cost_a_usd = r.doubleOr("cost_a_usd", 0.0);
  v.cost_b_usd = r.doubleOr("cost_b_usd", 0.0);
  v.honest = r.optBool("honest").value_or(true);
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  const auto w = arenaWinnerFromName(winner);
  if (!w) return fail(ErrorCode::kStoreError, "arena vote item: winner \"" + winner + "\"");
  v.winner = *w;
  return v;
}

// UpdateItem that writes every attribute of `item` (the key excluded) unless an item with that
// key exists: the conditional create PutItem would do, with UpdateItem's grant.
UpdateItemRequest createOnly(const std::string& table, const std::string& key, const Json& item) {
  UpdateItemRequest req;
  req.table = table;
  req.key = arenaKey(key);
  std::string text = "SET ";
  int n = 0;
  req.update.names["#arena_key"] = "arena_key";
  for (const auto& [name, value] : item.items()) {
    const std::string i = std::to_string(n++);
    if (n > 1) text += ", ";
    text.append("#a").append(i).append(" = :v").append(i);
    req.update.names["#a" + i] = name;
    req.update.values[":v" + i] = value;
  }
  req.update.text = std::move(text);
  req.condition = "attribute_not_exists(#arena_key)";
  return req;
}
}  // namespace

Result<void> DynamoStore::putBattle(const ArenaBattle& b) {
  Json item = {{"kind", attrS("battle")},
               {"id", attrS(b.id)},
               {"created_at", attrN(b.created_at_ms)},
               {"expires_at", attrN(b.expires_at_ms)},
               {"expires_at_s", attrN(b.expires_at_ms / 1000 + kKeepExpiredS)}};
  if (b.topic) item["topic"] = attrS(*b.topic);
  putSide(item, "a_", b.a);
  putSide(item, "b_", b.b);
  auto r = client_->call(
      Op::kUpdateItem, updateItemRequest(createOnly(options_.tables.arena, battleKey(b.id), item)));
  // A failed condition: the random id exists, so an attempt of this write was applied.
  if (r || r.error().kind == ErrorKind::kConditionFailed) return {};
  if (!r.error().ambiguous()) return storeError(r, "UpdateItem (battle)");
  auto back = getBattle(b.id);
  if (back && *back) return {};
  return storeError(r, "UpdateItem (battle)");
}

Result<std::optional<ArenaBattle>> DynamoStore::getBattle(const std::string& id) {
  auto r = client_->call(
      Op::kGetItem,
      getItemRequest(options_.tables.arena, arenaKey(battleKey(id)), options_.consistent_reads));
  if (!r) return storeError(r, "GetItem (battle)");
  auto found = parseGetItem(*r);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<ArenaBattle>();
  ItemReader reader(**found, "arena battle item");
  ArenaBattle b;
  b.id = reader.string("id");
  const std::string topic = reader.stringOr("topic", "");
  if (!topic.empty()) b.topic = topic;
  b.created_at_ms = reader.int64("created_at");
  b.expires_at_ms = reader.int64("expires_at");
  b.a = readSide(reader, "a_");
  b.b = readSide(reader, "b_");
  if (auto st = reader.status(); !st) return std::unexpected(st.error());
  return std::optional<ArenaBattle>(std::move(b));
}

Result<ArenaVoteOutcome> DynamoStore::recordArenaVote(const ArenaVote& v) {
  const std::string key = voteKeyOf(v);
  auto r = client_->call(Op::kUpdateItem,
                         updateItemRequest(createOnly(options_.tables.arena, key, voteItem(v))));
  if (r) return ArenaVoteOutcome{true, v.winner};
  if (r.error().kind != ErrorKind::kConditionFailed && !r.error().ambiguous())
    return storeError(r, "UpdateItem (arena vote)");
  // Whose vote is stored: ours (an applied attempt whose answer was lost) or an earlier one.
  auto back =
      client_->call(Op::kGetItem, getItemRequest(options_.tables.arena, arenaKey(key), true));
  if (!back) return storeError(r.error().ambiguous() ? r : back, "GetItem (arena vote read-back)");
  auto item = parseGetItem(*back);
  if (!item) return std::unexpected(item.error());
  if (!*item) {
    if (r.error().ambiguous()) return storeError(r, "UpdateItem (arena vote)");
    return fail(ErrorCode::kStoreError,
                "arena vote " + key + " exists for UpdateItem but not GetItem");
  }
  auto stored = voteFromItem(**item);
  if (!stored) return std::unexpected(stored.error());
  return ArenaVoteOutcome{stored->id == v.id, stored->winner};
}

Result<std::vector<ArenaVote>> DynamoStore::listArenaVotes() {
  ScanRequest req;
  req.table = options_.tables.arena;
  req.filter = Expression{"#kind = :vote", attributeNames({"kind"}), {{":vote", attrS("vote")}}};
  return scanDecoded<ArenaVote>(std::move(req), voteFromItem, "arena votes");
}

}  // namespace cs::dynamo

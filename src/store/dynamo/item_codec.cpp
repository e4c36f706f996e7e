#include "store/dynamo/item_codec.hpp"

namespace cs::dynamo {

Json sayingKey(const std::string& id) {
  return {{"id", attrS(id)}};
}

Json sayingItem(const Saying& s) {
  // services as a list, not a string set: a set has no order and cannot be empty, and the
  // order is the order the catalog found the services in.
  Json services = Json::array();
  for (const auto& name : s.services) services.push_back(attrS(name));
  Json item = {{"id", attrS(s.id)},
               {"text", attrS(s.text)},
               {"services", {{"L", std::move(services)}}},
               {"model", attrS(s.model)},
               {"provider", attrS(s.provider)},
               {"input_tokens", attrN(s.tokens.input_tokens)},
               {"output_tokens", attrN(s.tokens.output_tokens)},
               {"cost_usd", attrN(s.cost_usd)},
               {"created_at", attrN(s.created_at_ms)},
               {"upvotes", attrN(s.upvotes)},
               {"downvotes", attrN(s.downvotes)}};
  if (s.llm_ms) item["llm_ms"] = attrN(*s.llm_ms);
  return item;
}

Result<Saying> sayingFromItem(const Json& item) {
  ItemReader r(item, "main_humor item");
  Saying s;
  s.id = r.string("id");
  s.text = r.string("text");
  s.services = r.strings("services");
  s.model = r.stringOr("model", "");
  s.provider = r.stringOr("provider", "");
  s.tokens.input_tokens = r.int64Or("input_tokens", 0);
  s.tokens.output_tokens = r.int64Or("output_tokens", 0);
  s.cost_usd = r.doubleOr("cost_usd", 0.0);
  s.llm_ms = r.optDouble("llm_ms");
  s.created_at_ms = r.int64Or("created_at", 0);
  s.upvotes = r.int64Or("upvotes", 0);
  s.downvotes = r.int64Or("downvotes", 0);
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  return s;
}

std::string voteKey(const std::string& saying_id, const std::string& client_key) {
  return saying_id + "#" + client_key;
}

Json feedbackKey(const FeedbackRecord& r) {
  return {{"vote_key", attrS(voteKey(r.saying_id, r.client_key))}};
}

Json feedbackItem(const FeedbackRecord& r) {
  Json item = {{"vote_key", attrS(voteKey(r.saying_id, r.client_key))},
               {"id", attrS(r.id)},
               {"saying_id", attrS(r.saying_id)},
               {"vote", attrS(voteName(r.vote))},
               {"model", attrS(r.model)},
               {"provider", attrS(r.provider)},
               {"client_key", attrS(r.client_key)},
               {"created_at", attrN(r.created_at_ms)}};
  if (r.execution_time) item["execution_time"] = attrN(*r.execution_time);
  if (r.original_llm_time) item["original_llm_time"] = attrN(*r.original_llm_time);
  if (r.is_cached) item["is_cached"] = attrBool(*r.is_cached);
  return item;
}

Result<FeedbackRecord> feedbackFromItem(const Json& item) {
  ItemReader r(item, "saying_feedback item");
  FeedbackRecord f;
  f.id = r.string("id");
  f.saying_id = r.string("saying_id");
  const std::string vote = r.string("vote");
  f.vote = vote == "down" ? Vote::kDown : Vote::kUp;
  f.model = r.stringOr("model", "");
  f.provider = r.stringOr("provider", "");
  f.execution_time = r.optDouble("execution_time");
  f.original_llm_time = r.optDouble("original_llm_time");
  f.is_cached = r.optBool("is_cached");
  f.client_key = r.stringOr("client_key", "");
  f.created_at_ms = r.int64("created_at");
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  if (vote != "up" && vote != "down")
    return fail(ErrorCode::kStoreError,
                "saying_feedback item: vote \"" + vote + "\" is not up or down");
  return f;
}

std::string statsKey(const RequestStatsRow& row) {
  return std::to_string(row.minute_ms) + "#" + row.model + "#" + row.source;
}

UpdateItemRequest statsUpdate(const std::string& table, const RequestStatsRow& row) {
  UpdateItemRequest req;
  req.table = table;
  req.key = {{"stats_key", attrS(statsKey(row))}};
  req.update.text =
      "SET #minute_ms = :minute_ms, #model = :model, #source = :source "
      "ADD #invocations :invocations, #errors :errors, #cache_hits :cache_hits, #tokens :tokens, "
      "#cost_usd :cost_usd, #total_ms :total_ms, #api_calls :api_calls, #api_ms :api_ms";
  req.update.names =
      attributeNames({"minute_ms", "model", "source", "invocations", "errors", "cache_hits",
                      "tokens", "cost_usd", "total_ms", "api_calls", "api_ms"});
  req.update.values = {
      {":minute_ms", attrN(row.minute_ms)}, {":model", attrS(row.model)},
      {":source", attrS(row.source)},       {":invocations", attrN(row.invocations)},
      {":errors", attrN(row.errors)},       {":cache_hits", attrN(row.cache_hits)},
      {":tokens", attrN(row.tokens)},       {":cost_usd", attrN(row.cost_usd)},
      {":total_ms", attrN(row.total_ms)},   {":api_calls", attrN(row.api_calls)},
      {":api_ms", attrN(row.api_ms)}};
  // ADD needs a number: a non-finite double (encoded as NULL) would be rejected, so count it as 0.
  for (auto& [name, value] : req.update.values.items())
    if (value.contains("NULL")) value = attrN(std::int64_t{0});
  return req;
}

Result<RequestStatsRow> statsFromItem(const Json& item) {
  ItemReader r(item, "request_stats item");
  RequestStatsRow row;
  row.minute_ms = r.int64("minute_ms");
  row.model = r.string("model");
  row.source = r.string("source");
  row.invocations = r.int64Or("invocations", 0);
  row.errors = r.int64Or("errors", 0);
  row.cache_hits = r.int64Or("cache_hits", 0);
  row.tokens = r.int64Or("tokens", 0);
  row.cost_usd = r.doubleOr("cost_usd", 0.0);
  row.total_ms = r.doubleOr("total_ms", 0.0);
  row.api_calls = r.int64Or("api_calls", 0);
  row.api_ms = r.doubleOr("api_ms", 0.0);
  if (auto st = r.status(); !st) return std::unexpected(st.error());
  return row;
}

}  // namespace cs::dynamo

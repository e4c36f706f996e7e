#include "store/dynamo/requests.hpp"

#include "core/json_field.hpp"

namespace cs::dynamo {

namespace {
Result<std::vector<Json>> itemList(const Json& response, const char* key, const char* op) {
  std::vector<Json> out;
  auto it = response.find(key);
  if (it == response.end()) return out;
  if (!it->is_array())
    return fail(ErrorCode::kStoreError, std::string(op) + ": " + key + " is not an array");
  for (const auto& item : *it) {
    if (!item.is_object())
      return fail(ErrorCode::kStoreError, std::string(op) + ": an item is not an object");
    out.push_back(item);
  }
  return out;
}

// Builds our own request body: the insertions below never read what DynamoDB sent.
void addExpression(Json& body, const Expression& e, const char* field) {
  body[field] = e.text;
  auto merge = [&body](const char* name, const Json& entries) {
    if (entries.empty()) return;
    auto [it, inserted] = body.emplace(name, Json::object());
    it->update(entries);
  };
  merge("ExpressionAttributeNames", e.names);
  merge("ExpressionAttributeValues", e.values);
}
}  // namespace

Json attributeNames(std::initializer_list<const char*> names) {
  Json out = Json::object();
  for (const char* n : names) out[std::string("#") + n] = n;
  return out;
}

Expression namesOnly(std::string text, std::initializer_list<const char*> names) {
  return Expression{std::move(text), attributeNames(names), Json::object()};
}

Json getItemRequest(const std::string& table, const Json& key, bool consistent_read,
                    const std::optional<Expression>& projection) {
  Json body = {{"TableName", table}, {"Key", key}, {"ConsistentRead", consistent_read}};
  if (projection) addExpression(body, *projection, "ProjectionExpression");
  return body;
}

Result<std::optional<Json>> parseGetItem(const Json& response) {
  auto it = response.find("Item");
  if (it == response.end()) return std::optional<Json>();
  if (!it->is_object()) return fail(ErrorCode::kStoreError, "GetItem: Item is not an object");
  return std::optional<Json>(*it);
}

Json batchGetItemRequest(const std::string& table, const std::vector<Json>& keys,
                         bool consistent_read) {
  return {{"RequestItems", {{table, {{"Keys", keys}, {"ConsistentRead", consistent_read}}}}}};
}

Result<BatchGetResult> parseBatchGetItem(const Json& response, const std::string& table) {
  BatchGetResult out;
  if (auto responses = response.find("Responses"); responses != response.end()) {
    if (!responses->is_object())
      return fail(ErrorCode::kStoreError, "BatchGetItem: Responses is not an object");
    if (auto items = responses->find(table); items != responses->end()) {
      auto list = itemList(*responses, table.c_str(), "BatchGetItem");
      if (!list) return std::unexpected(list.error());
      out.items = std::move(*list);
    }
  }
  if (auto unprocessed = response.find("UnprocessedKeys"); unprocessed != response.end()) {
    if (!unprocessed->is_object())
      return fail(ErrorCode::kStoreError, "BatchGetItem: UnprocessedKeys is not an object");
    if (auto mine = unprocessed->find(table); mine != unprocessed->end()) {
      auto keys = mine->find("Keys");
      if (keys == mine->end() || !keys->is_array())
        return fail(ErrorCode::kStoreError, "BatchGetItem: UnprocessedKeys without a Keys array");
      for (const auto& k : *keys) out.unprocessed_keys.push_back(k);
    }
  }
  return out;
}

Json scanRequest(const ScanRequest& r) {
  Json body = {{"TableName", r.table}};
  if (r.projection) addExpression(body, *r.projection, "ProjectionExpression");
  if (r.filter) addExpression(body, *r.filter, "FilterExpression");
  if (r.limit) body["Limit"] = *r.limit;
  if (r.exclusive_start_key) body["ExclusiveStartKey"] = *r.exclusive_start_key;
  if (r.consistent_read) body["ConsistentRead"] = true;
  return body;
}

Result<ScanPage> parseScan(const Json& response) {
  ScanPage page;
  auto items = itemList(response, "Items", "Scan");
  if (!items) return std::unexpected(items.error());
  page.items = std::move(*items);
  if (auto last = response.find("LastEvaluatedKey"); last != response.end() && !last->is_null()) {
    if (!last->is_object() || last->empty())
      return fail(ErrorCode::kStoreError, "Scan: LastEvaluatedKey is not a key");
    page.last_evaluated_key = *last;
  }
  return page;
}

Json updateItemRequest(const UpdateItemRequest& r) {
  Json body = {{"TableName", r.table}, {"Key", r.key}, {"ReturnValues", r.return_values}};
  addExpression(body, r.update, "UpdateExpression");
  if (r.condition) body["ConditionExpression"] = *r.condition;
  return body;
}

Result<Json> parseUpdateItem(const Json& response) {
  auto it = response.find("Attributes");
  if (it == response.end()) return Json::object();
  if (!it->is_object())
    return fail(ErrorCode::kStoreError, "UpdateItem: Attributes is not an object");
  return *it;
}

Json putItemRequest(const std::string& table, const Json& item,
                    const std::optional<Expression>& condition) {
  Json body = {{"TableName", table}, {"Item", item}};
  if (condition) addExpression(body, *condition, "ConditionExpression");
  return body;
}

Json createTableRequest(const std::string& table, const std::string& hash_key) {
  return {{"TableName", table},
          {"AttributeDefinitions",
           Json::array({{{"AttributeName", hash_key}, {"AttributeType", "S"}}})},
          {"KeySchema", Json::array({{{"AttributeName", hash_key}, {"KeyType", "HASH"}}})},
          {"BillingMode", "PAY_PER_REQUEST"},
          {"SSESpecification", {{"Enabled", true}}}};
}

Json describeTableRequest(const std::string& table) {
  return {{"TableName", table}};
}

Result<std::string> parseTableStatus(const Json& response) {
  // CreateTable answers TableDescription, DescribeTable answers Table.
  for (const char* pointer : {"/Table/TableStatus", "/TableDescription/TableStatus"})
    if (auto status = jsonf::string(response, pointer)) return std::move(*status);
  return fail(ErrorCode::kStoreError, "DescribeTable: no TableStatus in the response");
}

}  // namespace cs::dynamo

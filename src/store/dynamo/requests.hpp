#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/dynamo/attribute_value.hpp"

namespace cs::dynamo {

// Request bodies and response parsers for the DynamoDB JSON protocol (API version 20120810),
// as pure functions: no I/O here, so each one is unit-tested on literal JSON. The operation
// name goes into `X-Amz-Target: DynamoDB_20120810.<Operation>`.

// Expression pieces shared by Scan, UpdateItem and PutItem. Names ("#n": "text") keep
// reserved words (and every attribute we touch) safe; values are AttributeValues.
struct Expression {
  std::string text;
  Json names = Json::object();
  Json values = Json::object();
};

Json getItemRequest(const std::string& table, const Json& key, bool consistent_read,
                    const std::optional<Expression>& projection = std::nullopt);
// The item, or nullopt when no item has that key.
Result<std::optional<Json>> parseGetItem(const Json& response);

// BatchGetItem takes at most 100 keys per call; callers chunk.
constexpr std::size_t kBatchGetMaxKeys = 100;
Json batchGetItemRequest(const std::string& table, const std::vector<Json>& keys,
                         bool consistent_read);
struct BatchGetResult {
  std::vector<Json> items;
  std::vector<Json> unprocessed_keys;  // throttled or over the response size limit: retry them
};
Result<BatchGetResult> parseBatchGetItem(const Json& response, const std::string& table);

struct ScanRequest {
  std::string table;
  std::optional<Expression> projection;  // e.g. {"#id", {"#id": "id"}}: fetch ids only
  std::optional<Expression> filter;
  std::optional<int> limit;                 // items evaluated per page
  std::optional<Json> exclusive_start_key;  // the previous page's LastEvaluatedKey
  bool consistent_read = false;
};
Json scanRequest(const ScanRequest& request);
struct ScanPage {
  std::vector<Json> items;
  std::optional<Json> last_evaluated_key;  // absent on the last page
};
Result<ScanPage> parseScan(const Json& response);

struct UpdateItemRequest {
  std::string table;
  Json key;
  Expression update;                     // e.g. "ADD #c :one"
  std::optional<std::string> condition;  // uses update's names/values
  std::string return_values = "NONE";    // NONE | ALL_NEW | UPDATED_NEW | ALL_OLD | UPDATED_OLD
};
Json updateItemRequest(const UpdateItemRequest& request);
// The returned Attributes (empty object when ReturnValues was NONE).
Result<Json> parseUpdateItem(const Json& response);

Json putItemRequest(const std::string& table, const Json& item,
                    const std::optional<Expression>& condition = std::nullopt);

// A table with one string hash key, billed per request, encrypted at rest.
Json createTableRequest(const std::string& table, const std::string& hash_key);
Json describeTableRequest(const std::string& table);
// Table.TableStatus: CREATING, ACTIVE, UPDATING, DELETING, ...
Result<std::string> parseTableStatus(const Json& response);

// {"#a": "a", ...} for attribute names, so expressions never trip over reserved words.
Json attributeNames(std::initializer_list<const char*> names);
// An expression whose only placeholders are attribute names (#a).
Expression namesOnly(std::string text, std::initializer_list<const char*> names);

}  // namespace cs::dynamo

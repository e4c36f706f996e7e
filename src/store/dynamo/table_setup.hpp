#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/backoff.hpp"
#include "core/error.hpp"
#include "store/dynamo/dynamo_client.hpp"
#include "store/dynamo/dynamo_store.hpp"

namespace cs::dynamo {

struct TableReport {
  std::string table;
  bool created = false;  // false: it existed already
  std::string status;    // the final TableStatus (ACTIVE on success)
};

// The tables the store needs and their hash keys.
struct TableSpec {
  std::string name;
  std::string hash_key;
};
std::vector<TableSpec> tableSpecs(const Tables& tables);

// `cloud-sayings store init`: creates each missing table (PAY_PER_REQUEST, server-side
// encryption on) and waits until every table is ACTIVE. Safe to run twice, and while another
// process runs it too (ResourceInUseException counts as "someone else is creating it").
// `poll` is the wait between DescribeTable calls; `sleeper` does the waiting (tests pass a
// fake that advances a fake clock).
Result<std::vector<TableReport>> ensureTables(DynamoClient& client, const Tables& tables,
                                              std::chrono::milliseconds wait_limit,
                                              std::chrono::milliseconds poll,
                                              const Sleeper& sleeper, const Clock& clock);

}  // namespace cs::dynamo

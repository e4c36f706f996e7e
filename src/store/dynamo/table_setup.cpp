#include "store/dynamo/table_setup.hpp"

#include "obs/logger.hpp"
#include "store/dynamo/requests.hpp"

namespace cs::dynamo {

std::vector<TableSpec> tableSpecs(const Tables& t) {
  return {
      {t.sayings, "id"}, {t.feedback, "vote_key"}, {t.stats, "stats_key"}, {t.arena, "arena_key"}};
}

namespace {
// The table's status, or "" when it does not exist.
Result<std::string> describe(DynamoClient& client, const std::string& table) {
  auto r = client.call(Op::kDescribeTable, describeTableRequest(table));
  if (!r) {
    if (r.error().kind == ErrorKind::kTableNotFound) return std::string();
    return std::unexpected(r.error().toStoreError("DescribeTable " + table));
  }
  return parseTableStatus(*r);
}
}  // namespace

Result<std::vector<TableReport>> ensureTables(DynamoClient& client, const Tables& tables,
                                              std::chrono::milliseconds wait_limit,
                                              std::chrono::milliseconds poll,
                                              const Sleeper& sleeper, const Clock& clock) {
  std::vector<TableReport> reports;
  for (const auto& spec : tableSpecs(tables)) {
    TableReport report{spec.name, false, ""};
    auto status = describe(client, spec.name);
    if (!status) return std::unexpected(status.error());
    if (status->empty()) {
      auto created = client.call(Op::kCreateTable, createTableRequest(spec.name, spec.hash_key));
      if (created) {
        report.created = true;
        obs::log().info("DynamoDB table created",
                        {{"table", spec.name}, {"hash_key", spec.hash_key}});
      } else if (created.error().kind != ErrorKind::kTableInUse) {
        return std::unexpected(created.error().toStoreError("CreateTable " + spec.name));
      }
    }
    report.status = *status;
    reports.push_back(std::move(report));
  }
  // Wait for every table to become ACTIVE (CreateTable returns while it is CREATING).
  const auto deadline = clock.now() + wait_limit;
  for (auto& report : reports) {
    for (;;) {
      auto status = describe(client, report.table);
      if (!status) return std::unexpected(status.error());
      report.status = *status;
      if (report.status == "ACTIVE") break;
      if (clock.now() + poll > deadline)
        return fail(ErrorCode::kStoreUnavailable,
                    "DynamoDB table " + report.table + " is still " +
                        (report.status.empty() ? std::string("missing") : report.status) +
                        " after " + std::to_string(wait_limit.count()) + " ms");
      sleeper(poll);
    }
  }
  return reports;
}

}  // namespace cs::dynamo

#pragma once
#include <functional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "store/dynamo/dynamo_client.hpp"
#include "store/dynamo/dynamo_store.hpp"
#include "store/store.hpp"

namespace cs::app {

// "sqlite:PATH", "sqlite::memory:" or "dynamodb" (settings in [dynamodb]). Throws ConfigError
// for an unknown scheme or missing AWS credentials, std::runtime_error when the store cannot
// be opened.
StorePtr makeStore(const Config& config);

// Reads an environment variable (std::getenv in production; a map in tests).
using EnvLookup = std::function<const char*(const char*)>;
EnvLookup processEnv();

// The DynamoDB client settings: [dynamodb] first, then the AWS SDKs' environment variables
// (AWS_REGION/AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_DYNAMODB/AWS_ENDPOINT_URL), then defaults.
// Credentials only from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
dynamo::ClientOptions dynamoClientOptions(const Config& config, const EnvLookup& env);
dynamo::StoreOptions dynamoStoreOptions(const Config& config);
std::unique_ptr<dynamo::DynamoStore> makeDynamoStore(const Config& config, const EnvLookup& env);

// `cloud-sayings store init`: SQLite opens (creating and migrating the file); DynamoDB creates
// the missing tables and waits until they are ACTIVE. One line per table for the operator.
// Safe to run again.
Result<std::vector<std::string>> initStore(const Config& config);

}  // namespace cs::app

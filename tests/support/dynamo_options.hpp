#pragma once
#include <chrono>

#include "store/dynamo/dynamo_client.hpp"

namespace cs::testing {

// DynamoClient options for the tests against a ScriptedTransport: a fake endpoint and FAKE
// credentials, a 2 s deadline and a backoff of up to 6 attempts (50 ms base, 400 ms cap).
inline dynamo::ClientOptions scriptedDynamoOptions() {
  using std::chrono::milliseconds;
  dynamo::ClientOptions o;
  o.region = "eu-west-1";
  o.endpoint = "http://dynamo.test/";
  o.credentials = {"AKIDFAKEEXAMPLE", "FAKE-secret", ""};
  o.deadline = milliseconds(2'000);
  o.backoff = dynamo::Backoff{6, milliseconds(50), milliseconds(400)};
  return o;
}

}  // namespace cs::testing

#include "fakes/fake_ssm.hpp"

#include <nlohmann/json.hpp>
#include <regex>

namespace cs::testing {
namespace {

http::Response awsError(int status, const std::string& type, const std::string& message) {
  http::Response r;
  r.status = status;
  r.content_type = "application/x-amz-json-1.1";
  r.body = nlohmann::json{{"__type", type}, {"message", message}}.dump();
  return r;
}

}  // namespace

bool FakeSsm::wellFormedSigV4(const std::string& auth, std::string* access_key) {
  static const std::regex re(
      R"(^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]+)/[0-9]{8}/[a-z0-9-]+/ssm/aws4_request, ?)"
      R"(SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$)");
  std::smatch m;
  if (!std::regex_match(auth, m, re)) return false;
  if (access_key) *access_key = m[1];
  return true;
}

void FakeSsm::setParameter(const std::string& name, const std::string& value) {
  std::lock_guard lock(mutex_);
  parameters_[name] = value;
}

void FakeSsm::failNext(int count, int status) {
  std::lock_guard lock(mutex_);
  fail_count_ = count;
  fail_status_ = status;
}

int FakeSsm::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::string FakeSsm::lastCredential() const {
  std::lock_guard lock(mutex_);
  return last_credential_;
}

http::Response FakeSsm::handle(const http::Request& req) {
  std::lock_guard lock(mutex_);
  ++calls_;
  const auto target = req.headers.get("x-amz-target").value_or("");
  if (target != "AmazonSSM.GetParameter")
    return awsError(400, "UnknownOperationException", "unsupported target");
  const auto auth = std::string(req.headers.get("authorization").value_or(""));
  if (auth.empty() || !req.headers.get("x-amz-date"))
    return awsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
  std::string key;
  if (!wellFormedSigV4(auth, &key))
    return awsError(403, "IncompleteSignatureException", "Authorization header is not SigV4");
  last_credential_ = key;
  if (fail_count_ > 0) {
    --fail_count_;
    return awsError(fail_status_, "ThrottlingException", "Rate exceeded");
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.contains("Name") || !body["Name"].is_string())
    return awsError(400, "ValidationException", "Name is required");
  const std::string name = body["Name"];
  auto it = parameters_.find(name);
  if (it == parameters_.end()) return awsError(400, "ParameterNotFound", "");
  const bool decrypt = body.value("WithDecryption", false);
  http::Response r;
  r.content_type = "application/x-amz-json-1.1";
  r.headers.set("x-amzn-RequestId", "fake-ssm-" + std::to_string(calls_));
  r.body = nlohmann::json{{"Parameter",
                           {{"Name", name},
                            {"Type", "SecureString"},
                            {"Value", decrypt ? it->second : std::string("AQICAHENCRYPTEDBLOB==")},
                            {"Version", 1},
                            {"LastModifiedDate", 1.7e9},
                            {"ARN", "arn:aws:ssm:us-east-1:123456789012:parameter" + name},
                            {"DataType", "text"}}}}
               .dump();
  return r;
}

}  // namespace cs::testing

#pragma once
#include <chrono>
#include <map>
#include <string>

#include "net/http_transport.hpp"
#include "secrets/secret_source.hpp"

namespace cs::secrets {

struct SsmOptions {
  std::string region = "us-east-1";
  std::string endpoint;  // empty = https://ssm.{region}.amazonaws.com
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds timeout{5'000};
};

// AWS SSM Parameter Store: AmazonSSM.GetParameter (JSON 1.1) with WithDecryption, signed with
// SigV4 by libcurl. Names map to parameter names, e.g. {"anthropic": "/cloud-sayings/claude"}.
class SsmSource final : public SecretSource {
 public:
  SsmSource(net::HttpTransport& transport, SsmOptions options,
            std::map<std::string, std::string> parameters);
  std::string_view kind() const override { return "ssm"; }
  Result<std::optional<std::string>> fetch(const std::string& name) override;

 private:
  net::HttpTransport& transport_;
  SsmOptions options_;
  std::map<std::string, std::string> parameters_;
};

}  // namespace cs::secrets

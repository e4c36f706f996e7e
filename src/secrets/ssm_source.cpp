#include "secrets/ssm_source.hpp"

#include <nlohmann/json.hpp>

#include "core/json_field.hpp"
#include "core/redact.hpp"

namespace cs::secrets {

SsmSource::SsmSource(net::HttpTransport& transport, SsmOptions options,
                     std::map<std::string, std::string> parameters)
    : transport_(transport), options_(std::move(options)), parameters_(std::move(parameters)) {
  if (options_.region.empty()) options_.region = "us-east-1";
  if (options_.endpoint.empty())
    options_.endpoint = "https://ssm." + options_.region + ".amazonaws.com";
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
    options_.endpoint.pop_back();
  // The AWS credentials are configured secrets too: an echo of them is masked like a key.
  registerSecret(options_.secret_access_key);
  registerSecret(options_.session_token);
}

Result<std::optional<std::string>> SsmSource::fetch(const std::string& name) {
  auto it = parameters_.find(name);
  if (it == parameters_.end() || it->second.empty()) return std::nullopt;
  const std::string& parameter = it->second;
  if (options_.access_key_id.empty() || options_.secret_access_key.empty())
    return fail(ErrorCode::kSsm,
                "SSM parameter " + parameter + " is configured but AWS credentials are not set");
  net::HttpRequest req;
  req.method = "POST";
  req.url = options_.endpoint + "/";
  req.headers = {{"content-type", "application/x-amz-json-1.1"},
                 {"x-amz-target", "AmazonSSM.GetParameter"}};
  req.body = nlohmann::json{{"Name", parameter}, {"WithDecryption", true}}.dump();
  req.connect_timeout = options_.connect_timeout;
  req.total_timeout = options_.timeout;
  req.aws_sigv4 = net::AwsSigV4{"aws:amz:" + options_.region + ":ssm", options_.access_key_id,
                                options_.secret_access_key, options_.session_token};
  auto resp = transport_.sendBlocking(std::move(req));
  if (!resp.ok())
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter + " failed: " +
                                     std::string(net::transportErrorName(resp.error)));
  // SSM's answer is untrusted JSON: read through jsonf only (tests/check_untrusted_json.sh).
  const auto body = jsonf::parse(resp.body);
  if (resp.status != 200) {
    std::string type(body ? jsonf::stringView(*body, "/__type").value_or("") : "");
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if (type == "ParameterNotFound") return std::nullopt;
    type = type.substr(0, 80);
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter + " answered HTTP " +
                                     std::to_string(resp.status) +
                                     (type.empty() ? "" : " " + type));
  }
  auto value = body ? jsonf::string(*body, "/Parameter/Value") : std::nullopt;
  if (!value)
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter +
                                     ": unexpected answer (no Parameter.Value string)");
  if (value->empty()) return std::nullopt;
  return std::move(*value);
}

}  // namespace cs::secrets

#include "secrets/ssm_source.hpp"

#include <nlohmann/json.hpp>

namespace cs::secrets {

SsmSource::SsmSource(net::HttpTransport& transport, SsmOptions options,
                     std::map<std::string, std::string> parameters)
    : transport_(transport), options_(std::move(options)), parameters_(std::move(parameters)) {
  if (options_.region.empty()) options_.region = "us-east-1";
  if (options_.endpoint.empty())
    options_.endpoint = "https://ssm." + options_.region + ".amazonaws.com";
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/')
    options_.endpoint.pop_back();
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
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter +
                           " failed: " + std::string(net::transportErrorName(resp.error)));
  auto body = nlohmann::json::parse(resp.body, nullptr, false);
  if (resp.status != 200) {
    std::string type = body.is_object() ? body.value("__type", "") : "";
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if (type == "ParameterNotFound") return std::nullopt;
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter + " answered HTTP " +
                           std::to_string(resp.status) + (type.empty() ? "" : " " + type));
  }
  if (!body.is_object() || !body.contains("Parameter") || !body["Parameter"].is_object() ||
      !body["Parameter"].contains("Value") || !body["Parameter"]["Value"].is_string())
    return fail(ErrorCode::kSsm, "SSM GetParameter " + parameter + ": unexpected answer");
  std::string value = body["Parameter"]["Value"];
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace cs::secrets

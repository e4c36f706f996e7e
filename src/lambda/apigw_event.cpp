#include "lambda/apigw_event.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/base64.hpp"
#include "core/utf8.hpp"
#include "lambda/json_access.hpp"

namespace cs::lambda {

namespace {
using nlohmann::json;

bool isHttpToken(std::string_view method) {
  if (method.empty() || method.size() > 16) return false;
  for (char c : method)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// Percent-encodes what may not appear raw in a request target. `keep_percent`: the text is
// already encoded (v2 rawPath, rawQueryString), so an existing %XX stays as is.
std::string encodeTarget(std::string_view text, bool keep_percent, bool in_query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    const bool path_char = c == '/' || c == ':' || c == '@' || c == '!' || c == '$' || c == '\'' ||
                           c == '(' || c == ')' || c == '*' || c == ',' || c == ';' ||
                           (!in_query && (c == '&' || c == '=' || c == '+'));
    if (unreserved || path_char || (keep_percent && c == '%')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

void appendQueryPair(std::string& qs, std::string_view key, std::string_view value) {
  if (!qs.empty()) qs.push_back('&');
  qs += encodeTarget(key, false, true);
  qs.push_back('=');
  qs += encodeTarget(value, false, true);
}

// v1: multiValueQueryStringParameters carries every value; queryStringParameters the last.
std::string v1Query(FieldReader& f, const json& event) {
  std::string qs;
  if (const auto* multi =
          f.object(event, "multiValueQueryStringParameters", "multiValueQueryStringParameters")) {
    for (auto it = multi->begin(); it != multi->end(); ++it) {
      if (!it->is_array()) {
        f.note("multiValueQueryStringParameters." + it.key() + ": expected an array");
        return {};
      }
      for (const auto& v : *it)
        if (auto s = f.asString(v, "multiValueQueryStringParameters." + it.key()))
          appendQueryPair(qs, it.key(), *s);
    }
    return qs;
  }
  if (const auto* single = f.object(event, "queryStringParameters", "queryStringParameters"))
    for (auto it = single->begin(); it != single->end(); ++it)
      if (auto s = f.asString(*it, "queryStringParameters." + it.key()))
        appendQueryPair(qs, it.key(), *s);
  return qs;
}

void v1Headers(FieldReader& f, const json& event, http::Headers& out) {
  if (const auto* multi = f.object(event, "multiValueHeaders", "multiValueHeaders")) {
    for (auto it = multi->begin(); it != multi->end(); ++it) {
      if (!it->is_array()) {
        f.note("multiValueHeaders." + it.key() + ": expected an array");
        return;
      }
      for (const auto& v : *it)
        if (auto s = f.asString(v, "multiValueHeaders." + it.key())) out.add(it.key(), *s);
    }
    return;
  }
  if (const auto* single = f.object(event, "headers", "headers"))
    for (auto it = single->begin(); it != single->end(); ++it)
      if (auto s = f.asString(*it, "headers." + it.key())) out.add(it.key(), *s);
}

void readBody(FieldReader& f, const json& event, http::Request& request) {
  const bool encoded = f.boolean(event, "isBase64Encoded", "isBase64Encoded").value_or(false);
  auto body = f.string(event, "body", "body");
  if (!body) return;
  if (encoded) {
    auto decoded = base64Decode(*body);
    if (!decoded) {
      f.note("body: isBase64Encoded is true but the body is not base64");
      return;
    }
    request.body = std::move(*decoded);
  } else {
    request.body = std::move(*body);
  }
}

void readV1(FieldReader& f, const json& event, http::Request& r) {
  r.method = f.string(event, "httpMethod", "httpMethod", true).value_or("");
  const auto path = f.string(event, "path", "path", true).value_or("/");
  if (!f.ok()) return;
  if (!isHttpToken(r.method)) f.note("httpMethod: not an HTTP method");
  if (!path.starts_with('/')) f.note("path: must start with /");
  // v1 `path` is already decoded: encode it (a literal % included) as a client would send it.
  std::string target = encodeTarget(path, false, false);
  if (const auto qs = v1Query(f, event); !qs.empty()) target += "?" + qs;
  r.setTarget(std::move(target));
  v1Headers(f, event, r.headers);
  const auto* context = f.object(event, "requestContext", "requestContext");
  if (context)
    if (const auto* identity = f.object(*context, "identity", "requestContext.identity"))
      r.remote_address =
          f.string(*identity, "sourceIp", "requestContext.identity.sourceIp").value_or("");
  readBody(f, event, r);
}

void readV2(FieldReader& f, const json& event, http::Request& r) {
  const auto* context = f.object(event, "requestContext", "requestContext", true);
  const auto* http = context ? f.object(*context, "http", "requestContext.http", true) : nullptr;
  const auto raw_path = f.string(event, "rawPath", "rawPath", true).value_or("/");
  const auto raw_query = f.string(event, "rawQueryString", "rawQueryString").value_or("");
  if (!http) return;
  r.method = f.string(*http, "method", "requestContext.http.method", true).value_or("");
  r.remote_address = f.string(*http, "sourceIp", "requestContext.http.sourceIp").value_or("");
  if (!f.ok()) return;
  if (!isHttpToken(r.method)) f.note("requestContext.http.method: not an HTTP method");
  if (!raw_path.starts_with('/')) f.note("rawPath: must start with /");
  std::string target = encodeTarget(raw_path, true, false);
  if (!raw_query.empty()) target += "?" + encodeTarget(raw_query, true, false);
  r.setTarget(std::move(target));
  if (const auto* headers = f.object(event, "headers", "headers"))
    for (auto it = headers->begin(); it != headers->end(); ++it)
      if (auto s = f.asString(*it, "headers." + it.key())) r.headers.add(it.key(), *s);
  if (const auto* cookies = f.array(event, "cookies", "cookies")) {
    std::string joined;
    for (const auto& c : *cookies)
      if (auto s = f.asString(c, "cookies")) {
        if (!joined.empty()) joined += "; ";
        joined += *s;
      }
    if (!joined.empty()) r.headers.set("Cookie", std::move(joined));
  }
  readBody(f, event, r);
}

void preferJson(http::Request& r) {
  if (auto accept = r.headers.get("Accept");
      accept && accept->find("text/event-stream") != std::string_view::npos)
    r.headers.set("Accept", "application/json");
}

}  // namespace

std::expected<ApiEvent, EventError> parseApiEvent(std::string_view payload) {
  // Depth-limited and non-throwing (cs::jsonf): an event is untrusted input like any body.
  const auto parsed = jsonf::parse(payload);
  if (!parsed || !parsed->is_object())
    return std::unexpected(
        EventError{false, PayloadFormat::kRestV1, "the event is not a JSON object"});
  const json& event = *parsed;
  const auto version = jsonf::stringView(event, "/version");
  const bool v2 = version == "2.0";
  const bool v1 = !v2 && (jsonf::find(event, "/httpMethod") ||
                          (version == "1.0" && jsonf::find(event, "/requestContext")));
  if (!v1 && !v2)
    return std::unexpected(
        EventError{false, PayloadFormat::kRestV1,
                   "not an API Gateway proxy event (no httpMethod, and version is not \"2.0\")"});
  ApiEvent out;
  out.format = v2 ? PayloadFormat::kHttpV2 : PayloadFormat::kRestV1;
  FieldReader fields;
  if (v2)
    readV2(fields, event, out.request);
  else
    readV1(fields, event, out.request);
  if (!fields.ok()) return std::unexpected(EventError{true, out.format, fields.error()});
  preferJson(out.request);
  return out;
}

bool isTextBody(std::string_view type, std::string_view body) {
  const bool text = type.empty() || type.starts_with("text/") ||
                    type.find("json") != std::string_view::npos ||
                    type.find("javascript") != std::string_view::npos ||
                    type.find("xml") != std::string_view::npos ||
                    type.starts_with("application/x-www-form-urlencoded");
  return text && isValidUtf8(body);
}

std::string proxyResponse(PayloadFormat format, const http::Response& response, bool head) {
  json out = json::object();
  out["statusCode"] = response.status;
  // Names in first-seen order; values in order; Content-Type from the response's own field.
  std::vector<std::pair<std::string, std::vector<std::string>>> headers;
  auto add = [&headers](const std::string& name, const std::string& value) {
    for (auto& [n, values] : headers)
      if (http::iequals(n, name)) {
        values.push_back(value);
        return;
      }
    headers.push_back({name, {value}});
  };
  if (!response.content_type.empty()) add("Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers.all()) add(name, value);

  json single = json::object();
  if (format == PayloadFormat::kRestV1) {
    json multi = json::object();
    for (const auto& [name, values] : headers) {
      if (values.size() == 1)
        single[name] = values.front();
      else
        multi[name] = values;
    }
    out["headers"] = std::move(single);
    if (!multi.empty()) out["multiValueHeaders"] = std::move(multi);
  } else {
    json cookies = json::array();
    for (const auto& [name, values] : headers) {
      if (http::iequals(name, "Set-Cookie")) {
        for (const auto& v : values) cookies.push_back(v);
        continue;
      }
      std::string joined;
      for (const auto& v : values) joined += (joined.empty() ? "" : ", ") + v;
      single[name] = std::move(joined);
    }
    out["headers"] = std::move(single);
    if (!cookies.empty()) out["cookies"] = std::move(cookies);
  }
  const std::string_view body = head ? std::string_view() : std::string_view(response.body);
  const bool text = isTextBody(response.content_type, body);
  out["body"] = text ? std::string(body) : base64Encode(body);
  out["isBase64Encoded"] = !text;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace cs::lambda

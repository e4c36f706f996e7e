// JSON scan: jsonf::scan (the proxy path's DOM-free reader) against jsonf::parse (nlohmann) on
// the same bytes. Finds: a document one accepts and the other refuses (the provider would read
// a body we did not check, or a valid one is turned away), a reported span that does not
// re-parse to the value nlohmann holds for that key, a decoded key or string that differs.
//
// Input: 1 control byte (the depth limit: 1 + byte % 70, so both sides of kMaxDepth), then the
// document.
#include "core/json_scan.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  namespace jsonf = cs::jsonf;
  cs::fuzz::Input in(cs::fuzz::asText(data, size));
  const std::size_t depth = 1 + in.byte() % 70;
  const std::string text = in.rest();
  const auto scanned = jsonf::scan(text, depth);
  const auto parsed = jsonf::parse(text, depth);
  check(scanned.has_value() == parsed.has_value(), "scan accepts exactly what parse accepts");
  if (!parsed) return 0;
  const auto top = jsonf::parse(scanned->raw(scanned->value), depth);
  check(top && *top == *parsed, "the top-level span re-parses to the document");
  check((scanned->kind == jsonf::Kind::kObject) == parsed->is_object(), "the kind is right");
  if (!parsed->is_object()) {
    check(scanned->members.empty(), "only an object has members");
    return 0;
  }
  auto trimmed = [](std::string_view span) {
    return !span.empty() && span.find_first_of(" \t\r\n") != 0 &&
           span.find_last_of(" \t\r\n") != span.size() - 1;
  };
  check(trimmed(scanned->raw(scanned->value)), "the top-level span holds no surrounding space");
  for (const auto& member : scanned->members) {
    check(trimmed(scanned->raw(member.value)), "a member's span holds no surrounding space");
    const auto found = scanned->find(member.key());
    const auto it = parsed->find(std::string(member.key()));
    check(it != parsed->end(), "every reported key is in the DOM");
    const auto value = jsonf::parse(scanned->raw(found.member->value), depth);
    check(value && *value == *it, "the last member's span re-parses to the DOM's value");
    if (found.member->kind == jsonf::Kind::kString)
      check(jsonf::decodeString(scanned->raw(found.member->value)) ==
                *it->get_ptr<const jsonf::Json::string_t*>(),
            "a string decodes as nlohmann decodes it");
  }
  return 0;
}

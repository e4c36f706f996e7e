// DynamoDB JSON decoding: whatever a table (or a broken proxy) hands back, through the
// client's own path: interpretResponse (status + body, depth-limited parse), the operation
// parsers, fromAttributeValue and the item codec. Nothing is caught here. Finds: crashes,
// exceptions (wrong types, deep nesting), UB in number conversion, and decode/encode round
// trips that do not hold (a value read and written back must read the same).
#include "fuzz_support.hpp"
#include "store/dynamo/dynamo_error.hpp"
#include "store/dynamo/item_codec.hpp"
#include "store/dynamo/requests.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  namespace d = cs::dynamo;
  const auto text = cs::fuzz::asText(data, size);
  // An error answer: classified, with a bounded message.
  if (auto e = d::interpretResponse(400, text, "", false); !e)
    check(e.error().message.size() <= 300 && e.error().type.size() <= 300, "bounded error");
  const auto answer = d::interpretResponse(200, text, "", false);
  if (!answer) return 0;
  const d::Json& j = *answer;
  // The operation parsers over the same answer, then each item they yield.
  std::vector<d::Json> items;
  if (auto page = d::parseScan(j)) items = page->items;
  if (auto got = d::parseGetItem(j); got && *got) items.push_back(**got);
  if (auto batch = d::parseBatchGetItem(j, "t"))
    items.insert(items.end(), batch->items.begin(), batch->items.end());
  (void)d::parseUpdateItem(j);
  (void)d::parseTableStatus(j);
  for (const auto& item : items) {
    (void)d::sayingFromItem(item);
    (void)d::feedbackFromItem(item);
    (void)d::statsFromItem(item);
  }

  if (auto plain = d::fromAttributeValue(j)) {
    const auto again = d::fromAttributeValue(d::toAttributeValue(*plain));
    check(again && *again == *plain, "fromAttributeValue(toAttributeValue(x)) == x");
  }
  // Decoding is a fixed point after one encode: read, write, read again gives the same item.
  if (auto s = d::sayingFromItem(j)) {
    const auto item = d::sayingItem(*s);
    const auto s2 = d::sayingFromItem(item);
    check(s2 && d::sayingItem(*s2) == item, "saying item round trip");
  }
  if (auto f = d::feedbackFromItem(j)) {
    const auto item = d::feedbackItem(*f);
    const auto f2 = d::feedbackFromItem(item);
    check(f2 && d::feedbackItem(*f2) == item, "feedback item round trip");
  }
  if (auto r = d::statsFromItem(j)) {
    // The row as the UpdateItem stores it (":name" values become attributes), read back.
    const auto values = d::statsUpdate("t", *r).update.values;
    d::Json item = d::Json::object();
    for (const auto& [name, value] : values.items()) item[name.substr(1)] = value;
    const auto r2 = d::statsFromItem(item);
    check(r2 && d::statsUpdate("t", *r2).update.values == values, "stats row round trip");
  }
  return 0;
}

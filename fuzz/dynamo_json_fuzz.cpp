// DynamoDB JSON decoding: whatever a table (or a broken proxy) hands back, through
// fromAttributeValue and the item codec. Finds: crashes, UB in number conversion, and
// decode/encode round trips that do not hold (a value read and written back must read the same).
#include "fuzz_support.hpp"
#include "store/dynamo/item_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  namespace d = cs::dynamo;
  const auto j = d::Json::parse(cs::fuzz::asText(data, size), nullptr, false);
  if (j.is_discarded()) return 0;

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

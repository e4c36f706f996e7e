// Untrusted text through the scanners that replaced std::regex (redaction, the batch parser)
// and the cost arithmetic: huge or adversarial inputs are parsed or rejected, never a crash.
// No timing is asserted; a quadratic or recursive scanner shows up as a stack overflow or a
// test that never ends under the CTest timeout.
#include <gtest/gtest.h>

#include <limits>

#include "core/redact.hpp"
#include "llm/batch_parser.hpp"
#include "llm/cost.hpp"

namespace cs {
namespace {

TEST(LinearRedact, HugeInputsAreCappedAndScanned) {
  // The 30 KB Content-Type that overflowed std::regex's recursion, and other worst cases.
  for (const std::string& text :
       {std::string(30'000, 'a'), "text/" + std::string(30'000, ' ') + "json",
        std::string(100'000, '/'), "https://" + std::string(50'000, 'u'),
        "password=" + std::string(50'000, ' '), std::string(60'000, 'k') + "sk-", [] {
          std::string s;
          while (s.size() < 200'000) s += "x-api-key: https://a@b?c sk-abcd AKIA ";
          return s;
        }()}) {
    const auto out = redact(text);
    EXPECT_LE(out.size(), kRedactMaxInput + 64) << text.substr(0, 40);
    EXPECT_TRUE(out.ends_with("[truncated]")) << text.substr(0, 40);
  }
  // A long opaque run is still masked once capped.
  EXPECT_EQ(redact(std::string(5000, 'a')), "[redacted][truncated]");
}

TEST(LinearRedact, TheCapNeverSplitsAUtf8Character) {
  std::string text(kRedactMaxInput - 1, ' ');
  text += "\xC3\xA9 tail";  // é straddles the cap
  const auto out = redact(text);
  EXPECT_EQ(out, std::string(kRedactMaxInput - 1, ' ') + "[truncated]");
}

TEST(LinearRedact, RegisteredSecretsAreMaskedInAnyPiece) {
  const std::string key = "zzFAKEregistryQw3Er5Ty7";  // no pattern would catch it
  EXPECT_EQ(redact("key " + key + " bad"), "key " + key + " bad");
  registerSecret(key);
  EXPECT_EQ(redact("key " + key + " bad"), "key [redacted] bad");
  EXPECT_EQ(redact("cut: " + key.substr(5, 9) + "."), "cut: [redacted].");
  EXPECT_EQ(redact("short: " + key.substr(5, 7) + "."), "short: " + key.substr(5, 7) + ".");
  registerSecret("short7c");  // under 8 characters: ignored, ordinary words stay
  EXPECT_EQ(redact("a short7c word"), "a short7c word");
}

TEST(LinearRedact, SameAnswersAsThePatternsForEdgeCases) {
  EXPECT_EQ(redact("password: \"\""), "password:[redacted]\"\"");
  EXPECT_EQ(redact("api_key=abc&x=1"), "api_key=[redacted]&x=1");
  EXPECT_EQ(redact("APIKEY : 'v'"), "APIKEY : '[redacted]'");
  EXPECT_EQ(redact("1http://h/p?q"), "1http://h/p?[redacted]");
  EXPECT_EQ(redact("a ://b"), "a ://b");
  EXPECT_EQ(redact("xAKIAIOSFODNN7EXAMPLE"), "xAKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(redact("sk-abc sk-abcd"), "sk-abc [redacted]");
}

TEST(LinearBatchParser, SixtyThousandSpacesInASaying) {
  const std::string spaces(60'000, ' ');
  const std::string text = "1. Amazon S3 is like a closet" + spaces +
                           "with shelves for every sweater.\n2. AWS Lambda is like a butler "
                           "who only works when the doorbell rings.\n";
  const auto sayings = llm::parseSayings(text);
  // The spaced one is far over max_chars: rejected; the other parsed.
  ASSERT_EQ(sayings.size(), 1u);
  EXPECT_TRUE(sayings[0].starts_with("AWS Lambda")) << sayings[0];
  EXPECT_TRUE(llm::parseSayings(spaces).empty());
  EXPECT_TRUE(llm::parseSayings("1." + spaces).empty());
  EXPECT_TRUE(llm::parseSayings("-" + spaces + "x").empty());
}

TEST(LinearBatchParser, AMegabyteOfAdversarialText) {
  const std::size_t mb = 1 << 20;
  std::vector<std::string> inputs = {
      std::string(mb, '"'),  std::string(mb, '*'), std::string(mb, '['),      std::string(mb, '{'),
      std::string(mb, '\n'), std::string(mb, '1'), std::string(mb, ' ') + "x"};
  std::string lines, quoted, markers;
  while (lines.size() < mb) lines += "1. 2. 3. saying 4: #5) - * + ";
  while (quoted.size() < mb) quoted += "\"**_`'";
  while (markers.size() < mb) markers += "12.\n- \n```\n";
  inputs.push_back(lines);
  inputs.push_back("\"" + quoted + "\"");
  inputs.push_back(markers);
  inputs.push_back("[" + std::string(mb, ' ') + "]");
  for (const auto& text : inputs) {
    const auto sayings = llm::parseSayings(text);
    for (const auto& s : sayings) EXPECT_LE(s.size(), 400u);
  }
  // A valid saying after a megabyte of noise lines is still found.
  std::string noisy(mb, '\n');
  noisy += "- Amazon SQS is like a post office that sometimes delivers a letter twice.\n";
  EXPECT_EQ(llm::parseSayings(noisy).size(), 1u);
}

TEST(LinearBatchParser, MarkersParseAsThePatternDid) {
  const auto s = llm::parseSayings(
      "Saying 1: Amazon S3 is like a closet with a shelf for every sweater.\n"
      "#2) AWS Lambda is like a butler who only works when the doorbell rings.\n"
      "\xE2\x80\xA2 Amazon SQS is like a post office that delivers letters twice.\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[0].starts_with("Amazon S3"));
  EXPECT_TRUE(s[1].starts_with("AWS Lambda"));
  EXPECT_TRUE(s[2].starts_with("Amazon SQS"));
  // 123. is not a list marker (1 or 2 digits only): the line stays prose.
  EXPECT_EQ(llm::parseSayings("123. Amazon S3 is like a closet with many shelves.")[0],
            "123. Amazon S3 is like a closet with many shelves.");
}

TEST(CostBounds, SpendIsNeverNegativeNanOrWrapped) {
  llm::ModelInfo m;
  m.input_cost_per_token = 5e-6;
  m.output_cost_per_token = 2.5e-5;
  for (std::int64_t tokens : {std::int64_t{-1'000'000'000}, INT64_MIN, INT64_MAX}) {
    Usage u;
    u.input_tokens = tokens;
    u.output_tokens = tokens;
    const double cost = llm::callCost(m, u);
    EXPECT_GE(cost, 0.0);
    EXPECT_LE(cost, 1e9 * 3e-5 + 1);
    for (const auto& s : llm::splitCall(m, u, {"a", "b", "c"})) {
      EXPECT_GE(s.tokens.input_tokens, 0);
      EXPECT_GE(s.cost_usd, 0.0);
    }
  }
  m.input_cost_per_token = std::numeric_limits<double>::quiet_NaN();
  m.output_cost_per_token = -1;
  Usage u;
  u.input_tokens = 10;
  u.output_tokens = 10;
  EXPECT_EQ(llm::callCost(m, u), 0.0);
}

}  // namespace
}  // namespace cs

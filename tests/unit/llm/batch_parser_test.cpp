// Batch parsing of real model output.
#include <gtest/gtest.h>

#include <limits>

#include "llm/batch_parser.hpp"

namespace cs::llm {
namespace {

const std::string kA = "Amazon S3 is like a bottomless closet that never fills up.";

const std::string kB = "AWS Lambda is like a taxi: you only pay for the ride.";

const std::string kC = "Amazon SQS is like a deli ticket machine for your messages.";

TEST(BatchParser, NumberedList) {
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kB + "\n3. " + kC), (std::vector{kA, kB, kC}));
  EXPECT_EQ(parseSayings("1) " + kA + "\n2) " + kB), (std::vector{kA, kB}));
}

TEST(BatchParser, BulletsQuotesBoldAndProse) {
  const std::string text = "Here are three sayings about cloud services:\n\n- \"" + kA +
                           "\"\n* **" + kB + "**\n\xE2\x80\xA2 \xE2\x80\x9C" + kC +
                           "\xE2\x80\x9D\n\nI hope these bring a smile!";
  EXPECT_EQ(parseSayings(text), (std::vector{kA, kB, kC}));
}

TEST(BatchParser, CodeFenceAndJsonArray) {
  EXPECT_EQ(parseSayings("```\n1. " + kA + "\n2. " + kB + "\n```"), (std::vector{kA, kB}));
  EXPECT_EQ(parseSayings("```json\n[\"" + kA + "\", \"" + kB + "\"]\n```"), (std::vector{kA, kB}));
  EXPECT_EQ(parseSayings(R"({"sayings":[{"text":")" + kC + "\"}]}"), (std::vector{kC}));
}

TEST(BatchParser, PlainLinesWithoutMarkers) {
  EXPECT_EQ(parseSayings("Sure! Here you go:\n" + kA + "\n" + kB + "\nEnjoy these!"),
            (std::vector{kA, kB}));
}

TEST(BatchParser, ContinuationLinesJoinTheirItem) {
  EXPECT_EQ(
      parseSayings("1. Amazon S3 is like a bottomless closet\nthat never fills up.\n2. " + kB),
      (std::vector{kA, kB}));
}

TEST(BatchParser, RejectsJunk) {
  EXPECT_TRUE(parseSayings("").empty());
  EXPECT_TRUE(parseSayings("   \n\n  ").empty());
  EXPECT_TRUE(parseSayings("1. Too short\n2. ***\n3. 12345 67890 11111 22222 33333").empty());
  EXPECT_TRUE(parseSayings("1. " + std::string(500, 'x') + " y z w v").empty());
  EXPECT_TRUE(parseSayings("Here are three sayings about the cloud:").empty());
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kA + "\n3. " + kB),
            (std::vector{kA, kB}));  // duplicates
  EXPECT_EQ(parseSayings("1. " + kA + "\n2. " + kB + "\n3. " + kC + "\n4. " + kA + " again",
                         {.max_count = 2}),
            (std::vector{kA, kB}));
}

}  // namespace
}  // namespace cs::llm

namespace cs {
namespace {

// Untrusted text through the batch parser that replaced std::regex: huge or adversarial
// inputs are parsed or rejected, never a crash. No timing is asserted; a quadratic or recursive
// scanner shows up as a stack overflow or a test that never ends under the CTest timeout.

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

}  // namespace
}  // namespace cs

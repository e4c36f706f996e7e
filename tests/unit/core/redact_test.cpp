// cs::redact: what may reach a log line or a client once scrubbed.
#include <gtest/gtest.h>

#include <limits>

#include "core/redact.hpp"
#include "obs/logger.hpp"

namespace cs {
namespace {

TEST(Redact, UrlUserinfoAndQueryStringsGo) {
  EXPECT_EQ(redact("GET https://user:hunter2@proxy.example.com:8080/v1/messages failed"),
            "GET https://[redacted]@proxy.example.com:8080/v1/messages failed");
  EXPECT_EQ(redact("url=https://s3.amazonaws.com/b/k?X-Amz-Signature=abc&X-Amz-Credential=AK"),
            "url=https://s3.amazonaws.com/b/k?[redacted]");
  EXPECT_EQ(redact("\"http://127.0.0.1:1/chat/completions?api_key=x\" refused"),
            "\"http://127.0.0.1:1/chat/completions?[redacted]\" refused");
  // Hosts and paths are what an operator needs: they stay.
  EXPECT_EQ(redact("Failed to connect to api.openai.com port 443 after 3 ms: Connection refused"),
            "Failed to connect to api.openai.com port 443 after 3 ms: Connection refused");
  EXPECT_EQ(redact("https://api.anthropic.com/v1/messages"),
            "https://api.anthropic.com/v1/messages");
}

TEST(Redact, CredentialFieldValuesGo) {
  EXPECT_EQ(redact("Authorization: Bearer abc.def"), "Authorization: [redacted]");
  EXPECT_EQ(redact("{\"x-api-key\":\"anything-at-all\",\"model\":\"m\"}"),
            "{\"x-api-key\":\"[redacted]\",\"model\":\"m\"}");
  EXPECT_EQ(redact("authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1"),
            "authorization=[redacted]");
  EXPECT_EQ(redact("X-Amz-Security-Token: FQoGZXIvYXdzEJr"), "X-Amz-Security-Token: [redacted]");
  EXPECT_EQ(redact("password=swordfish&user=bob"), "password=[redacted]&user=bob");
  EXPECT_EQ(redact("the password is wrong"), "the password is wrong");  // prose, no value
}

TEST(Redact, KeyLikeTokensGo) {
  EXPECT_EQ(redact("key sk-ant-api03-abcdefgh is bad"), "key [redacted] is bad");
  EXPECT_EQ(redact("Incorrect API key provided: sk-test-****************FAKE."),
            "Incorrect API key provided: [redacted].");
  EXPECT_EQ(redact("id AKIAIOSFODNN7EXAMPLE denied"), "id [redacted] denied");
  EXPECT_EQ(redact("opaque 0123456789abcdefghijABCDEFGHIJ0123 token"), "opaque [redacted] token");
  EXPECT_EQ(redact("short words stay, ids like req_fake12 too"),
            "short words stay, ids like req_fake12 too");
  EXPECT_EQ(redact(""), "");
}

TEST(Redact, TheLoggerScrubsErrorMessageFields) {
  std::string written;
  {
    obs::Logger logger(obs::Level::kInfo, [&](std::string_view lines) { written += lines; });
    logger.warn("Upstream failed",
                {{"error_message", "POST https://u:p@h.example/x?k=v: key sk-test-FAKE-123456"},
                 {"model", "gpt-4.1"}});
    logger.flush();
  }
  EXPECT_EQ(written.find("u:p@"), std::string::npos) << written;
  EXPECT_EQ(written.find("k=v"), std::string::npos) << written;
  EXPECT_EQ(written.find("sk-test-FAKE"), std::string::npos) << written;
  EXPECT_NE(written.find("https://[redacted]@h.example/x?[redacted]"), std::string::npos)
      << written;
  EXPECT_NE(written.find("gpt-4.1"), std::string::npos);
}

TEST(Redact, TheLoggerScrubsEveryFieldThatCarriesForeignText) {
  std::string written;
  {
    obs::Logger logger(obs::Level::kInfo, [&](std::string_view lines) { written += lines; });
    logger.error("Store failed", {{"url", "https://u1:p1@dynamo.example/?X-Amz-Signature=abc"},
                                  {"endpoint", "http://u2:p2@ssm.example"},
                                  {"detail", "x-api-key: sk-ant-test-FAKE-detail"},
                                  {"upstream_message", "Bearer sk-test-FAKE-upstream"},
                                  {"request_id", "0123456789abcdef0123456789abcdef"}});
    logger.flush();
  }
  for (auto part : {"u1:p1", "X-Amz-Signature", "u2:p2", "FAKE-detail", "FAKE-upstream"})
    EXPECT_EQ(written.find(part), std::string::npos) << part << " in " << written;
  // Ids are ours and needed to follow a request: not masked although long and opaque.
  EXPECT_NE(written.find("0123456789abcdef0123456789abcdef"), std::string::npos) << written;
}

// Untrusted text through the redaction scanner that replaced std::regex: huge or adversarial
// inputs are scrubbed, never a crash. No timing is asserted; a quadratic or recursive scanner
// shows up as a stack overflow or a test that never ends under the CTest timeout.

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

}  // namespace
}  // namespace cs

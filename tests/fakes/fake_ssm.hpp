#pragma once
#include <map>
#include <mutex>
#include <string>

#include "http/message.hpp"

namespace cs::testing {

// A fake of AWS SSM Parameter Store's GetParameter (JSON 1.1 protocol: POST /,
// X-Amz-Target: AmazonSSM.GetParameter). It rejects requests without a well-formed SigV4
// Authorization header and returns SecureString values only when WithDecryption is true.
class FakeSsm {
 public:
  void setParameter(const std::string& name, const std::string& value);
  void failNext(int count, int status);  // the next `count` calls answer `status` (throttling)
  http::Response handle(const http::Request& req);
  int calls() const;
  std::string lastCredential() const;  // access key id the last signed request used

  // True when `auth` is "AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/REGION/ssm/aws4_request,
  // SignedHeaders=a;b, Signature=<64 hex>".
  static bool wellFormedSigV4(const std::string& auth, std::string* access_key = nullptr);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> parameters_;
  int calls_ = 0;
  int fail_count_ = 0;
  int fail_status_ = 500;
  std::string last_credential_;
};

}  // namespace cs::testing

#pragma once
#include <chrono>
#include <string>

namespace cs::testing {

// A plain TCP client for tests that must misbehave on purpose (slow headers, pipelining,
// hogging connections), which an HTTP library would never do.
class RawClient {
 public:
  explicit RawClient(int port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False once the peer has closed or reset the connection.
  bool send(const std::string& bytes);
  // Reads what arrives within `wait`; sets closed() when the peer ends the connection.
  std::string receive(std::chrono::milliseconds wait);
  // Reads until what arrived contains `marker` (or the peer closes, or `wait` passes).
  std::string receiveUntil(const std::string& marker, std::chrono::milliseconds wait);
  // Reads until the peer closes (or `limit` passes); everything received.
  std::string receiveUntilClosed(std::chrono::milliseconds limit);
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

}  // namespace cs::testing

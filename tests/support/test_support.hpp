#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace cs::testing {

// A fresh directory under /tmp, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct HttpResult {
  long status = 0;  // 0 = transport failure
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string error;
};

// One blocking HTTP request with libcurl (a real client on a real socket).
HttpResult httpRequest(const std::string& method, const std::string& url,
                       const std::string& body = {}, const std::vector<std::string>& headers = {},
                       long timeout_ms = 10'000);

// The real `cloud-sayings` binary as a child process; stdout/stderr go to a log file.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `cloud-sayings serve --host 127.0.0.1 --port 0 <args>` and waits until it logs
  // the port it listens on. False if it exited or did not come up in time. Adds
  // "--rate-limit off" unless args say "--rate-limit" themselves (all tests share 127.0.0.1).
  bool start(const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env = {},
             std::chrono::milliseconds wait = std::chrono::seconds(20));
  int port() const { return port_; }
  std::string url(const std::string& path) const;
  // Sends `signo` and waits for the exit; returns the exit code (or 128+signal).
  int stop(int signo = 15, std::chrono::milliseconds wait = std::chrono::seconds(20));
  bool running() const { return pid_ > 0; }
  std::string logs() const;
  std::vector<std::string> logLines() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// Runs the binary with args to completion; returns the exit code and captured output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult runBinary(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {});

// POST /api/feedback as client `client` (X-Client-Id): one vote per client and saying counts.
HttpResult postVote(const ServerProcess& server, const std::string& saying_id,
                    const std::string& vote, const std::string& client);

// Expects every id in `acknowledged` (votes answered 201) among the votes `store` holds, and
// returns the ids it holds so a caller can check more (e.g. that no refused vote got in).
std::set<std::string> expectAcknowledgedVotesStored(Store& store,
                                                    const std::set<std::string>& acknowledged);

// One series' value in Prometheus text: `series` is the name with its labels exactly as
// rendered (`cloudsayings_circuit_open{model="gpt-4.1"}`); nullopt when absent.
std::optional<double> metricValue(const std::string& prometheus_text, const std::string& series);

// The four default models of config/models.toml, in catalog order.
extern const std::vector<std::string> kDefaultModels;

// Polls `done` every 20 ms until it holds (true) or `cap` passes (false).
bool waitFor(const std::function<bool()>& done,
             std::chrono::seconds cap = std::chrono::seconds(30));

std::string binaryPath();
std::string sourceDir();

}  // namespace cs::testing

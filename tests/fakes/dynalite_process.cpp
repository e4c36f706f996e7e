#include "fakes/dynalite_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "net/curl_transport.hpp"
#include "store/dynamo/table_setup.hpp"
#include "support/test_support.hpp"

namespace cs::testing {

namespace fs = std::filesystem;

DynaliteProcess::~DynaliteProcess() {
  stop();
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

bool DynaliteProcess::start(std::chrono::milliseconds wait) {
  const std::string script = sourceDir() + "/tests/node/dynalite-server.js";
  if (!fs::exists(sourceDir() + "/tests/node/node_modules/dynalite/package.json")) {
    why_ =
        "tests/node/node_modules/dynalite is missing: run scripts/setup.sh (npm ci in tests/node)";
    return false;
  }
  static std::atomic<int> counter{0};
  log_path_ = (fs::temp_directory_path() / ("cs-dynalite-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter++) + ".log"))
                  .string();
  // A file left by an earlier process with the same PID would show its stale port before the
  // child truncates it (see ServerProcess::start): start from no file.
  std::error_code ignored;
  fs::remove(log_path_, ignored);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    why_ = "pipe failed";
    return false;
  }
  // Everything the child needs is built before fork: after it only exec-safe calls.
  std::vector<std::string> args = {"node", script, "--watch-stdin", "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fds[0], 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execvp("node", argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  stdin_fd_ = fds[1];
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (auto at = text.find("DYNALITE_PORT=");
        at != std::string::npos && text.find('\n', at) != std::string::npos) {
      port_ = std::stoi(text.substr(at + 14));
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why_ = "dynalite exited at start: " + text.substr(0, 2000);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  why_ = "dynalite did not report its port in time";
  stop();
  return false;
}

void DynaliteProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }
  if (stdin_fd_ >= 0) {
    ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
}

dynamo::ClientOptions dynaliteClientOptions(const DynaliteProcess& dynalite) {
  dynamo::ClientOptions o;
  o.region = "us-east-1";
  o.endpoint = dynalite.endpoint();
  o.credentials = {"AKIDFAKEEXAMPLE", "FAKE-dynalite-secret", ""};
  o.attempt_timeout = std::chrono::milliseconds(10'000);
  o.deadline = std::chrono::milliseconds(20'000);
  return o;
}

dynamo::Tables uniqueTables() {
  // Built with append, not operator+ on a temporary: GCC 12 at -O3 raises a false
  // -Wrestrict on "literal" + std::string&&.
  std::string prefix = "t";
  prefix.append(randomId(), 0, 10).append("_");
  return {prefix + "main_humor", prefix + "saying_feedback", prefix + "request_stats",
          prefix + "arena"};
}

std::unique_ptr<dynamo::DynamoStore> makeDynaliteStore(const DynaliteProcess& dynalite,
                                                       const dynamo::Tables& tables,
                                                       int scan_page_limit,
                                                       net::HttpTransportPtr transport) {
  dynamo::StoreOptions options;
  options.tables = tables;
  options.scan_page_limit = scan_page_limit;
  if (!transport) transport = std::make_unique<net::CurlTransport>();
  auto store = std::make_unique<dynamo::DynamoStore>(std::move(transport),
                                                     dynaliteClientOptions(dynalite), options);
  auto ready = dynamo::ensureTables(
      store->client(), tables, std::chrono::seconds(10), std::chrono::milliseconds(20),
      [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }, SystemClock::instance());
  if (!ready) throw std::runtime_error("dynalite tables: " + ready.error().message);
  return store;
}

}  // namespace cs::testing

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace cs::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("cs-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {
size_t writeBody(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}
size_t writeHeader(char* ptr, size_t size, size_t n, void* user) {
  std::string line(ptr, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}
}  // namespace

HttpResult httpRequest(const std::string& method, const std::string& url, const std::string& body,
                       const std::vector<std::string>& headers, long timeout_ms) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, writeHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  else
    result.error = curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

std::string binaryPath() {
  if (const char* env = std::getenv("CS_BINARY")) return env;
#ifdef CS_BINARY
  return CS_BINARY;
#else
  return "build/release/cloud-sayings";
#endif
}

std::string sourceDir() {
  return CS_SOURCE_DIR;
}

namespace {
pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, 1);
  ::dup2(fd, 2);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  std::string bin = binaryPath();
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(bin.c_str(), argv.data());
  ::_exit(127);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int waitExit(pid_t pid, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}
}  // namespace

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL, std::chrono::seconds(5));
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

bool ServerProcess::start(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds wait) {
  static std::atomic<int> counter{0};
  log_path_ = (fs::temp_directory_path() / ("cs-server-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter++) + ".log"))
                  .string();
  std::vector<std::string> full = {"serve", "--host", "127.0.0.1", "--port", "0"};
  full.insert(full.end(), args.begin(), args.end());
  // Every test client is 127.0.0.1, so per-client limits would couple unrelated tests; tests
  // of the limiter itself pass "--rate-limit on".
  if (std::find(args.begin(), args.end(), "--rate-limit") == args.end())
    full.insert(full.end(), {"--rate-limit", "off"});
  // PIDs are reused across test processes, so a file of this name may be left from an earlier
  // run; the child truncates it only after the fork, and reading a stale "Server listening"
  // line first would hand the test another server's (dead) port. Start from no file.
  std::error_code ignored;
  fs::remove(log_path_, ignored);
  pid_ = spawn(full, env, log_path_);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = readFile(log_path_);
    const auto at = text.find("\"message\":\"Server listening\"");
    if (at != std::string::npos) {
      const auto p = text.find("\"port\":", at);
      if (p != std::string::npos) {
        port_ = std::stoi(text.substr(p + 7));
        return true;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string ServerProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

int ServerProcess::stop(int signo, std::chrono::milliseconds wait) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signo);
  const int code = waitExit(pid_, wait);
  pid_ = -1;
  return code;
}

std::string ServerProcess::logs() const {
  // The server writes info lines in batches (up to 25 ms late, obs/logger.hpp): wait until the
  // file has stopped growing for 60 ms (at most 2 s), so a line logged before this call is in.
  std::string text = readFile(log_path_);
  for (int quiet = 0, rounds = 0; quiet < 2 && rounds < 40; ++rounds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::string again = readFile(log_path_);
    quiet = again.size() == text.size() ? quiet + 1 : 0;
    text = std::move(again);
  }
  return text;
}

std::vector<std::string> ServerProcess::logLines() const {
  std::vector<std::string> lines;
  std::stringstream ss(logs());
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

CommandResult runBinary(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string log = dir.file("out.log");
  const pid_t pid = spawn(args, env, log);
  CommandResult r;
  r.exit_code = waitExit(pid, std::chrono::seconds(60));
  r.output = readFile(log);
  return r;
}

HttpResult postVote(const ServerProcess& server, const std::string& saying_id,
                    const std::string& vote, const std::string& client) {
  return httpRequest(
      "POST", server.url("/api/feedback"),
      R"({"saying_id":")" + saying_id + R"(","vote":")" + vote + R"(","execution_time":420})",
      {"Content-Type: application/json", "X-Client-Id: " + client});
}

std::set<std::string> expectAcknowledgedVotesStored(Store& store,
                                                    const std::set<std::string>& acknowledged) {
  std::set<std::string> stored;
  auto votes = store.listFeedback({});
  if (!votes) {
    ADD_FAILURE() << "listing the stored votes failed: " << votes.error().message;
    return stored;
  }
  for (const auto& v : *votes) stored.insert(v.id);
  for (const auto& id : acknowledged)
    EXPECT_TRUE(stored.contains(id)) << "lost acknowledged vote " << id;
  return stored;
}

std::optional<double> metricValue(const std::string& prometheus_text, const std::string& series) {
  std::istringstream lines(prometheus_text);
  std::string line;
  while (std::getline(lines, line))
    if (line.size() > series.size() + 1 && line.starts_with(series) && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

const std::vector<std::string> kDefaultModels = {"claude-haiku-4-5", "claude-sonnet-4-5", "gpt-4.1",
                                                 "gpt-4.1-mini"};

bool waitFor(const std::function<bool()>& done, std::chrono::seconds cap) {
  const auto until = std::chrono::steady_clock::now() + cap;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace cs::testing

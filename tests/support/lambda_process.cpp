#include "support/lambda_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace cs::testing {

LambdaProcess::~LambdaProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

bool LambdaProcess::start(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  log_path_ = (std::filesystem::temp_directory_path() / ("cs-lambda-" + std::to_string(::getpid()) +
                                                         "-" + std::to_string(counter++) + ".log"))
                  .string();
  std::vector<std::string> args = argv, vars;
  for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
  std::vector<char*> c_args, c_vars;
  for (auto& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  for (auto& v : vars) c_vars.push_back(v.data());
  c_vars.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execve(c_args[0], c_args.data(), c_vars.data());
    ::_exit(127);
  }
  return true;
}

int LambdaProcess::wait(std::chrono::milliseconds cap) {
  if (pid_ <= 0) return -1;
  const auto until = std::chrono::steady_clock::now() + cap;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

std::string LambdaProcess::logs() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cs::testing

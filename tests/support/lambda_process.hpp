#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace cs::testing {

// A child process with exactly the environment given (nothing inherited, as Lambda starts a
// runtime), stdout and stderr in a log file. For `cloud-sayings lambda` and the packaged
// bootstrap.
class LambdaProcess {
 public:
  LambdaProcess() = default;
  ~LambdaProcess();  // kills a child still running
  LambdaProcess(const LambdaProcess&) = delete;
  LambdaProcess& operator=(const LambdaProcess&) = delete;

  // argv[0] is the program's path.
  bool start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  // Waits for the exit (up to `cap`, then SIGKILL); the exit code or 128+signal, -1 if none.
  int wait(std::chrono::milliseconds cap = std::chrono::seconds(30));
  pid_t pid() const { return pid_; }
  std::string logs() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

}  // namespace cs::testing

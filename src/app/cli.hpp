#pragma once
#include <string>
#include <vector>

namespace cs::app {

// Runs the command line; returns the process exit code (0 ok, 1 runtime failure, 2 bad usage
// or configuration).
int runCli(int argc, char** argv);

}  // namespace cs::app

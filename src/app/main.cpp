#include "app/cli.hpp"

int main(int argc, char** argv) {
  return cs::app::runCli(argc, argv);
}

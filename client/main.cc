// tracectl: the ocoptrace command-line client. Wiring only; the commands
// live in client/commands_*.cc and the shared machinery in client/cli.h.

#include <iostream>

#include "client/cli.h"
#include "core/clock.h"

int main(int argc, char** argv) {
  ocoptrace::client::Cli cli(std::cout, std::cerr, ocoptrace::Clock::Real());
  return ocoptrace::client::RunTracectl(argc, argv, cli);
}

// tracectl demo load FILE: the command; the loader is client/demo_loader.h.

#include <memory>
#include <string>

#include "client/cli.h"
#include "client/demo_loader.h"

namespace ocoptrace::client {

void AddDemoCommands(CLI::App& app, Cli& cli) {
  CLI::App* demo =
      app.add_subcommand("demo", "Demonstration data (needs an admin token)");
  demo->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto state_dir = std::make_shared<std::string>("var/demo");
  CLI::App* load = demo->add_subcommand(
      "load",
      "Load a demo dataset (e.g. deploy/demo/backan.json); running it again "
      "adds only what is missing");
  load->add_option("file", *file, "The dataset (JSON)")->required();
  load->add_option("--state", *state_dir,
                   "Where the demo's tokens, keys and configs are kept "
                   "(default var/demo)");
  SetAction(load, cli, [&cli, file, state_dir] {
    DemoLoader loader(cli, *state_dir);
    return loader.Load(*file);
  });
}

}  // namespace ocoptrace::client

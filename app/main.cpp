// maillab: the command line. Thin on purpose: it finds the command and hands it the rest.
#include <iostream>

#include "app/commands.h"
#include "scenarios/diagnostics.h"

namespace {

void print_help(std::ostream& out) {
  out << "maillab — a discrete-event network simulator that shows how email crosses the Internet.\n\n"
         "Usage: maillab COMMAND [ARGUMENTS]   (maillab COMMAND --help for details)\n\nCommands:\n";
  for (const auto& command : maillab::app::commands()) {
    std::string name(command.name);
    name.resize(8, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\nExit codes: 0 all expectations held, 1 an expectation failed, 2 bad input.\n"
         "Example: maillab run scenarios/intro.yaml\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (arguments.empty()) {
    print_help(std::cerr);
    return 2;
  }
  std::string name = arguments.front();
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && arguments.size() > 1) {
      arguments = {arguments[1], "--help"};
      name = arguments.front();
    } else {
      print_help(std::cout);
      return 0;
    }
  }
  arguments.erase(arguments.begin());
  std::vector<std::string> names;
  for (const auto& command : maillab::app::commands()) {
    if (command.name == name) {
      try {
        return command.run(arguments);
      } catch (const std::exception& e) {
        std::cerr << "maillab " << name << ": internal error: " << e.what() << "\n";
        return 2;
      }
    }
    names.emplace_back(command.name);
  }
  std::cerr << "maillab: unknown command '" << name << "'" << maillab::scenarios::did_you_mean(name, names)
            << "\nRun 'maillab --help' for the list of commands.\n";
  return 2;
}

// maillab: the command line. Thin on purpose: it finds the command and hands it the rest.
#include <algorithm>
#include <iostream>
#include <new>

#include "app/commands.h"
#include "engine/core/simulator.h"
#include "scenarios/diagnostics.h"

namespace {

void print_help(std::ostream& out) {
  out << "maillab — a discrete-event network simulator that shows how email crosses the Internet.\n\n"
         "Usage: maillab COMMAND [ARGUMENTS]   (maillab COMMAND --help for details)\n\nCommands:\n";
  // The summaries line up one column after the longest command name.
  std::size_t width = 0;
  for (const auto& command : maillab::app::commands()) width = std::max(width, std::string(command.name).size());
  for (const auto& command : maillab::app::commands()) {
    std::string name(command.name);
    name.resize(width + 2, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\nExit codes: 0 all expectations held, 1 an expectation failed, 2 bad input (nothing ran),\n"
         "3 out of memory (or over 16.7 million pending events), 4 internal error (a bug in maillab:\n"
         "please report it).\n"
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
      // 2 means "bad input, nothing ran": failures of maillab itself get their own statuses.
      try {
        return command.run(arguments);
      } catch (const std::bad_alloc&) {
        std::cerr << "maillab " << name
                  << ": out of memory: the machine gave no more memory to this process (std::bad_alloc); "
                     "a smaller scenario, fewer or smaller messages, or --trace none may fit\n";
        return maillab::app::exit_out_of_memory;
      } catch (const maillab::engine::TooManyPendingEvents& e) {
        // A resource limit like memory, not a bug: the same status as running out of memory.
        std::cerr << "maillab " << name << ": out of room: " << e.what() << "\n";
        return maillab::app::exit_out_of_memory;
      } catch (const std::exception& e) {
        std::cerr << "maillab " << name << ": internal error (a bug in maillab): " << e.what() << "\n";
        return maillab::app::exit_internal_error;
      } catch (...) {
        std::cerr << "maillab " << name << ": internal error (a bug in maillab): an unknown exception\n";
        return maillab::app::exit_internal_error;
      }
    }
    names.emplace_back(command.name);
  }
  std::cerr << "maillab: unknown command '" << name << "'" << maillab::scenarios::did_you_mean(name, names)
            << "\nRun 'maillab --help' for the list of commands.\n";
  return 2;
}

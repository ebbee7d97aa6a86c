#include "app/trace_output.h"

#include "engine/hosts/tls/world_pki.h"

#include <sstream>

#include "scenarios/values.h"

namespace maillab::app {

void print_header(std::ostream& out, const scenarios::World& world, engine::Time until) {
  out << "== " << world.name;
  if (!world.title.empty()) out << ": " << world.title;
  out << " ==\n";
  std::istringstream description(world.description);
  for (std::string line; std::getline(description, line);) out << "   " << line << "\n";
  out << "   (" << world.source_file << ", seed " << world.simulator.seed() << ", until "
      << scenarios::format_duration(until) << ")\n\n";
}

void write_tls_keys_to(scenarios::World& world, std::ostream& out) {
  engine::world_pki(world.network).keylog = [&out](std::string_view line) { out << line << '\n' << std::flush; };
}

}  // namespace maillab::app

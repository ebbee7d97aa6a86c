// Loading a scenario file into a World: all or nothing. Either a complete World, ready to run
// (events scheduled, expectations listed), or nullptr and every problem found in `diagnostics`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "scenarios/diagnostics.h"
#include "scenarios/registry.h"
#include "scenarios/world.h"

namespace maillab::scenarios {

// `seed_override` (from --seed) wins over the file's `seed:` (default 1).
std::unique_ptr<World> load_world(const std::string& path, std::optional<std::uint64_t> seed_override,
                                  Diagnostics& diagnostics);

// The same from text in memory; `file` is the name used in messages and the default `name`.
std::unique_ptr<World> load_world_from_string(const std::string& yaml_text, const std::string& file,
                                              std::optional<std::uint64_t> seed_override, Diagnostics& diagnostics);

// Both of the above with an explicit registry (tests register their own parsers).
std::unique_ptr<World> load_world_from_string(const std::string& yaml_text, const std::string& file,
                                              std::optional<std::uint64_t> seed_override, Diagnostics& diagnostics,
                                              const Registry& registry);

}  // namespace maillab::scenarios

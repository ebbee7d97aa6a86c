// The scenario loader (YAML -> World): any text. All or nothing: a World and no errors, or no
// World and at least one located error. Use with yaml.dict.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "scenarios/loader.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(std::string(input.stream()), "fuzz.yaml", std::nullopt, diagnostics);
  if ((world != nullptr) == diagnostics.has_errors()) std::abort();
  (void)diagnostics.to_string();
  return 0;
}

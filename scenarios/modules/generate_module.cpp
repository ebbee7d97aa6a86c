// The `generate:` section (generate_module.h): `domains:` builds the world, then `traffic:`
// schedules the mail between them.
#include "scenarios/modules/generate_module.h"

#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {

void register_generate_module(Registry& registry) {
  registry.add_section("generate", [](const YAML::Node& section, LoadContext& context) {
    if (!context.check_keys(section, "generate", {"domains"}, {"traffic"})) return;
    if (!generate_module::build_domains(section["domains"], context)) return;
    if (section["traffic"]) generate_module::schedule_traffic(section["traffic"], context);
  });
}

}  // namespace maillab::scenarios

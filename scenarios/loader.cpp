// Loading a scenario: parse the YAML (syntax errors carry their place), read the seed first (the
// World is built around it), then every section in the order registry.h documents. Nothing is
// returned unless the whole file was right.
#include "scenarios/loader.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "scenarios/input_limits.h"
#include "scenarios/loader_parts.h"
#include "scenarios/values.h"
#include "scenarios/yaml_brackets.h"

namespace maillab::scenarios {
namespace {

const std::vector<std::string> top_level_keys = {"name",  "title", "description", "seed",   "until", "start",
                                                 "hosts", "routers", "links",     "tcp",    "events", "expect"};

// `start: 2026-03-02T08:30:00Z` (UTC; the seconds, the time and the Z are optional) as Unix seconds.
std::optional<std::int64_t> parse_start_date(const std::string& text) {
  auto digits = [&text](std::size_t at, std::size_t count) -> std::optional<int> {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::optional<int> hour = 0, minute = 0, second = 0;
  std::size_t at = 10;
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    hour = digits(11, 2), minute = digits(14, 2);
    if (!hour || !minute || text.size() < 16 || text[13] != ':') return std::nullopt;
    at = 16;
    if (at < text.size() && text[at] == ':') second = digits(17, 2), at = 19;
  }
  if (at < text.size() && text[at] == 'Z') ++at;
  static constexpr int days_in_month[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (at != text.size() || !second || *year < 1970 || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month[*month - 1] || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  const int y = *year - (*month <= 2 ? 1 : 0);
  const int era = y / 400;
  const int year_of_era = y - era * 400;
  const int day_of_year = (153 * (*month + (*month > 2 ? -3 : 9)) + 2) / 5 + *day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
  if (*month == 2 && *day == 29 && !(*year % 4 == 0 && (*year % 100 != 0 || *year % 400 == 0))) return std::nullopt;
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics) {
  if (!check_text_limits(text, file, "scenario", diagnostics)) return std::nullopt;
  try {
    YAML::Node root = YAML::Load(text);
    return root;
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, 0, 0};
    if (e.mark.line >= 0) where = {file, e.mark.line + 1, e.mark.column + 1};
    std::string what = "YAML syntax error: " + e.msg;
    // The parser gives up where it noticed; an unclosed brace is often lines above: say both.
    if (auto open = unclosed_flow_bracket(text))
      what += std::string("; the '") + open->bracket + "' opened at " +
              SourceLocation{file, open->line, open->column}.to_string() + " is never closed";
    diagnostics.error(where, what, "well-formed YAML (check indentation, colons and brackets)");
    return std::nullopt;
  }
}

// The seed decides how the World is built, so it is read before anything else.
std::optional<std::uint64_t> read_seed(const YAML::Node& root, const std::string& file, Diagnostics& diagnostics) {
  const YAML::Node node = root["seed"];
  if (!node.IsDefined()) return 1;
  World placeholder(1);  // only to give the context a World to point at
  LoadContext context(placeholder, diagnostics, file);
  auto value = context.integer(node, "seed", 0, std::numeric_limits<std::int64_t>::max());
  if (!value) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

std::string file_stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

void read_header(const YAML::Node& root, LoadContext& context) {
  World& world = context.world;
  if (root["name"]) {
    if (auto v = context.text(root["name"], "name")) world.name = *v;
  }
  if (root["title"]) {
    if (auto v = context.text(root["title"], "title")) world.title = *v;
  }
  if (root["description"]) {
    if (auto v = context.text(root["description"], "description")) world.description = *v;
  }
  if (root["start"]) {
    // The date of simulated time 0 (Simulator::epoch_seconds); default 2026-01-05T09:00:00Z.
    if (auto text = context.text(root["start"], "start")) {
      if (auto seconds = parse_start_date(*text)) world.simulator.set_epoch_seconds(*seconds);
      else
        context.error(root["start"], "bad start date '" + *text + "'",
                      "a UTC date and time like 2026-03-02T08:30:00Z (or 2026-03-02)");
    }
  }
  if (root["until"]) {
    auto v = context.duration(root["until"], "until");
    if (v && *v == 0) context.error(root["until"], "until is 0s", "a run length above 0s");
    else if (v) world.until = *v;
  }
}

}  // namespace

std::unique_ptr<World> load_world_from_string(const std::string& yaml_text, const std::string& file,
                                              std::optional<std::uint64_t> seed_override, Diagnostics& diagnostics,
                                              const Registry& registry) {
  const std::size_t errors_before = diagnostics.count();
  auto parsed = parse_yaml(yaml_text, file, diagnostics);
  if (!parsed) return nullptr;
  const YAML::Node root = *parsed;
  if (!root.IsMap()) {
    SourceLocation where{file, 1, 1};
    if (root.IsDefined() && root.Mark().line >= 0) where = {file, root.Mark().line + 1, root.Mark().column + 1};
    diagnostics.error(where, "the scenario is " + LoadContext::describe(root),
                      "a map with hosts:, links:, events:, expect: ... (see scenarios/README.md)");
    return nullptr;
  }

  auto seed = read_seed(root, file, diagnostics);
  loader::Scratch scratch;  // declared before the World: the World may point into it while loading
  auto world = std::make_unique<World>(seed_override.value_or(seed.value_or(1)));
  world->source_file = file;
  world->name = file_stem(file);
  LoadContext context(*world, diagnostics, file);

  std::vector<std::string> known_keys = top_level_keys;
  for (const auto& [key, parser] : registry.sections()) known_keys.push_back(key);
  context.check_keys(root, "the scenario", std::vector<std::string>{}, known_keys);
  read_header(root, context);
  if (root["tcp"]) loader::load_tcp(root["tcp"], context);
  if (root["hosts"]) loader::load_hosts(root["hosts"], context, registry, scratch);
  if (root["routers"]) loader::load_routers(root["routers"], context, scratch);
  if (root["links"]) loader::load_links(root["links"], context);
  for (const auto& [key, parser] : registry.sections()) {
    const auto& parse_section = parser;  // a lambda may not capture a structured binding (clang 14)
    if (const YAML::Node section = root[key])
      loader::guarded(context, section, [&] { parse_section(section, context); return 0; });
  }
  for (const auto& finalize : registry.finalizers(FinalizePhase::after_topology))
    loader::guarded(context, root, [&] { finalize(context); return 0; });
  if (root["events"]) loader::load_events(root["events"], context, registry);
  if (root["expect"]) loader::load_expectations(root["expect"], context, registry);
  for (const auto& finalize : registry.finalizers(FinalizePhase::after_all))
    loader::guarded(context, root, [&] { finalize(context); return 0; });

  if (diagnostics.count() != errors_before) return nullptr;
  // An event after the end of the run never happens: almost always a mistake (`until:` too short).
  for (const auto& event : world->events)
    if (event.at > world->until)
      diagnostics.warning(event.where, event.action + " at " + format_duration(event.at) +
                                           " is after the end of the run (until: " + format_duration(world->until) +
                                           "), so it never happens");
  return world;
}

std::unique_ptr<World> load_world_from_string(const std::string& yaml_text, const std::string& file,
                                              std::optional<std::uint64_t> seed_override, Diagnostics& diagnostics) {
  return load_world_from_string(yaml_text, file, seed_override, diagnostics, builtin_registry());
}

std::unique_ptr<World> load_world(const std::string& path, std::optional<std::uint64_t> seed_override,
                                  Diagnostics& diagnostics) {
  std::error_code ignored;
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(path, ignored)) {
    diagnostics.error(SourceLocation{path, 0, 0}, "cannot open the file", "a readable scenario file");
    return nullptr;
  }
  if (!check_file_size(path, "scenario", diagnostics)) return nullptr;
  std::ostringstream text;
  text << in.rdbuf();
  return load_world_from_string(text.str(), path, seed_override, diagnostics);
}

}  // namespace maillab::scenarios

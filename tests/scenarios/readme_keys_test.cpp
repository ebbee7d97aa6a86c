// Every key a shipped scenario uses is documented in scenarios/README.md: a teacher who copies a
// scenario and looks a key up must find it there.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include "maillab/source_dir.h"

namespace {

// Maps whose keys are names the author chose (users, aliases, passwords), not format keys.
const std::set<std::string> maps_of_names = {"credentials", "aliases", "forwards"};

void collect_keys(const YAML::Node& node, std::set<std::string>& keys) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      keys.insert(key);
      if (maps_of_names.count(key) && entry.second.IsMap()) {
        for (const auto& named : entry.second) collect_keys(named.second, keys);
      } else {
        collect_keys(entry.second, keys);
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect_keys(item, keys);
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Documented: the README writes the key as `key`, `key:`, `key?`, {key, ...} or "key:" in an example.
bool documented(const std::string& readme, const std::string& key) {
  const std::regex pattern("(^|[^A-Za-z0-9_])" + key + "([?:`,}\\]]| *[:=])");
  return std::regex_search(readme, pattern);
}

}  // namespace

TEST_CASE("every key used in a shipped scenario is described in scenarios/README.md", "[scenarios][docs]") {
  const std::filesystem::path folder = std::filesystem::path(MAILLAB_SOURCE_DIR) / "scenarios";
  const std::string readme = read_file(folder / "README.md");
  REQUIRE_FALSE(readme.empty());
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    std::set<std::string> keys;
    collect_keys(YAML::LoadFile(entry.path().string()), keys);
    for (const auto& key : keys) {
      INFO(entry.path().filename().string() << " uses '" << key << "'");
      CHECK(documented(readme, key));
    }
  }
  CHECK(files > 10);
}

TEST_CASE("the README key check tells a documented key from an undocumented one", "[scenarios][docs]") {
  const std::string readme = "| `send` | `{from, to, via, subject?}` |\n    # hop_limit: 50\n";
  CHECK(documented(readme, "send"));
  CHECK(documented(readme, "subject"));
  CHECK(documented(readme, "from"));
  CHECK(documented(readme, "hop_limit"));
  CHECK_FALSE(documented(readme, "limit"));
  CHECK_FALSE(documented(readme, "greylist"));
}

// What every scenario parser (the loader's own and each registered module's) works with: the
// World being built, the Diagnostics sink, and helpers that read one YAML value and, when it is
// wrong, report a located error ("file:line:column: error: ...; expected ...") and return
// nullopt / nullptr. A parser that gets nullopt just returns too: the load will fail with every
// error collected, and nothing runs.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/net/address.h"
#include "engine/net/host.h"
#include "scenarios/diagnostics.h"
#include "scenarios/world.h"

namespace maillab::scenarios {

class LoadContext {
 public:
  LoadContext(World& world, Diagnostics& diagnostics, std::string file);

  World& world;
  Diagnostics& diagnostics;
  const std::string& file() const { return file_; }
  // True while no error has been reported in this load.
  bool ok() const { return !diagnostics.has_errors(); }

  // --- locations and errors ---
  SourceLocation location(const YAML::Node& node) const;  // 1-based; the file alone if unknown
  void error(const YAML::Node& at, std::string_view what, std::string_view expected = {});
  void error(const SourceLocation& at, std::string_view what, std::string_view expected = {});

  // --- shapes ---
  // "a map", "a list", "the text 'x'", "nothing" — for messages.
  static std::string describe(const YAML::Node& node);
  // The node as flow YAML on one line ("{at_least: 1}"), for event and expectation descriptions.
  static std::string one_line(const YAML::Node& node);
  bool require_map(const YAML::Node& node, std::string_view what);
  bool require_sequence(const YAML::Node& node, std::string_view what);
  // Checks a map: it is a map, no key is repeated, every key is required or optional (unknown
  // keys get "did you mean"), every required key is present (reported at the map). True if clean.
  bool check_keys(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> required,
                  std::initializer_list<std::string_view> optional = {});
  bool check_keys(const YAML::Node& map, std::string_view what, const std::vector<std::string>& required,
                  const std::vector<std::string>& optional);

  // --- values (`what` names the value in messages, e.g. "latency of link laptop-core") ---
  std::optional<std::string> text(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                      std::int64_t max);
  std::optional<double> number(const YAML::Node& node, std::string_view what, double min, double max);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  std::optional<engine::Time> duration(const YAML::Node& node, std::string_view what);  // >= 0
  std::optional<std::uint64_t> bandwidth(const YAML::Node& node, std::string_view what);
  std::optional<engine::Address> address(const YAML::Node& node, std::string_view what);
  std::optional<std::uint16_t> port(const YAML::Node& node, std::string_view what);  // 1..65535
  // One string or a list of strings (e.g. `to: bob@x` or `to: [bob@x, carol@y]`).
  std::optional<std::vector<std::string>> text_list(const YAML::Node& node, std::string_view what);
  // A host by name or by address (hosts only; routers are not hosts).
  engine::Host* host(const YAML::Node& node, std::string_view what);
  // Any node's name: a host or a router.
  std::optional<std::string> node_name(const YAML::Node& node, std::string_view what);

  // Names declared in the file whose declaration was itself wrong (already reported): references
  // to them fail quietly instead of piling a second error on the first. Used by the loader.
  void note_broken_name(const std::string& name) { broken_names_.insert(name); }

 private:
  std::vector<std::string> node_names() const;
  std::string file_;
  std::set<std::string> broken_names_;
};

}  // namespace maillab::scenarios

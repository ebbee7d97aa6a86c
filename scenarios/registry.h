// The scenario format is extensible: host service blocks (`dns_server:`, `mta:`, ...), event
// actions (`send:`, `link_down:`, ...) and expectation kinds (`delivered:`, ...) are each parsed
// by a function a module registers here. The loader itself knows only the skeleton (hosts,
// routers, links, tcp, events' `at`, expect's list) and hands every other key to the registry.
//
// Registration is explicit: register_builtin_modules() (scenarios/modules/builtin_modules.cpp)
// calls each module's register_* function, one line per module. No static initialisers: they
// are silently dropped when a static library's object file is not otherwise referenced.
//
// Load order (what a parser may rely on):
//   1. top-level keys; `tcp:`
//   2. hosts in file order: each host is created, then its service blocks are parsed in file
//      order and the returned Service is added to the host at once (Host::add_service starts
//      it, so start() runs at load time, before the clock moves; it should bind ports only)
//   3. routers, then links
//   3b. top-level sections a module registered (e.g. `generate:`), in registration order: they
//      may add hosts, routers and links of their own, and schedule events
//   4. finalizers registered for FinalizePhase::after_topology (every host, service, router and
//      link exists: DNS builds root/TLD zones, MTAs find their resolvers)
//   5. events in file order: each action parser runs and its action is scheduled at `at`
//   6. expectations in file order
//   7. finalizers for FinalizePhase::after_all
// If any step reported an error, load_world returns nullptr and the World is thrown away
// unrun; parsers keep going after errors so that every problem is reported in one load.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/core/simulator.h"
#include "engine/net/host.h"
#include "scenarios/load_context.h"
#include "scenarios/world.h"

namespace maillab::scenarios {

// Parses one service block of a host (the value of e.g. `mta:`) and returns the Service the
// loader adds to `host`, or nullptr (after reporting errors, or when the block only configured
// something else). The host's name/address/role are already set.
using ServiceParser =
    std::function<std::unique_ptr<engine::Service>(const YAML::Node& block, engine::Host& host, LoadContext& context)>;

// Parses the value of one event action (e.g. the `[laptop, core]` of `link_down:`) scheduled at
// time `at`, and returns what to do then; nullopt after reporting errors. Work that must happen
// before the run (binding a listener for a transfer) may be done here, at parse time.
using ActionParser =
    std::function<std::optional<engine::Simulator::Action>(const YAML::Node& value, engine::Time at, LoadContext& context)>;

// Parses the value of one expectation (e.g. the map of `delivered:`). The loader fills in
// `where` and, if left empty, `description` ("kind: <value as written>"). nullopt after errors.
using ExpectationParser = std::function<std::optional<Expectation>(const YAML::Node& value, LoadContext& context)>;

// Parses a top-level section of the scenario a module adds to the format (e.g. `generate:`, which
// builds a world of many domains and schedules traffic). It runs after the file's own hosts,
// routers and links exist (load order 3b) and may add more.
using SectionParser = std::function<void(const YAML::Node& section, LoadContext& context)>;

// A `set:` action (modules/set_action.cpp) changes a host's settings during a run:
//   - {at: 30s, set: {host: mx.example.org, mta: {relay_domains: [example.net]}}}
// Each module that owns a host block registers a SettingParser for it, which reads the partial
// block with the same readers as the block itself (only the keys written change) and returns what
// to do at the event's time: apply the change and say what changed, one line per effect, for the
// trace. nullopt after reporting errors (an unknown key, a bad value, a host without that block).
using SettingChange = std::function<std::vector<std::string>()>;
using SettingParser =
    std::function<std::optional<SettingChange>(const YAML::Node& value, engine::Host& host, LoadContext& context)>;

using Finalizer = std::function<void(LoadContext& context)>;
enum class FinalizePhase { after_topology, after_all };

class Registry {
 public:
  // Each key can be registered once (a second registration of the same key is a programming
  // error and asserts). Keys are snake_case as written in YAML.
  void add_service_parser(std::string key, ServiceParser parser);
  void add_action(std::string key, ActionParser parser);
  void add_expectation(std::string key, ExpectationParser parser);
  void add_finalizer(Finalizer finalizer, FinalizePhase phase = FinalizePhase::after_topology);
  void add_section(std::string key, SectionParser parser);
  void add_setting(std::string key, SettingParser parser);  // key: the host block's, e.g. "mta"

  const ServiceParser* service_parser(const std::string& key) const;
  const ActionParser* action(const std::string& key) const;
  const ExpectationParser* expectation(const std::string& key) const;
  const std::vector<Finalizer>& finalizers(FinalizePhase phase) const;
  const SettingParser* setting(const std::string& key) const;
  // Sections in registration order, with their keys.
  const std::vector<std::pair<std::string, SectionParser>>& sections() const { return sections_; }

  // Sorted keys, for "did you mean" and `maillab check --help`.
  std::vector<std::string> service_keys() const;
  std::vector<std::string> action_keys() const;
  std::vector<std::string> expectation_keys() const;
  std::vector<std::string> setting_keys() const;

 private:
  std::map<std::string, ServiceParser> services_;
  std::map<std::string, ActionParser> actions_;
  std::map<std::string, ExpectationParser> expectations_;
  std::map<std::string, SettingParser> settings_;
  std::vector<Finalizer> after_topology_, after_all_;
  std::vector<std::pair<std::string, SectionParser>> sections_;
};

// Calls every module's register function (scenarios/modules/builtin_modules.cpp).
void register_builtin_modules(Registry& registry);

// A registry with every built-in module, built on first use.
const Registry& builtin_registry();

}  // namespace maillab::scenarios

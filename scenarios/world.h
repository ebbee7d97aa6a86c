// A World is one loaded scenario, ready to run: the simulator, the network with every host's
// services, the scripted events already scheduled, and the expectations to check at the end.
// The command line, the visualizer, lessons and tests all start from a World. Loading the same
// file with the same seed twice gives two Worlds that run identically (the visualizer's step
// back replays a fresh World up to the wanted time).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include "engine/core/simulator.h"
#include "engine/hosts/mail_ledger.h"
#include "engine/net/network.h"

namespace maillab::scenarios {

// A place in a source file, for messages that point at it ("file:line:column").
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string to_string() const;
};

// A scripted event from the scenario's `events:` list, kept for timelines (viz, lessons).
struct ScriptedEvent {
  engine::Time at = 0;
  std::string action;       // the action key: "link_down", "send", ...
  std::string description;  // e.g. "link_down: laptop-core"
  SourceLocation where;
};

struct Position {
  double x = 0, y = 0;
};

struct ExpectationResult {
  bool passed = false;
  std::string detail;  // what was seen, e.g. "bob@example.org has 0 messages in INBOX"
};

struct Expectation {
  std::string description;  // e.g. "delivered: bob@example.org INBOX subject 'Hello'"
  SourceLocation where;
  std::function<ExpectationResult()> check;  // evaluated after the run
};

class World {
 public:
  explicit World(std::uint64_t seed) : simulator(seed), network(simulator) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  engine::Simulator simulator;
  engine::Network network;
  engine::MailLedger ledger;

  std::string source_file;
  std::string name;         // short name (file stem)
  std::string title;        // one line for lists and window titles
  std::string description;  // a paragraph for people
  std::map<std::string, Position> positions;  // drawing positions from the scenario (may be empty)
  engine::Time until = engine::seconds(60);   // default run length (`until:` or --until)
  std::vector<Expectation> expectations;

  // --- added by the scenarios loader (additions only; the fields above are the contract) ---

  std::vector<ScriptedEvent> events;  // in file order; already scheduled on the simulator

  // End-of-run audits: each returns its problems (empty = fine), e.g. "M3 to bob@x is counted
  // as queued but no MTA queue holds it". Any problem fails `maillab run` (exit 1).
  std::vector<std::function<std::vector<std::string>()>> audits;

  // State a scenario module keeps for this World (e.g. DNS's zones collected from every host,
  // the transfer module's receivers), one instance per type, created on first use. It lives as
  // long as the World, so actions and expectations may keep references to it.
  template <typename T>
  T& module_state() {
    auto& slot = module_states_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

 private:
  std::map<std::type_index, std::shared_ptr<void>> module_states_;
};

}  // namespace maillab::scenarios

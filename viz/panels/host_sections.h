// Extension points for the inspector and the canvas's right-click menu.
//
// HostInspectorSections: what the host inspector shows for each service a host runs, keyed by
// Service::kind() ("resolver", "mta", "mailbox", ...). A section gets the Service and draws ImGui
// content for it — a resolver's cache, an MTA's queue, a mailbox's folders. To add one, write
// viz/panels/sections/<kind>_section.cpp with a function that calls sections.add(...), and call it
// from add_standard_host_sections() (viz/panels/host_sections.cpp). Kinds with no section get a
// one-line entry.
//
// HostActionRegistry: extra items in a host's right-click menu (change a DNS record, fill a
// mailbox). A hook draws ImGui menu items (and may open its own popups) and, when the user picks
// one, queues a UserAction — applied between frames and journaled, so step back replays it.
// Actions must be deterministic: they run again, identically, in every replay.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "viz/model/replay.h"
#include "viz/model/topology.h"

namespace maillab::engine {
class Host;
class Network;
class Service;
class Simulator;
}  // namespace maillab::engine

namespace maillab::viz {

struct HostInspectorContext {
  engine::Host& host;
  engine::Network& network;
  engine::Simulator& simulator;
  std::function<void(UserAction)> queue_action;  // applied between frames, journaled for replay
};

using HostInspectorSection = std::function<void(engine::Service& service, HostInspectorContext& context)>;

class HostInspectorSections {
 public:
  struct Entry {
    std::string kind;
    std::string title;
    HostInspectorSection draw;
  };
  // Several sections may share a kind; they are drawn in the order added.
  void add(std::string kind, std::string title, HostInspectorSection draw);
  std::vector<const Entry*> for_kind(std::string_view kind) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

using HostMenuHook =
    std::function<void(const TopologyNode& node, engine::Network* network, const std::function<void(UserAction)>& queue)>;

class HostActionRegistry {
 public:
  void add(HostMenuHook hook) { hooks_.push_back(std::move(hook)); }
  const std::vector<HostMenuHook>& hooks() const { return hooks_; }

 private:
  std::vector<HostMenuHook> hooks_;
};

// The sections and menu items that ship with maillab (see the comment at the top).
void add_standard_host_sections(HostInspectorSections& sections);
void add_standard_host_actions(HostActionRegistry& actions);

}  // namespace maillab::viz

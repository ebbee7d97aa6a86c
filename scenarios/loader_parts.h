// Internal to the loader: the steps of building a World, split by file (loader.cpp holds the
// order; loader_topology.cpp the hosts, routers, links and tcp; loader_script.cpp the events
// and expectations).
#pragma once

#include <map>
#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "engine/core/simulator.h"
#include "engine/net/network.h"
#include "scenarios/load_context.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::loader {

// Hosts whose declaration is wrong (bad or duplicate name/address) are still built, in this
// separate network, so their service blocks are checked too; it is thrown away with the load.
struct Scratch {
  engine::Simulator simulator{1};
  engine::Network network{simulator};
  int next = 1;
  // Where each node name and address was first declared, for "duplicate ... (first at ...)".
  std::map<std::string, SourceLocation> names;
  std::map<engine::Address, SourceLocation> addresses;
};

// Runs a parser, turning exceptions (yaml-cpp conversions, a module's bug) into located errors.
template <typename F>
auto guarded(LoadContext& context, const YAML::Node& at, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const YAML::Exception& e) {
    SourceLocation where = context.location(at);
    if (e.mark.line >= 0) where = {context.file(), e.mark.line + 1, e.mark.column + 1};
    context.error(where, "cannot read this: " + e.msg, "the form this key documents");
  } catch (const std::exception& e) {
    context.error(at, std::string("internal error while reading this: ") + e.what(), "no error (please report it)");
  }
  return decltype(body()){};
}

void load_tcp(const YAML::Node& tcp, LoadContext& context);
void load_hosts(const YAML::Node& hosts, LoadContext& context, const Registry& registry, Scratch& scratch);
void load_routers(const YAML::Node& routers, LoadContext& context, Scratch& scratch);
void load_links(const YAML::Node& links, LoadContext& context);
void load_events(const YAML::Node& events, LoadContext& context, const Registry& registry);
void load_expectations(const YAML::Node& expect, LoadContext& context, const Registry& registry);

}  // namespace maillab::scenarios::loader

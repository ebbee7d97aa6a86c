// Modules plug into the format through a Registry: service blocks, actions, expectations and
// finalizers, each with located errors.
#include <catch2/catch.hpp>

#include "scenarios/loader.h"
#include "scenarios/outcome.h"

using namespace maillab::scenarios;
using maillab::engine::Host;

namespace {

class EchoService : public maillab::engine::Service {
 public:
  explicit EchoService(int port) : port(port) {}
  std::string_view kind() const override { return "echo"; }
  void start(Host&) override { started = true; }
  int port;
  bool started = false;
  std::string greeting;
};

struct Counts {
  int rings = 0;
  std::vector<std::string> finalized;
};

Registry test_registry() {
  Registry registry;
  register_builtin_modules(registry);
  registry.add_service_parser("echo", [](const YAML::Node& block, Host&, LoadContext& context) -> std::unique_ptr<maillab::engine::Service> {
    if (!context.check_keys(block, "echo", {"port"}, {"explode"})) return nullptr;
    if (block["explode"]) block["explode"].as<int>();  // a yaml-cpp conversion that may throw
    auto port = context.port(block["port"], "echo port");
    if (!port) return nullptr;
    return std::make_unique<EchoService>(*port);
  });
  registry.add_action("ring", [](const YAML::Node& value, maillab::engine::Time, LoadContext& context)
                                  -> std::optional<maillab::engine::Simulator::Action> {
    Host* host = context.host(value, "ring");
    if (!host) return std::nullopt;
    Counts* counts = &context.world.module_state<Counts>();
    return [counts] { ++counts->rings; };
  });
  registry.add_expectation("rang", [](const YAML::Node& value, LoadContext& context) -> std::optional<Expectation> {
    auto times = context.integer(value, "rang", 0, 100);
    if (!times) return std::nullopt;
    Counts* counts = &context.world.module_state<Counts>();
    Expectation e;
    e.check = [counts, n = *times] { return ExpectationResult{counts->rings == n, std::to_string(counts->rings) + " rings"}; };
    return e;
  });
  registry.add_finalizer([](LoadContext& context) {
    for (Host* host : context.world.network.hosts())
      if (auto* echo = host->find_service<EchoService>()) {
        echo->greeting = "hello from " + host->name();
        context.world.module_state<Counts>().finalized.push_back(host->name());
      }
  });
  return registry;
}

std::unique_ptr<World> load(const std::string& yaml, Diagnostics& diagnostics) {
  static const Registry registry = test_registry();
  return load_world_from_string(yaml, "r.yaml", std::nullopt, diagnostics, registry);
}

}  // namespace

TEST_CASE("a registered service, action, expectation and finalizer all take part", "[scenarios][registry]") {
  Diagnostics diagnostics;
  auto world = load(
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1, echo: {port: 7}}\n"
      "  - {name: b, address: 10.0.0.2}\n"
      "events:\n"
      "  - {at: 1s, ring: a}\n"
      "  - {at: 2s, ring: 10.0.0.2}\n"
      "expect:\n"
      "  - {rang: 2}\n",
      diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  auto* echo = world->network.host("a")->find_service<EchoService>();
  REQUIRE(echo);
  CHECK(echo->port == 7);
  CHECK(echo->started);
  CHECK(echo->greeting == "hello from a");
  CHECK(world->module_state<Counts>().finalized == std::vector<std::string>{"a"});
  CHECK(world->expectations[0].description == "rang: 2");
  run_world(*world);
  CHECK(evaluate(*world).passed());
}

TEST_CASE("registered parsers report located errors, service keys get suggestions", "[scenarios][registry]") {
  Diagnostics diagnostics;
  auto world = load(
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1, echo: {port: 70000}}\n"
      "  - {name: b, address: 10.0.0.2, ecko: {port: 7}}\n"
      "  - {name: c, address: 10.0.0.3, echo: {port: 7, explode: boom}}\n"
      "events:\n"
      "  - {at: 1s, ring: z}\n"
      "  - {at: 1s, ring: a, note: two}\n",
      diagnostics);
  CHECK(world == nullptr);
  std::string all = diagnostics.to_string();
  INFO(all);
  CHECK(all.find("r.yaml:2:47: error: echo port is 70000, out of range; expected a whole number from 1 to 65535") != std::string::npos);
  CHECK(all.find("r.yaml:3:34: error: unknown key 'ecko' in host (did you mean 'echo'?)") != std::string::npos);
  CHECK(all.find("r.yaml:4:59: error: cannot read this: bad conversion") != std::string::npos);
  CHECK(all.find("r.yaml:6:20: error: unknown host 'z' (ring)") != std::string::npos);
  CHECK(all.find("r.yaml:7:23: error: a second action 'note' in one event") != std::string::npos);
}

TEST_CASE("the built-in registry lists its keys", "[scenarios][registry]") {
  auto actions = builtin_registry().action_keys();
  for (const char* key : {"crash", "link_down", "link_up", "note", "restart", "transfer"})
    CHECK(std::find(actions.begin(), actions.end(), key) != actions.end());
  auto kinds = builtin_registry().expectation_keys();
  for (const char* key : {"messages", "packets_dropped", "trace_contains", "transfer_complete"})
    CHECK(std::find(kinds.begin(), kinds.end(), key) != kinds.end());
}

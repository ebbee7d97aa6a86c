// The network's own scenario vocabulary. Actions: link_down, link_up, crash, restart, transfer,
// note. Expectations: transfer_complete, trace_contains, packets_dropped, messages.
#include <algorithm>
#include <array>

#include "engine/net/network.h"
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/modules/trace_tally.h"
#include "scenarios/modules/transfer_service.h"
#include "scenarios/values.h"

namespace maillab::scenarios {

void register_trace_contains(Registry& registry);  // network_module_trace.cpp

namespace {

using engine::Simulator;

// `[a, b]`: the link between two nodes, by its id.
std::optional<std::size_t> link_between(const YAML::Node& value, LoadContext& context) {
  if (!value.IsSequence() || value.size() != 2) {
    context.error(value, "the link is " + LoadContext::describe(value), "[a, b], the two nodes a link joins");
    return std::nullopt;
  }
  auto a = context.node_name(value[0], "link end");
  auto b = context.node_name(value[1], "link end");
  if (!a || !b) return std::nullopt;
  auto id = context.world.network.find_link(*a, *b);
  if (!id) context.error(value, "no link joins '" + *a + "' and '" + *b + "'", "two nodes listed together under links:");
  return id;
}

std::optional<Simulator::Action> parse_link_state(const YAML::Node& value, LoadContext& context, bool up) {
  auto id = link_between(value, context);
  if (!id) return std::nullopt;
  engine::Network* network = &context.world.network;
  return Simulator::Action([network, link = *id, up] { network->set_link_up(link, up); });
}

std::optional<Simulator::Action> parse_node_state(const YAML::Node& value, LoadContext& context, bool up) {
  auto name = context.node_name(value, up ? "node to restart" : "node to crash");
  if (!name) return std::nullopt;
  engine::Network* network = &context.world.network;
  return Simulator::Action([network, node = *name, up] { network->set_node_up(node, up); });
}

std::optional<Simulator::Action> parse_note(const YAML::Node& value, LoadContext& context) {
  auto text = context.text(value, "note");
  if (!text) return std::nullopt;
  engine::Simulator* simulator = &context.world.simulator;
  return Simulator::Action([simulator, text = *text] {
    engine::TraceRecord record;
    record.time = simulator->now();
    record.kind = engine::TraceKind::note;
    record.summary = text;
    simulator->trace().record(std::move(record));
  });
}

template <typename T>
T& service_on(engine::Host& host) {
  if (auto* found = host.find_service<T>()) return *found;
  return static_cast<T&>(host.add_service(std::make_unique<T>()));
}

std::optional<Simulator::Action> parse_transfer(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "transfer", {"from", "to", "bytes"}, {"port"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* from = value["from"] ? context.host(value["from"], "transfer from") : nullptr;
  engine::Host* to = value["to"] ? context.host(value["to"], "transfer to") : nullptr;
  std::optional<std::int64_t> bytes;
  if (value["bytes"]) bytes = context.integer(value["bytes"], "transfer bytes", 1, 100'000'000);
  std::optional<std::uint16_t> port = 9;  // discard (RFC 863)
  if (value["port"]) port = context.port(value["port"], "transfer port");
  if (!ok || !from || !to || !bytes || !port) return std::nullopt;
  if (from == to) {
    context.error(value["to"], "a transfer from '" + from->name() + "' to itself", "two different hosts");
    return std::nullopt;
  }
  if (!service_on<TransferReceiver>(*to).add_port(*port)) {
    context.error(value["port"] ? value["port"] : value["to"],
                  "port " + std::to_string(*port) + " on '" + to->name() + "' is taken by another service",
                  "a free port, e.g. 9");
    return std::nullopt;
  }
  TransferSender* sender = &service_on<TransferSender>(*from);
  engine::Endpoint endpoint{to->address(), *port};
  return Simulator::Action([sender, endpoint, count = static_cast<std::uint64_t>(*bytes)] { sender->send(endpoint, count); });
}

std::optional<Expectation> parse_transfer_complete(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "transfer_complete", {"from", "to"}, {"bytes", "port", "within"});
  if (!value.IsMap()) return std::nullopt;
  engine::Host* from = value["from"] ? context.host(value["from"], "transfer_complete from") : nullptr;
  engine::Host* to = value["to"] ? context.host(value["to"], "transfer_complete to") : nullptr;
  std::optional<std::int64_t> bytes;
  std::optional<std::uint16_t> port;
  std::optional<engine::Time> within;
  ok = ok && from && to;
  if (value["bytes"]) ok = (bytes = context.integer(value["bytes"], "transfer_complete bytes", 1, 100'000'000)) && ok;
  if (value["port"]) ok = (port = context.port(value["port"], "transfer_complete port")) && ok;
  if (value["within"]) ok = (within = context.duration(value["within"], "transfer_complete within")) && ok;
  if (!ok) return std::nullopt;
  // The receiver may have no transfer aimed at it: then it simply never completes.
  const TransferReceiver* receiver = &service_on<TransferReceiver>(*to);
  const engine::Address source = from->address();
  std::string label = from->name() + " -> " + to->name();
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    std::string seen;
    for (const auto& c : receiver->completed()) {
      if (c.from != source || (port && c.port != *port)) continue;
      bool bytes_ok = !bytes || c.bytes == static_cast<std::uint64_t>(*bytes);
      bool time_ok = !within || c.when <= *within;
      std::string line = std::to_string(c.bytes) + " bytes at " + engine::format_seconds(c.when) + "s";
      if (bytes_ok && time_ok) return {true, label + ": " + line};
      seen += (seen.empty() ? "" : "; ") + line;
    }
    return {false, label + ": " + (seen.empty() ? "no transfer completed" : "completed " + seen)};
  };
  return expectation;
}

// {at_least: N} / {at_most: N} / {exactly: N}: a count check, described for messages.
struct CountCheck {
  std::optional<std::int64_t> at_least, at_most, exactly;
  bool holds(std::uint64_t n) const {
    auto v = static_cast<std::int64_t>(n);
    return (!at_least || v >= *at_least) && (!at_most || v <= *at_most) && (!exactly || v == *exactly);
  }
};

bool read_counts(const YAML::Node& value, CountCheck& check, LoadContext& context, std::string_view what) {
  bool ok = true;
  if (value["at_least"]) ok = (check.at_least = context.integer(value["at_least"], "at_least", 0, 1'000'000'000)) && ok;
  if (value["at_most"]) ok = (check.at_most = context.integer(value["at_most"], "at_most", 0, 1'000'000'000)) && ok;
  if (value["exactly"]) ok = (check.exactly = context.integer(value["exactly"], "exactly", 0, 1'000'000'000)) && ok;
  if (ok && !value["at_least"] && !value["at_most"] && !value["exactly"]) {
    context.error(value, std::string(what) + " has no count", "at_least:, at_most: or exactly:");
    ok = false;
  }
  return ok;
}

std::optional<Expectation> parse_packets_dropped(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "packets_dropped", {}, {"at_least", "at_most", "exactly"});
  if (!value.IsMap()) return std::nullopt;
  CountCheck check;
  if (!read_counts(value, check, context, "packets_dropped") || !ok) return std::nullopt;
  // Counted as the records are made: `maillab run` keeps none.
  auto drops = std::make_shared<std::uint64_t>(0);
  tally_trace(context.world.simulator.trace(), [drops](const engine::TraceRecord& r) {
    if (r.kind == engine::TraceKind::drop) ++*drops;
  });
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    const std::uint64_t n = *drops;
    return {check.holds(n), std::to_string(n) + " packets dropped"};
  };
  return expectation;
}

std::optional<Expectation> parse_messages(const YAML::Node& value, LoadContext& context) {
  // `forwarded` is not in the summary line: forwarded copies are replaced by the copies they made.
  static const char* const fields[] = {"accepted", "delivered", "bounced", "rejected", "queued", "forwarded"};
  constexpr std::size_t field_count = std::size(fields);
  bool ok = context.check_keys(value, "messages", {},
                               {"accepted", "delivered", "bounced", "rejected", "queued", "forwarded"});
  if (!value.IsMap()) return std::nullopt;
  std::array<std::optional<std::int64_t>, field_count> wanted;
  bool any = false;
  for (std::size_t i = 0; i < field_count; ++i) {
    if (!value[fields[i]]) continue;
    any = true;
    ok = (wanted[i] = context.integer(value[fields[i]], std::string("messages ") + fields[i], 0, 1'000'000'000)) && ok;
  }
  if (ok && !any) {
    context.error(value, "messages has no count", "accepted:, delivered:, bounced:, rejected: or queued:");
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  const engine::MailLedger* ledger = &context.world.ledger;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    engine::LedgerCounts counts = ledger->counts();
    const std::uint64_t seen[] = {counts.accepted, counts.delivered, counts.bounced,
                                  counts.rejected, counts.queued,    counts.forwarded};
    bool passed = true;
    for (std::size_t i = 0; i < field_count; ++i)
      if (wanted[i] && seen[i] != static_cast<std::uint64_t>(*wanted[i])) passed = false;
    return {passed, ledger->summary_line() + (wanted[5] ? ", forwarded " + std::to_string(counts.forwarded) : "")};
  };
  return expectation;
}

}  // namespace

void register_network_module(Registry& registry) {
  registry.add_action("link_down", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_link_state(v, c, false); });
  registry.add_action("link_up", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_link_state(v, c, true); });
  registry.add_action("crash", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_node_state(v, c, false); });
  registry.add_action("restart", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_node_state(v, c, true); });
  registry.add_action("note", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_note(v, c); });
  registry.add_action("transfer", [](const YAML::Node& v, engine::Time, LoadContext& c) { return parse_transfer(v, c); });
  registry.add_expectation("transfer_complete", parse_transfer_complete);
  registry.add_expectation("packets_dropped", parse_packets_dropped);
  registry.add_expectation("messages", parse_messages);
  register_trace_contains(registry);
}

}  // namespace maillab::scenarios

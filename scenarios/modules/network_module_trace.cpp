// The expectation `trace_contains`: at least one (or a counted number of) trace records match
// every given field. `summary` matches as a substring, the other fields exactly.
//   - {trace_contains: {kind: fault, summary: "link laptop-core down"}}
//   - {trace_contains: {kind: drop, node: core, after: 10s, before: 20s, at_least: 1}}
#include <memory>

#include "engine/core/trace.h"
#include "scenarios/modules/trace_tally.h"
#include "scenarios/registry.h"

namespace maillab::scenarios {
namespace {

constexpr engine::TraceKind all_kinds[] = {engine::TraceKind::hop,   engine::TraceKind::drop,  engine::TraceKind::transport,
                                           engine::TraceKind::protocol, engine::TraceKind::mail, engine::TraceKind::cache,
                                           engine::TraceKind::fault, engine::TraceKind::note};

struct Pattern {
  std::optional<engine::TraceKind> kind;
  std::optional<std::string> node, peer, protocol, summary, message;
  std::optional<engine::Time> after, before;
  bool matches(const engine::TraceRecord& r) const {
    return (!kind || r.kind == *kind) && (!node || r.node == *node) && (!peer || r.peer == *peer) &&
           (!protocol || r.protocol == *protocol) && (!message || r.message == *message) &&
           (!summary || r.summary.find(*summary) != std::string::npos) && (!after || r.time >= *after) &&
           (!before || r.time <= *before);
  }
};

std::optional<Expectation> parse_trace_contains(const YAML::Node& value, LoadContext& context) {
  bool ok = context.check_keys(value, "trace_contains", {},
                               {"kind", "node", "peer", "protocol", "summary", "message", "after", "before",
                                "at_least", "at_most", "exactly"});
  if (!value.IsMap()) return std::nullopt;
  Pattern pattern;
  if (value["kind"]) {
    auto text = context.text(value["kind"], "trace_contains kind");
    std::vector<std::string> names;
    for (auto kind : all_kinds) names.emplace_back(engine::to_string(kind));
    for (auto kind : all_kinds)
      if (text && *text == engine::to_string(kind)) pattern.kind = kind;
    if (text && !pattern.kind) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      context.error(value["kind"], "unknown trace kind '" + *text + "'" + did_you_mean(*text, names), "one of: " + list);
    }
    ok = ok && pattern.kind;
  }
  auto field = [&](const char* key, std::optional<std::string>& into) {
    if (!value[key]) return;
    into = context.text(value[key], std::string("trace_contains ") + key);
    ok = ok && into;
  };
  field("node", pattern.node);
  field("peer", pattern.peer);
  field("protocol", pattern.protocol);
  field("summary", pattern.summary);
  field("message", pattern.message);
  if (value["after"]) ok = (pattern.after = context.duration(value["after"], "trace_contains after")) && ok;
  if (value["before"]) ok = (pattern.before = context.duration(value["before"], "trace_contains before")) && ok;
  std::optional<std::int64_t> at_least, at_most, exactly;
  if (value["at_least"]) ok = (at_least = context.integer(value["at_least"], "at_least", 0, 1'000'000'000)) && ok;
  if (value["at_most"]) ok = (at_most = context.integer(value["at_most"], "at_most", 0, 1'000'000'000)) && ok;
  if (value["exactly"]) ok = (exactly = context.integer(value["exactly"], "exactly", 0, 1'000'000'000)) && ok;
  if (!ok) return std::nullopt;
  if (!at_least && !at_most && !exactly) at_least = 1;

  // Counted as the records are made: `maillab run` keeps none.
  struct Tally {
    std::int64_t count = 0;
    std::string first;
  };
  auto tally = std::make_shared<Tally>();
  tally_trace(context.world.simulator.trace(), [pattern, tally](const engine::TraceRecord& r) {
    if (!pattern.matches(r)) return;
    if (tally->count++ == 0) tally->first = engine::format_seconds(r.time) + "s " + r.summary;
  });
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    const std::int64_t count = tally->count;
    const std::string& first = tally->first;
    bool passed = (!at_least || count >= *at_least) && (!at_most || count <= *at_most) && (!exactly || count == *exactly);
    std::string detail = std::to_string(count) + " matching records";
    if (!first.empty()) detail += ", first at " + first;
    return {passed, detail};
  };
  return expectation;
}

}  // namespace

void register_trace_contains(Registry& registry) { registry.add_expectation("trace_contains", parse_trace_contains); }

}  // namespace maillab::scenarios

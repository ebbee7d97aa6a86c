// The scripted part of a scenario: `events:` (timed actions) and `expect:` (end-of-run checks).
// Both are lists of small maps whose one key (besides `at`) names a registered parser.
#include "scenarios/input_limits.h"
#include "scenarios/loader_parts.h"
#include "scenarios/values.h"

namespace maillab::scenarios::loader {
namespace {

std::string list_of(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "(none built)" : out;
}

}  // namespace

void load_events(const YAML::Node& events, LoadContext& context, const Registry& registry) {
  if (!context.require_sequence(events, "events")) return;
  if (events.size() > max_events) {
    context.error(events, "events: lists " + with_thousands(events.size()) + " events, over the limit of " +
                              with_thousands(max_events),
                  "fewer events (a scenario that needs more is better split in two)");
    return;
  }
  const std::vector<std::string> actions = registry.action_keys();
  for (const auto& item : events) {
    if (!context.require_map(item, "an event")) continue;
    std::optional<engine::Time> at;
    const YAML::Node at_node = item["at"];
    if (!at_node.IsDefined()) {
      context.error(item, "event has no 'at'", "an 'at:' time, e.g. {at: 10s, link_down: [a, b]}");
    } else if (at_node.IsScalar() && !at_node.Scalar().empty() && at_node.Scalar()[0] == '-') {
      context.error(at_node, "event time " + at_node.Scalar() + " is negative", "a time at or after 0s");
    } else {
      at = context.duration(at_node, "event time");
    }
    int action_count = 0;
    for (const auto& entry : item) {
      if (!entry.first.IsScalar()) {
        context.error(entry.first, "a key in an event is " + LoadContext::describe(entry.first), "a plain word");
        continue;
      }
      const std::string key = entry.first.Scalar();
      if (key == "at") continue;
      if (++action_count == 2) {
        context.error(entry.first, "a second action '" + key + "' in one event", "one action per event (add another event)");
        continue;
      }
      if (action_count > 2) continue;
      const ActionParser* parser = registry.action(key);
      if (!parser) {
        context.error(entry.first, "unknown event action '" + key + "'" + did_you_mean(key, actions),
                      "one of: " + list_of(actions));
        continue;
      }
      auto action = guarded(context, entry.second, [&] {
        return (*parser)(entry.second, at.value_or(0), context);
      });
      if (!action || !at) continue;
      context.world.events.push_back({*at, key, key + ": " + LoadContext::one_line(entry.second), context.location(entry.first)});
      context.world.simulator.schedule_at(*at, std::move(*action));
    }
    if (action_count == 0) context.error(item, "event has no action", "one of: " + list_of(actions));
  }
}

void load_expectations(const YAML::Node& expect, LoadContext& context, const Registry& registry) {
  if (!context.require_sequence(expect, "expect")) return;
  const std::vector<std::string> kinds = registry.expectation_keys();
  for (const auto& item : expect) {
    if (!item.IsMap() || item.size() != 1) {
      context.error(item, "an expectation is " + LoadContext::describe(item) +
                              (item.IsMap() ? " of " + std::to_string(item.size()) + " keys" : ""),
                    "a map with one key naming the check, e.g. {packets_dropped: {at_least: 1}}");
      continue;
    }
    const auto entry = *item.begin();
    if (!entry.first.IsScalar()) {
      context.error(entry.first, "an expectation kind is " + LoadContext::describe(entry.first), "a plain word");
      continue;
    }
    const std::string key = entry.first.Scalar();
    const ExpectationParser* parser = registry.expectation(key);
    if (!parser) {
      context.error(entry.first, "unknown expectation '" + key + "'" + did_you_mean(key, kinds),
                    "one of: " + list_of(kinds));
      continue;
    }
    auto expectation = guarded(context, entry.second, [&] { return (*parser)(entry.second, context); });
    if (!expectation) continue;
    expectation->where = context.location(entry.first);
    if (expectation->description.empty()) expectation->description = key + ": " + LoadContext::one_line(entry.second);
    context.world.expectations.push_back(std::move(*expectation));
  }
}

}  // namespace maillab::scenarios::loader

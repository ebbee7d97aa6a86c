#include "viz/model/journaled_scene.h"

namespace maillab::viz {

using engine::Time;

UserAction UserAction::link_up(std::size_t link_id, bool up, std::string label) {
  return {std::string(up ? "bring link " : "take link ") + label + (up ? " up" : " down"),
          [link_id, up](Scene& scene) { scene.set_link_up(link_id, up); }};
}

UserAction UserAction::node_up(std::string name, bool up) {
  return {std::string(up ? "restart " : "crash ") + name,
          [name, up](Scene& scene) { scene.set_node_up(name, up); }};
}

std::uint64_t advance_journaled(JournaledScene& run, const std::vector<JournalEntry>& journal,
                                std::uint64_t max_events, std::optional<Time> until, ActionsAtStop at_stop,
                                const std::function<void(const engine::Simulator&)>& after_step) {
  engine::Simulator& simulator = run.simulator();
  std::uint64_t ran = 0;
  for (;;) {
    if (ran >= max_events && at_stop == ActionsAtStop::leave) break;
    // Actions the user took right after this many events. In the original run the clock was at
    // entry.time then, and no event due at or before it was left (or the clock sat on an event's
    // time after a step), so moving the clock there runs nothing.
    bool blocked = false;
    while (run.next_journal < journal.size() && journal[run.next_journal].executed == simulator.executed()) {
      const JournalEntry& entry = journal[run.next_journal];
      if (until && entry.time > *until) {
        blocked = true;
        break;
      }
      if (entry.time > simulator.now()) simulator.run_until(entry.time);
      entry.action.apply(*run.scene);
      ++run.next_journal;
    }
    if (blocked || ran >= max_events) break;
    const std::optional<Time> next = simulator.next_event_time();
    if (!next || (until && *next > *until)) break;
    if (!simulator.step()) break;
    ++ran;
    if (after_step) after_step(simulator);
  }
  if (until && *until > simulator.now()) simulator.run_until(*until);
  return ran;
}

void stop_keeping_records(Scene& scene) {
  if (scene.shares_trace()) return;
  engine::Trace& trace = scene.simulator().trace();
  trace.set_keep_records(false);
  trace.set_fingerprinting(false);
}

}  // namespace maillab::viz

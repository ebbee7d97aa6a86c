// A scene and how far through the user's journal it has come, and the one forward path every
// scene takes: the current scene (viz/model/replay.h) and the parked ones of the checkpoint ladder
// (viz/model/checkpoint_ladder.h) alike. Running them all through the same function is what makes
// them run the same events and apply each user action at the same point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viz/model/scene.h"

namespace maillab::viz {

struct UserAction {
  std::string description;            // "take link mta <-> router down"
  std::function<void(Scene&)> apply;  // must be deterministic

  static UserAction link_up(std::size_t link_id, bool up, std::string label);
  static UserAction node_up(std::string name, bool up);
};

struct JournalEntry {
  UserAction action;
  std::uint64_t executed = 0;  // Simulator::executed() when it was applied
  engine::Time time = 0;       // Simulator::now() when it was applied
};

struct JournaledScene {
  std::unique_ptr<Scene> scene;
  std::size_t next_journal = 0;  // the first journal entry not yet applied to it

  engine::Simulator& simulator() const { return scene->simulator(); }
  std::uint64_t executed() const { return scene->simulator().executed(); }
};

// Whether the actions journaled at the point where a forward run stops are applied before it
// returns. The current scene applies them (the state right after the user acted is the state at
// that point); a parked scene leaves them, so that a jump to a time before them (same event
// count, earlier clock) can still start from it.
enum class ActionsAtStop { apply, leave };

// Runs at most `max_events` events and not past `until` (when set, the clock ends at `until`),
// applying each journal entry when the scene reaches its event count; an entry past `until` stops
// the run before it. Calls `after_step` after each event when set. Returns the events run.
std::uint64_t advance_journaled(JournaledScene& run, const std::vector<JournalEntry>& journal,
                                std::uint64_t max_events, std::optional<engine::Time> until, ActionsAtStop at_stop,
                                const std::function<void(const engine::Simulator&)>& after_step = {});

// A scene's trace with nobody reading it makes no records (engine::Trace::wanted()): what a
// fast-forward and a parked scene want. A scene whose trace someone else reads is left alone.
void stop_keeping_records(Scene& scene);

}  // namespace maillab::viz

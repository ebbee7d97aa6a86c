// Moving a scene through simulated time, forwards and backwards.
//
// The records the views read are the controller's RecordLog (viz/model/record_log.h), fed by a
// listener on the scene's trace; the trace itself keeps none (unless the scene shares it).
//
// Forwards is the simulator's own stepping. Backwards is replay: a fresh scene from the same
// factory (same file, same seed) run to the wanted point — determinism makes that exact. A replay
// fast-forwards: until shortly before its target nobody listens to the trace, so the engine makes
// no record at all (engine::Trace::wanted(); skipped records are still numbered), and only the
// last stretch (ReplayWindow) is recorded into the log. The records a replay holds are the very
// records, with the very indices, that a straight run holds at that point; the ones before the
// window are not held (the event log says where it starts). Where that stretch starts is found in
// marks the controller takes as it runs: the clock every 1,024 events. Things
// the user does from the UI (take a link down, crash a host, later: change a DNS record) are
// UserActions: applied between events, and written in a journal stamped with the number of events
// executed and the clock at that moment, so a replay re-applies each at exactly the same point.
// Journal entries past the replay point are kept: stepping forward again re-applies them, so
// going back and forth always shows the same run.
//
// A replay does not always start from time zero: the controller keeps a few parked scenes at
// earlier points of the run (viz/model/checkpoint_ladder.h), refilled a slice at a time
// (refill_checkpoints), and a replay starts from the latest one at or before where it must start
// recording. What it then holds is the same as from zero: the same events ran, in the same order,
// with the same actions at the same points.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viz/model/checkpoint_ladder.h"
#include "viz/model/journaled_scene.h"
#include "viz/model/record_log.h"
#include "viz/model/scene.h"

namespace maillab::viz {

// What a replay records before its target, and how much the log holds.
struct ReplayWindow {
  // Events recorded before the target (fewer when the target is nearer the start). The recording
  // starts earlier still when needed to hold every hop that can be in the air at the target: no
  // later than the longest hop the log has heard before the target.
  std::uint64_t events = 20'000;
  // Records the log holds at most: a long run keeps its latest records, not all (RecordLog).
  std::size_t log_capacity = 262'144;
  // Parked scenes kept for jumps back (0: every replay starts from time zero), and the age in
  // events behind the present of the youngest band of them (viz/model/checkpoint_ladder.h). Each
  // is a whole World in memory (bench/README.md, scrub, gives what one costs).
  std::size_t checkpoints = 6;
  std::uint64_t checkpoint_spacing = 8192;
};

class ReplayController {
 public:
  explicit ReplayController(SceneFactory factory, ReplayWindow window = {});

  Scene& scene() { return *current_.scene; }
  // The current scene's trace records, numbered as in the trace.
  const RecordLog& records() const { return log_; }
  engine::Simulator& simulator() { return current_.simulator(); }
  engine::Time now() { return current_.simulator().now(); }
  // Changes every time the scene is replaced (replay, restart): views over the old trace reset.
  std::uint64_t generation() const { return generation_; }

  // Forwards: runs events up to `time`; backwards: replays a fresh scene to it.
  void run_to(engine::Time time);
  // Runs exactly one event; false when none is left.
  bool step_event();
  // Runs events until one appends a record for which `wanted` is true; false if none came within
  // `max_events` events or the event list ran dry.
  bool step_until(const std::function<bool(const engine::TraceRecord&)>& wanted, std::uint64_t max_events = 200000);
  // Back to the state after one event fewer; false at the start.
  bool step_back();
  // Replays a fresh scene to exactly `executed` events.
  void replay_to_executed(std::uint64_t executed);
  // Replays a fresh scene to `time`.
  void replay_to_time(engine::Time time);
  // A fresh scene at time zero; the journal is forgotten.
  void restart();

  // Applies an action now and journals it.
  void apply(UserAction action);
  const std::vector<JournalEntry>& journal() const { return journal_; }

  // One slice of background work on the parked scenes: at most `budget` events (and perhaps one
  // fresh scene made). Returns the events run; 0 once the ladder is complete for where the
  // current scene is. The GUI calls it every frame; nothing else needs it for correctness.
  std::uint64_t refill_checkpoints(std::uint64_t budget);
  const CheckpointLadder& checkpoints() const { return ladder_; }
  // The event count the last replay started from: a parked scene's, or 0 (a fresh scene).
  std::uint64_t last_replay_origin() const { return last_replay_origin_; }

 private:
  static constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();
  struct Mark {
    std::uint64_t executed = 0;
    engine::Time time = 0;
  };
  static constexpr std::uint64_t mark_every = 1024;
  // A scene from the factory at time zero, its trace unheard.
  JournaledScene fresh_scene();
  // Lets the current scene go, and the log with it.
  void drop_scene();
  // Makes `run` the current scene (a new generation); the log starts over, and hears it at once
  // only when the trace is shared (attach_log() otherwise).
  void install(JournaledScene run);
  void attach_log();
  // The executed count at which a replay to `executed` events / to time `time` starts recording.
  std::uint64_t recording_start(std::uint64_t executed, engine::Time time) const;
  // Replays to `executed` events, not past `until`; the target's clock is at least
  // `time_at_least`. Going back within what the log holds, from the latest parked scene at or
  // before the target, unheard: the log is cut back to the target and kept. Otherwise from the
  // latest parked scene at or before `start` (else a fresh one): fast-forwards to `start` events
  // unheard, then records up to the target.
  void replay(std::uint64_t start, std::uint64_t executed, std::optional<engine::Time> until,
              engine::Time time_at_least);
  // True when the log holds every hop that can be in the air at `time`.
  bool log_holds_flights_at(engine::Time time) const;
  // The first way of replay(); false (nothing done) when it does not apply.
  bool replay_within_log(std::uint64_t executed, std::optional<engine::Time> until, engine::Time time_at_least);
  void take_mark(const engine::Simulator& simulator);
  // The current scene's forward path (advance_journaled, taking marks). Returns the events run.
  std::uint64_t advance(std::uint64_t max_events, std::optional<engine::Time> until);

  SceneFactory factory_;
  ReplayWindow window_;
  std::vector<Mark> marks_;        // (executed, clock) every mark_every events of this run
  engine::Time longest_hop_ = 0;   // of every hop the log has heard
  RecordLog log_;  // before current_ and tap_: the scene's listener may outlive neither
  std::unique_ptr<RecordTap> tap_;
  JournaledScene current_;
  std::uint64_t generation_ = 0;
  std::vector<JournalEntry> journal_;
  CheckpointLadder ladder_;
  std::uint64_t last_replay_origin_ = 0;
};

// Playback speed: a slider position in [0, 1] maps to 0.01x .. 1000x real time on a log scale.
double speed_from_slider(double position);
double slider_from_speed(double speed);

// Turns wall-clock frame times into simulated time at a speed, keeping the fractions of a
// microsecond so that slow speeds still move.
class PlaybackClock {
 public:
  bool playing = false;
  double speed = 0.02;
  engine::Time advance(double wall_seconds);

 private:
  double carry_ = 0;
};

}  // namespace maillab::viz

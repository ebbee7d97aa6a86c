// Checkpoints for going back in a long run: parked scenes.
//
// A World cannot be copied (its event list holds closures over live objects), so a checkpoint
// cannot be a snapshot. It is a whole scene instead, made by the same deterministic factory and
// run silently (its trace unheard, so it makes no records) along the same journal of user actions
// as the current scene, then left waiting at an earlier point of the run. A jump back to a target
// takes the latest parked scene at or before it and runs only from there: the cost is bounded by
// the spacing of the parked scenes instead of by how far into the run the target is.
//
// A parked scene is consumed when it is used (it becomes the current scene), and a scene only
// runs forwards, so the ladder is kept by moving parked scenes forward, a bounded slice of events
// at a time (refill(): the GUI calls it every frame with a small budget, headless callers as they
// like). Where they go: dense near the present and sparser further back, in bands of age (events
// behind the present) four times wider each: [1, s), [s, 4s), [4s, 16s), ... with s the spacing
// (six scenes at s = 8,192 reach back two million events). Capacity the bands leave unused (a run
// younger than the last band) goes to scenes halving the way from time zero to the oldest parked
// scene, so a jump far back is not a run from zero. The nearest empty band is filled first,
// by the youngest spare scene behind it (older than every band, or one of two in a band), else by
// a fresh scene while fewer than the capacity are parked. A step back or a short jump finds a
// scene about s/2 events behind; when it takes that one, the next band's scene moves up to replace
// it (at most 4s events) and a fresh one fills the hole further back. Any ladder that
// follows the present costs events: a parked scene near event N has run N events, so keeping k of
// them near the end of a run of N events costs about k*N events in all (bench/README.md, scrub).
//
// Each parked scene has applied exactly the journal entries before its own event count: the ones
// at its count are left (ActionsAtStop::leave), since a jump to an earlier clock at that same
// count must not see them. An action the user applies after going back changes the run from
// that point on: the parked scenes past it describe another run and are dropped (drop_after).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "viz/model/journaled_scene.h"

namespace maillab::viz {

class CheckpointLadder {
 public:
  // At most `capacity` parked scenes (0: no checkpoints); `spacing` is the age in events of the
  // youngest band's far end.
  CheckpointLadder(std::size_t capacity, std::uint64_t spacing);

  // Takes out the latest parked scene at or before `executed` events whose clock is at or before
  // `time`; nothing when there is none.
  std::optional<JournaledScene> take(std::uint64_t executed, engine::Time time);
  // Forgets the parked scenes that ran more than `executed` events (the run changed there).
  void drop_after(std::uint64_t executed);
  void clear();
  // No checkpoints are made: the scenes' trace is shared (a lesson's World is one World, whatever
  // the factory returns), or the capacity is 0.
  void disable() { capacity_ = 0; clear(); }

  // One slice of work towards the ladder behind `present` (the current scene's event count):
  // runs at most `budget` events in parked scenes, and may make one fresh scene. Returns the
  // events run; 0 when the ladder is complete for this present (settled).
  std::uint64_t refill(std::uint64_t present, std::uint64_t budget, const SceneFactory& factory,
                       const std::vector<JournalEntry>& journal);

  std::size_t size() const { return parked_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t spacing() const { return spacing_; }
  // The event counts the parked scenes are at, ascending.
  std::vector<std::uint64_t> points() const;
  // Events run in parked scenes since made (what the ladder has cost).
  std::uint64_t events_run() const { return events_run_; }

 private:
  struct Parked {
    JournaledScene run;
    std::uint64_t goal = 0;  // the count it is moving to; at or below its count when parked
    bool far_back = false;   // made by plan_far_back: in no band, and never a band's donor
  };
  // Sets a goal for one parked scene (or a fresh one); false when the ladder is complete.
  bool plan(std::uint64_t present, const SceneFactory& factory);
  // When every band the run is old enough for holds a scene and capacity is left: a fresh scene
  // halfway between time zero and the oldest parked scene behind the present, so that a jump far
  // back runs at most half as far as from zero (again halfway, while capacity lasts).
  bool plan_far_back(std::uint64_t present, const SceneFactory& factory);
  // The parked scene that has run the most events (the first to give way when it is ahead of
  // the present); end() when none is parked.
  std::vector<Parked>::iterator furthest_ahead();
  // The band of a scene `age` events behind the present.
  std::size_t band_of(std::uint64_t age) const;
  // The age a scene moved into band `band` is given: as young as the band allows (it stays
  // there longest), except the first band's middle (so a step back finds it behind the present).
  std::uint64_t goal_age(std::size_t band) const;

  std::size_t capacity_;
  std::uint64_t spacing_;
  std::vector<Parked> parked_;
  std::optional<std::size_t> moving_;  // index into parked_ of the scene on its way to its goal
  std::uint64_t events_run_ = 0;
};

}  // namespace maillab::viz

#include "viz/model/replay.h"

#include <algorithm>
#include <cmath>

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

ReplayController::ReplayController(SceneFactory factory) : factory_(std::move(factory)) { fresh_scene(); }

void ReplayController::fresh_scene() {
  if (tap_) tap_->close();  // a shared trace lives on: the old listener must stop writing here
  scene_.reset();           // the old one first: two big worlds at once are not needed
  scene_ = factory_();
  ++generation_;
  next_journal_ = 0;
  attach_log();
}

void ReplayController::attach_log() {
  log_.clear();
  engine::Trace& trace = scene_->simulator().trace();
  if (!scene_->shares_trace()) {
    trace.set_keep_records(false);  // the log keeps what the views read
  } else {
    for (const auto& record : trace.records()) log_.append(record);  // what the owner ran already
  }
  tap_ = std::make_unique<RecordTap>(log_);
  trace.subscribe(tap_->listener());
}

std::uint64_t ReplayController::advance(std::uint64_t max_events, std::optional<Time> until) {
  engine::Simulator& simulator = scene_->simulator();
  std::uint64_t ran = 0;
  for (;;) {
    // Actions the user took right after this many events. In the original run the clock was at
    // entry.time then, and no event due at or before it was left (or the clock sat on an event's
    // time after a step), so moving the clock there runs nothing.
    bool blocked = false;
    while (next_journal_ < journal_.size() && journal_[next_journal_].executed == simulator.executed()) {
      const JournalEntry& entry = journal_[next_journal_];
      if (until && entry.time > *until) {
        blocked = true;
        break;
      }
      if (entry.time > simulator.now()) simulator.run_until(entry.time);
      entry.action.apply(*scene_);
      ++next_journal_;
    }
    if (blocked || ran >= max_events) break;
    const std::optional<Time> next = simulator.next_event_time();
    if (!next || (until && *next > *until)) break;
    if (!simulator.step()) break;
    ++ran;
  }
  if (until && *until > simulator.now()) simulator.run_until(*until);
  return ran;
}

void ReplayController::run_to(Time time) {
  if (time < now()) {
    replay_to_time(time);
  } else {
    advance(unlimited, time);
  }
}

bool ReplayController::step_event() { return advance(1, std::nullopt) == 1; }

bool ReplayController::step_until(const std::function<bool(const engine::TraceRecord&)>& wanted,
                                  std::uint64_t max_events) {
  const RecordLog& records = log_;
  for (std::uint64_t i = 0; i < max_events; ++i) {
    const std::size_t before = records.size();
    if (advance(1, std::nullopt) == 0) return false;
    for (std::size_t r = before; r < records.size(); ++r) {
      if (wanted(records[r])) return true;
    }
  }
  return false;
}

bool ReplayController::step_back() {
  const std::uint64_t executed = simulator().executed();
  if (executed == 0) return false;
  replay_to_executed(executed - 1);
  return true;
}

void ReplayController::replay_to_executed(std::uint64_t executed) {
  fresh_scene();
  advance(executed, std::nullopt);
}

void ReplayController::replay_to_time(Time time) {
  fresh_scene();
  advance(unlimited, std::max<Time>(time, 0));
}

void ReplayController::restart() {
  journal_.clear();
  fresh_scene();
}

void ReplayController::apply(UserAction action) {
  action.apply(*scene_);
  JournalEntry entry{std::move(action), simulator().executed(), now()};
  journal_.insert(journal_.begin() + std::ptrdiff_t(next_journal_), std::move(entry));
  ++next_journal_;
}

double speed_from_slider(double position) { return std::pow(10.0, -2.0 + 5.0 * std::clamp(position, 0.0, 1.0)); }

double slider_from_speed(double speed) {
  return std::clamp((std::log10(std::max(speed, 1e-9)) + 2.0) / 5.0, 0.0, 1.0);
}

Time PlaybackClock::advance(double wall_seconds) {
  if (!playing || wall_seconds <= 0) return 0;
  const double microseconds = wall_seconds * speed * 1e6 + carry_;
  const double whole = std::floor(microseconds);
  carry_ = microseconds - whole;
  return Time(whole);
}

}  // namespace maillab::viz

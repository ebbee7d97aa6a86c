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

ReplayController::ReplayController(SceneFactory factory, ReplayWindow window)
    : factory_(std::move(factory)), window_(window) {
  log_.set_capacity(window_.log_capacity);
  fresh_scene();
}

void ReplayController::fresh_scene(bool recording) {
  if (tap_) tap_->close();  // a shared trace lives on: the old listener must stop writing here
  tap_.reset();
  longest_hop_ = std::max(longest_hop_, log_.longest_hop());
  log_.clear();
  scene_.reset();  // the old one first: two big worlds at once are not needed
  scene_ = factory_();
  ++generation_;
  next_journal_ = 0;
  engine::Trace& trace = scene_->simulator().trace();
  if (!scene_->shares_trace()) {
    // The log keeps what the views read, and nobody compares this run's fingerprint: with no
    // listener either, a fast-forward makes no record at all (Trace::wanted()).
    trace.set_keep_records(false);
    trace.set_fingerprinting(false);
  }
  if (recording || scene_->shares_trace()) attach_log();
}

void ReplayController::attach_log() {
  engine::Trace& trace = scene_->simulator().trace();
  if (scene_->shares_trace()) {
    for (const auto& record : trace.records()) log_.append(record);  // what the owner ran already
  }
  tap_ = std::make_unique<RecordTap>(log_);
  trace.subscribe(tap_->listener());
}

void ReplayController::take_mark() {
  const engine::Simulator& simulator = scene_->simulator();
  const std::uint64_t executed = simulator.executed();
  if (executed % mark_every != 0 || (!marks_.empty() && marks_.back().executed >= executed)) return;
  marks_.push_back({executed, simulator.now()});
}

std::uint64_t ReplayController::recording_start(std::uint64_t executed, Time time) const {
  std::uint64_t start = executed > window_.events ? executed - window_.events : 0;
  // The latest mark whose clock is at least the longest hop before the target: every hop still
  // in the air at the target departed after it.
  const Time horizon = time - std::max<Time>(longest_hop_, log_.longest_hop());
  auto after = std::upper_bound(marks_.begin(), marks_.end(), horizon,
                                [](Time t, const Mark& mark) { return t < mark.time; });
  const std::uint64_t safe = after == marks_.begin() ? 0 : std::prev(after)->executed;
  return std::min(start, safe);
}

void ReplayController::replay(std::uint64_t start, std::uint64_t executed, std::optional<Time> until) {
  fresh_scene(start == 0);
  if (!tap_) {  // fast-forward unheard, then listen
    advance(start, std::nullopt);
    attach_log();
  }
  advance(executed - std::min(executed, scene_->simulator().executed()), until);
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
    take_mark();
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
  // The clock at that point, as the marks know it (at or before it): for the hops' margin.
  auto mark = std::upper_bound(marks_.begin(), marks_.end(), executed,
                               [](std::uint64_t e, const Mark& m) { return e < m.executed; });
  const Time time = mark == marks_.begin() ? 0 : std::prev(mark)->time;
  replay(recording_start(executed, time), executed, std::nullopt);
}

void ReplayController::replay_to_time(Time time) {
  time = std::max<Time>(time, 0);
  // Events run by then, as the marks know it (the first mark past it, else the run so far).
  auto mark = std::upper_bound(marks_.begin(), marks_.end(), time,
                               [](Time t, const Mark& m) { return t < m.time; });
  const std::uint64_t executed = mark == marks_.end() ? scene_->simulator().executed() : mark->executed;
  // Fast-forwarding stops at a mark at or before `time`, so no event past it runs unrecorded.
  replay(recording_start(executed, time), unlimited, time);
}

void ReplayController::restart() {
  journal_.clear();
  marks_.clear();
  fresh_scene();
}

void ReplayController::apply(UserAction action) {
  // The run changes from here on: marks past this point describe another run.
  const std::uint64_t executed = simulator().executed();
  std::erase_if(marks_, [executed](const Mark& mark) { return mark.executed > executed; });
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

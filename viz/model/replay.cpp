#include "viz/model/replay.h"

#include <algorithm>
#include <cmath>

namespace maillab::viz {

using engine::Time;

ReplayController::ReplayController(SceneFactory factory, ReplayWindow window)
    : factory_(std::move(factory)), window_(window), ladder_(window.checkpoints, window.checkpoint_spacing) {
  log_.set_capacity(window_.log_capacity);
  install(fresh_scene());
  // A shared trace's scene is one World whatever the factory returns (a lesson's): nothing to park.
  if (current_.scene->shares_trace()) ladder_.disable();
  if (!tap_) attach_log();
}

JournaledScene ReplayController::fresh_scene() {
  JournaledScene run{factory_(), 0};
  // The log keeps what the views read, and nobody compares this run's fingerprint: with no
  // listener either, a fast-forward makes no record at all (Trace::wanted()).
  stop_keeping_records(*run.scene);
  return run;
}

void ReplayController::drop_scene() {
  if (tap_) tap_->close();  // a shared trace lives on: the old listener must stop writing here
  tap_.reset();
  longest_hop_ = std::max(longest_hop_, log_.longest_hop());
  log_.clear();
  current_.scene.reset();
}

void ReplayController::install(JournaledScene run) {
  drop_scene();
  current_ = std::move(run);
  ++generation_;
  if (current_.scene->shares_trace()) attach_log();
}

void ReplayController::attach_log() {
  engine::Trace& trace = current_.simulator().trace();
  if (current_.scene->shares_trace()) {
    for (const auto& record : trace.records()) log_.append(record);  // what the owner ran already
  }
  tap_ = std::make_unique<RecordTap>(log_);
  trace.subscribe(tap_->listener());
}

void ReplayController::take_mark(const engine::Simulator& simulator) {
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

bool ReplayController::log_holds_flights_at(Time time) const {
  if (log_.empty()) return false;
  if (log_.first() == 0) return true;
  // Every hop in the air at `time` departed after time - longest hop; records come in time
  // order, so one held from before that means all of them are.
  return log_[log_.first()].time < time - std::max<Time>(longest_hop_, log_.longest_hop());
}

bool ReplayController::replay_within_log(std::uint64_t executed, std::optional<Time> until, Time time_at_least) {
  const bool backwards = until ? *until <= now() : executed <= current_.executed();
  if (!backwards || current_.scene->shares_trace() || !log_holds_flights_at(time_at_least)) return false;
  std::optional<JournaledScene> parked = ladder_.take(executed, until.value_or(std::numeric_limits<Time>::max()));
  if (!parked) return false;
  // The log stays: it holds the records of this very run up to the target, and more.
  tap_->close();
  tap_.reset();
  current_ = std::move(*parked);
  ++generation_;
  last_replay_origin_ = current_.executed();
  advance(executed - std::min(executed, current_.executed()), until);  // unheard
  log_.truncate(std::size_t(current_.simulator().trace().count()));
  attach_log();
  return true;
}

void ReplayController::replay(std::uint64_t start, std::uint64_t executed, std::optional<Time> until,
                              Time time_at_least) {
  if (replay_within_log(executed, until, time_at_least)) return;
  std::optional<JournaledScene> parked = ladder_.take(start, until.value_or(std::numeric_limits<Time>::max()));
  if (parked) {
    install(std::move(*parked));
  } else {
    drop_scene();  // the old scene first: two big worlds at once are not needed
    install(fresh_scene());
  }
  last_replay_origin_ = current_.executed();
  if (!tap_ && current_.executed() < start) advance(start - current_.executed(), std::nullopt);  // unheard
  if (!tap_) attach_log();
  advance(executed - std::min(executed, current_.executed()), until);
}

std::uint64_t ReplayController::advance(std::uint64_t max_events, std::optional<Time> until) {
  return advance_journaled(current_, journal_, max_events, until, ActionsAtStop::apply,
                           [this](const engine::Simulator& simulator) { take_mark(simulator); });
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
  replay(recording_start(executed, time), executed, std::nullopt, time);
}

void ReplayController::replay_to_time(Time time) {
  time = std::max<Time>(time, 0);
  // Events run by then, as the marks know it (the first mark past it, else the run so far).
  auto mark = std::upper_bound(marks_.begin(), marks_.end(), time,
                               [](Time t, const Mark& m) { return t < m.time; });
  const std::uint64_t executed = mark == marks_.end() ? current_.simulator().executed() : mark->executed;
  // Fast-forwarding stops at a mark at or before `time`, so no event past it runs unrecorded.
  replay(recording_start(executed, time), unlimited, time, time);
}

void ReplayController::restart() {
  journal_.clear();
  marks_.clear();
  ladder_.clear();
  drop_scene();
  install(fresh_scene());
  if (!tap_) attach_log();
}

std::uint64_t ReplayController::refill_checkpoints(std::uint64_t budget) {
  return ladder_.refill(current_.executed(), budget, factory_, journal_);
}

void ReplayController::apply(UserAction action) {
  // The run changes from here on: marks past this point describe another run.
  const std::uint64_t executed = simulator().executed();
  std::erase_if(marks_, [executed](const Mark& mark) { return mark.executed > executed; });
  // So do the parked scenes past it. One parked at this very count has not applied the entries
  // here yet (ActionsAtStop::leave) and will apply this one too: it stays.
  ladder_.drop_after(executed);
  action.apply(*current_.scene);
  JournalEntry entry{std::move(action), simulator().executed(), now()};
  journal_.insert(journal_.begin() + std::ptrdiff_t(current_.next_journal), std::move(entry));
  ++current_.next_journal;
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

#include "viz/model/checkpoint_ladder.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace maillab::viz {

CheckpointLadder::CheckpointLadder(std::size_t capacity, std::uint64_t spacing)
    : capacity_(capacity), spacing_(std::max<std::uint64_t>(spacing, 2)) {}

std::optional<JournaledScene> CheckpointLadder::take(std::uint64_t executed, engine::Time time) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < parked_.size(); ++i) {
    const JournaledScene& run = parked_[i].run;
    if (run.executed() > executed || run.simulator().now() > time) continue;
    if (!best || run.executed() > parked_[*best].run.executed()) best = i;
  }
  if (!best) return std::nullopt;
  JournaledScene taken = std::move(parked_[*best].run);
  parked_.erase(parked_.begin() + std::ptrdiff_t(*best));
  moving_.reset();  // indices moved; the next refill plans again
  return taken;
}

void CheckpointLadder::drop_after(std::uint64_t executed) {
  std::erase_if(parked_, [executed](const Parked& parked) { return parked.run.executed() > executed; });
  moving_.reset();
}

void CheckpointLadder::clear() {
  parked_.clear();
  moving_.reset();
}

std::vector<std::uint64_t> CheckpointLadder::points() const {
  std::vector<std::uint64_t> out;
  for (const Parked& parked : parked_) out.push_back(parked.run.executed());
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t CheckpointLadder::band_of(std::uint64_t age) const {
  if (age < spacing_) return 0;
  return std::size_t((std::bit_width(age / spacing_) + 1) / 2);  // [s, 4s) -> 1, [4s, 16s) -> 2, ...
}

std::uint64_t CheckpointLadder::goal_age(std::size_t band) const {
  if (band == 0) return spacing_ / 2;
  const std::size_t shift = 2 * (band - 1);
  if (shift >= 64 || (spacing_ >> (64 - shift - 1)) != 0) return std::numeric_limits<std::uint64_t>::max();
  return spacing_ << shift;
}

std::vector<CheckpointLadder::Parked>::iterator CheckpointLadder::furthest_ahead() {
  return std::max_element(parked_.begin(), parked_.end(),
                          [](const Parked& a, const Parked& b) { return a.run.executed() < b.run.executed(); });
}

bool CheckpointLadder::plan(std::uint64_t present, const SceneFactory& factory) {
  if (capacity_ == 0) return false;
  std::vector<std::size_t> in_band(capacity_ + 1, 0);  // the last counts those older than every band
  for (const Parked& parked : parked_) {
    if (!parked.far_back && parked.run.executed() < present)
      ++in_band[std::min(band_of(present - parked.run.executed()), capacity_)];
  }
  for (std::size_t band = 0; band < capacity_; ++band) {
    const std::uint64_t age = goal_age(band);
    if (age >= present) return plan_far_back(present, factory);  // the run is younger than this band
    if (in_band[band] > 0) continue;
    const std::uint64_t goal = present - age;
    // The youngest spare scene behind the goal (one older than every band, or one of two in a
    // band): the cheapest move that leaves no band empty. For the nearest band, where steps back
    // and short jumps land, the youngest scene behind it even if that empties its own band: the
    // hole moves back, where a fresh scene fills it; a fresh scene straight into the nearest band
    // would leave it empty for a whole run's worth of events.
    std::optional<std::size_t> donor, nearest;
    for (std::size_t i = 0; i < parked_.size(); ++i) {
      const std::uint64_t at = parked_[i].run.executed();
      if (at >= goal || parked_[i].far_back) continue;
      if (!nearest || at > parked_[*nearest].run.executed()) nearest = i;
      const std::size_t its_band = std::min(band_of(present - at), capacity_);
      if (its_band < capacity_ && in_band[its_band] < 2) continue;
      if (!donor || at > parked_[*donor].run.executed()) donor = i;
    }
    if (!donor && band == 0) donor = nearest;
    // A far-back scene (plan_far_back) gives way to a band: it moves up when it is behind the goal,
    // and is the first to go when a fresh scene needs its place.
    std::optional<std::size_t> far;
    for (std::size_t i = 0; i < parked_.size(); ++i) {
      if (parked_[i].far_back && (!far || parked_[i].run.executed() > parked_[*far].run.executed())) far = i;
    }
    if (!donor && far && parked_[*far].run.executed() < goal) {
      donor = far;
      parked_[*far].far_back = false;
    }
    if (!donor) {
      if (parked_.size() >= capacity_) {
        // A scene parked ahead of the present (left there by a jump back) is worth less than a
        // band behind it: it serves no jump until the present passes it again.
        auto ahead = furthest_ahead();
        if (ahead != parked_.end() && ahead->run.executed() >= present)
          parked_.erase(ahead);
        else if (far)
          parked_.erase(parked_.begin() + std::ptrdiff_t(*far));
        else
          return false;
      }
      JournaledScene fresh{factory(), 0};
      stop_keeping_records(*fresh.scene);
      parked_.push_back({std::move(fresh), 0});
      donor = parked_.size() - 1;
    }
    parked_[*donor].goal = goal;
    moving_ = donor;
    return true;
  }
  return false;
}

bool CheckpointLadder::plan_far_back(std::uint64_t present, const SceneFactory& factory) {
  if (capacity_ == 0) return false;
  std::optional<std::uint64_t> oldest;
  for (const Parked& parked : parked_) {
    const std::uint64_t at = parked.run.executed();
    if (at < present && (!oldest || at < *oldest)) oldest = at;
  }
  // Below two spacings a jump from zero is as cheap as one from a scene would be.
  if (!oldest || *oldest < 2 * spacing_) return false;
  if (parked_.size() >= capacity_) {
    // Only a scene ahead of the present gives way: it serves no jump until the present passes it
    // again (a jump forward runs the current scene on), while this one serves every jump far back.
    auto ahead = furthest_ahead();
    if (ahead->run.executed() < present) return false;
    parked_.erase(ahead);
  }
  JournaledScene fresh{factory(), 0};
  stop_keeping_records(*fresh.scene);
  parked_.push_back({std::move(fresh), *oldest / 2, true});
  moving_ = parked_.size() - 1;
  return true;
}

std::uint64_t CheckpointLadder::refill(std::uint64_t present, std::uint64_t budget, const SceneFactory& factory,
                                       const std::vector<JournalEntry>& journal) {
  std::uint64_t ran = 0;
  while (ran < budget) {
    if (!moving_ && !plan(present, factory)) break;
    Parked& parked = parked_[*moving_];
    const std::uint64_t wanted = std::min(budget - ran, parked.goal - std::min(parked.goal, parked.run.executed()));
    const std::uint64_t did = advance_journaled(parked.run, journal, wanted, std::nullopt, ActionsAtStop::leave);
    ran += did;
    events_run_ += did;
    if (parked.run.executed() >= parked.goal) {
      moving_.reset();
    } else if (did < wanted) {  // its events ran out before the goal: nothing more to do here
      parked.goal = parked.run.executed();
      moving_.reset();
      break;
    }
  }
  return ran;
}

}  // namespace maillab::viz

#include "viz/model/label_placer.h"

namespace maillab::viz {

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

void LabelPlacer::clear() {
  hard_.clear();
  soft_.clear();
}

void LabelPlacer::block(const Rect& area, bool hard) { (hard ? hard_ : soft_).push_back(area); }

std::vector<Point> LabelPlacer::slots(Point at, double half, double width, double height) const {
  const double gap = 4;
  const double right = at.x + half + gap, left = at.x - half - gap - width;
  const double above = at.y - half - height + 2, below = at.y + half - 2;
  std::vector<Point> out = {{right, above}, {right, below}, {left, above}, {left, below}};
  // Further up, one line at a time, still beside the packet it names.
  for (int line = 1; line <= 2; ++line) {
    out.push_back({right, above - line * height});
    out.push_back({left, above - line * height});
  }
  return out;
}

bool LabelPlacer::covers_label(const Rect& area) const {
  for (const Rect& r : hard_) {
    if (overlaps(area, r)) return true;
  }
  return false;
}

bool LabelPlacer::covers_soft(const Rect& area) const {
  for (const Rect& r : soft_) {
    if (overlaps(area, r)) return true;
  }
  return false;
}

std::optional<Point> LabelPlacer::place(Point at, double half, double width, double height) {
  return place_at_one_of(slots(at, half, width, height), width, height);
}

std::optional<Point> LabelPlacer::place_at_one_of(const std::vector<Point>& candidates, double width, double height) {
  // The nearest slot wins, but covering a soft obstacle costs as much as moving five slots out:
  // a label goes one line up rather than over a host's name, yet stays beside its packet.
  constexpr int soft_penalty = 5;
  std::optional<Point> best;
  int best_cost = 0;
  for (std::size_t rank = 0; rank < candidates.size(); ++rank) {
    // A little air around the text: outlined glyphs reach past their advance widths.
    const Rect area{candidates[rank].x - 3, candidates[rank].y, width + 6, height};
    if (covers_label(area)) continue;
    const int cost = int(rank) + (covers_soft(area) ? soft_penalty : 0);
    if (!best || cost < best_cost) {
      best = candidates[rank];
      best_cost = cost;
    }
  }
  if (best) hard_.push_back({best->x, best->y, width, height});
  return best;
}

}  // namespace maillab::viz

// Where a packet's label goes so that labels do not print over each other. Two packets near the
// same router (a segment and its ACK crossing) used to put "STARTTLS" and "ACK 167" on the same
// pixels. Greedy, in drawing order: each label takes the first free slot around its packet —
// right above, right below, left above, left below, then stacked further up on either side —
// and blocks it for the labels after it. Deterministic: same packets, same places.
//
// Obstacles come in two strengths. Hard ones (labels already placed) are never covered. Soft
// ones (hosts' names and addresses) are avoided when a free slot is near, and covered otherwise:
// a packet that has just left a host keeps its label beside it.
#pragma once

#include <optional>
#include <vector>

#include "viz/model/geometry.h"

namespace maillab::viz {

bool overlaps(const Rect& a, const Rect& b);

class LabelPlacer {
 public:
  void clear();
  void block(const Rect& area, bool hard);

  // A label of `width` x `height` for the box of half-size `half` centred at `at`: its top-left
  // corner, or nothing when every slot would cover another label. The chosen slot is blocked.
  std::optional<Point> place(Point at, double half, double width, double height);
  // The same choice among the caller's own candidate corners, in order of preference.
  std::optional<Point> place_at_one_of(const std::vector<Point>& candidates, double width, double height);

 private:
  std::vector<Point> slots(Point at, double half, double width, double height) const;
  bool covers_label(const Rect& area) const;
  bool covers_soft(const Rect& area) const;

  std::vector<Rect> hard_;
  std::vector<Rect> soft_;
};

}  // namespace maillab::viz

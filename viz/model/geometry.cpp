#include "viz/model/geometry.h"

#include <algorithm>

namespace maillab::viz {

double distance_to_segment(Point p, Point a, Point b) {
  const Point ab = b - a;
  const double length_squared = ab.x * ab.x + ab.y * ab.y;
  if (length_squared <= 0) return distance(p, a);
  const double t = std::clamp(((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / length_squared, 0.0, 1.0);
  return distance(p, lerp(a, b, t));
}

Point Camera::to_screen(Point world) const {
  return {viewport_.x + (world.x - offset_.x) * zoom_, viewport_.y + (world.y - offset_.y) * zoom_};
}

Point Camera::to_world(Point screen) const {
  return {offset_.x + (screen.x - viewport_.x) / zoom_, offset_.y + (screen.y - viewport_.y) / zoom_};
}

void Camera::fit(Rect world) {
  if (world.width <= 0 || world.height <= 0 || viewport_.width <= 0 || viewport_.height <= 0) return;
  zoom_ = std::min(viewport_.width / world.width, viewport_.height / world.height);
  const Point world_center = world.center();
  offset_ = {world_center.x - viewport_.width / 2 / zoom_, world_center.y - viewport_.height / 2 / zoom_};
}

void Camera::pan(Point screen_delta) {
  offset_.x -= screen_delta.x / zoom_;
  offset_.y -= screen_delta.y / zoom_;
}

void Camera::zoom_at(Point screen_anchor, double factor) {
  const Point anchor_world = to_world(screen_anchor);
  zoom_ = std::clamp(zoom_ * factor, 0.05, 20.0);
  offset_ = {anchor_world.x - (screen_anchor.x - viewport_.x) / zoom_,
             anchor_world.y - (screen_anchor.y - viewport_.y) / zoom_};
}

}  // namespace maillab::viz

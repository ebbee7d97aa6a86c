// Points, rectangles and the camera that maps world coordinates (where the layout puts nodes) to
// pixels in the canvas, plus hit tests. No drawing library here: the canvas and tests share it.
#pragma once

#include <cmath>

namespace maillab::viz {

struct Point {
  double x = 0, y = 0;
};
inline Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
inline Point operator-(Point a, Point b) { return {a.x - b.x, a.y - b.y}; }
inline Point operator*(Point a, double s) { return {a.x * s, a.y * s}; }
inline double length(Point p) { return std::hypot(p.x, p.y); }
inline double distance(Point a, Point b) { return length(a - b); }
// The point `fraction` of the way from a to b (0 = a, 1 = b).
inline Point lerp(Point a, Point b, double fraction) { return a + (b - a) * fraction; }

// Distance from p to the segment a-b.
double distance_to_segment(Point p, Point a, Point b);

struct Rect {
  double x = 0, y = 0, width = 0, height = 0;
  bool contains(Point p) const { return p.x >= x && p.y >= y && p.x <= x + width && p.y <= y + height; }
  Point center() const { return {x + width / 2, y + height / 2}; }
};

// World -> screen: screen = viewport origin + (world - offset) * zoom.
class Camera {
 public:
  void set_viewport(Rect viewport) { viewport_ = viewport; }
  const Rect& viewport() const { return viewport_; }
  double zoom() const { return zoom_; }

  Point to_screen(Point world) const;
  Point to_world(Point screen) const;

  // Shows the whole world rectangle centred in the viewport.
  void fit(Rect world);
  // Drag by a screen delta.
  void pan(Point screen_delta);
  // Zooms by `factor` keeping the world point under `screen_anchor` fixed; zoom stays in [0.05, 20].
  void zoom_at(Point screen_anchor, double factor);

 private:
  Rect viewport_{0, 0, 1280, 800};
  Point offset_{0, 0};  // world point at the viewport's top-left corner
  double zoom_ = 1.0;
};

}  // namespace maillab::viz

#include "viz/visualizer_app.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/Texture.hpp>
#include <SFML/Window/Event.hpp>

#include "viz/canvas/shapes.h"
#include "viz/model/layout.h"
#include "viz/model/screen_layout.h"

namespace maillab::viz {

double default_speed(const Topology& topology) {
  std::vector<engine::Time> latencies;
  for (const auto& link : topology.links) latencies.push_back(link.latency);
  if (latencies.empty()) return 0.02;
  std::nth_element(latencies.begin(), latencies.begin() + std::ptrdiff_t(latencies.size() / 2), latencies.end());
  const double median_seconds = double(latencies[latencies.size() / 2]) / 1e6;
  return std::clamp(median_seconds / 0.8, 0.01, 1000.0);
}

namespace {
// Mesa's software renderer allocates and frees its vertex and command buffers every frame (4 MB
// of vertices at 50,000 packets). With glibc's defaults the freed top of the heap went back to the
// kernel at the end of a frame and came back as page faults in the next: perf showed 10 % of the
// process in page faults and brk, 5 CPU ms a frame at 2,000 packets. Fixing the trim threshold
// also fixes the mmap threshold (at 128 KB), which would map and unmap every large buffer each
// frame, so both are set: a GUI's heap is steady, and buffers up to 32 MB are reused from it.
void keep_a_steady_heap() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}
}  // namespace

VisualizerApp::VisualizerApp(SceneFactory factory, const AppSettings& settings, const std::string& font_path)
    : settings_(settings) {
  keep_a_steady_heap();
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) {
    error_ = "maillab gui: no display (DISPLAY is not set). Run it on a desktop, or headless with\n"
             "  xvfb-run -a -s \"-screen 0 1280x800x24\" maillab gui ... --screenshot out.png";
    return;
  }
  if (!font_.loadFromFile(font_path)) {
    error_ = "maillab gui: cannot load the font " + font_path;
    return;
  }
  replay_ = std::make_unique<ReplayController>(std::move(factory));
  state_ = std::make_unique<VisualizerState>(*replay_);
  state_->ui_scale = settings.ui_scale;
  add_standard_host_sections(sections_);
  add_standard_host_actions(actions_);
  state_->host_sections = &sections_;
  state_->host_actions = &actions_;

  // Positions are fixed for the whole session: replays bring back the same nodes.
  state_->refresh();
  // The world rectangle takes the canvas's shape so an automatic layout fills it.
  const ScreenLayout screen = compute_screen_layout(settings.width, settings.height, settings.ui_scale, true, true);
  LayoutBounds bounds;
  bounds.height = std::clamp(bounds.width * (screen.canvas.height - 46 * settings.ui_scale) / screen.canvas.width, 400.0, 1600.0);
  bounds = bounds_for(state_->topology, replay_->scene().positions(), bounds);
  const auto points = place_nodes(state_->topology, replay_->scene().positions(), bounds);
  for (std::size_t i = 0; i < points.size(); ++i) state_->layout[state_->topology.nodes[i].name] = points[i];
  state_->clock.speed = default_speed(state_->topology);

  sf::ContextSettings context;
  context.antialiasingLevel = 0;
  window_ = std::make_unique<sf::RenderWindow>(sf::VideoMode(settings.width, settings.height),
                                               sf::String::fromUtf8(settings.title.begin(), settings.title.end()),
                                               sf::Style::Default, context);
  if (!window_->isOpen()) {
    error_ = "maillab gui: could not open a window";
    return;
  }
  window_->setVerticalSyncEnabled(settings.vsync);
  imgui_ = std::make_unique<ImGuiSfml>(*window_, font_path, 15.0f * settings.ui_scale);
  canvas_ = std::make_unique<TopologyCanvas>(font_, settings.ui_scale);
  canvas_->set_world({0, 0, bounds.width, bounds.height});
}

VisualizerApp::~VisualizerApp() {
  imgui_.reset();  // before the window: ImGui's renderer needs the GL context
  if (window_) window_->close();
}

void VisualizerApp::handle_event(const sf::Event& event) {
  imgui_->process_event(event);
  VisualizerState& state = *state_;
  switch (event.type) {
    case sf::Event::Closed:
      window_->close();
      return;
    case sf::Event::Resized:
      window_->setView(sf::View(sf::FloatRect(0, 0, float(event.size.width), float(event.size.height))));
      return;
    case sf::Event::MouseButtonPressed: {
      if (imgui_->wants_mouse()) return;
      const Point at{double(event.mouseButton.x), double(event.mouseButton.y)};
      if (!canvas_->camera().viewport().contains(at)) return;
      if (event.mouseButton.button == sf::Mouse::Left) {
        dragging_ = true;
        drag_moved_ = false;
        drag_start_ = drag_last_ = at;
      } else if (event.mouseButton.button == sf::Mouse::Right && !state.lesson) {
        const auto node = canvas_->node_at(at, state);
        menu_panel_.request(node, node ? std::nullopt : canvas_->link_at(at, state));
      }
      return;
    }
    case sf::Event::MouseMoved: {
      if (!dragging_) return;
      const Point at{double(event.mouseMove.x), double(event.mouseMove.y)};
      if (distance(at, drag_start_) > 4) drag_moved_ = true;
      if (drag_moved_) {
        canvas_->camera().pan(at - drag_last_);
        camera_moved_ = true;
      }
      drag_last_ = at;
      return;
    }
    case sf::Event::MouseButtonReleased: {
      if (event.mouseButton.button != sf::Mouse::Left || !dragging_) return;
      dragging_ = false;
      if (drag_moved_) return;
      const Point at{double(event.mouseButton.x), double(event.mouseButton.y)};
      if (auto packet = canvas_->packet_at(at)) {
        state.selection.record = packet;
        const auto& record = state.records()[*packet];
        if (!record.message.empty()) state.selection.message = record.message;
      } else if (auto node = canvas_->node_at(at, state)) {
        state.selection.clear_object();
        state.selection.node = *node;
      } else if (auto link = canvas_->link_at(at, state)) {
        state.selection.clear_object();
        state.selection.link_id = link;
      } else {
        state.selection.clear_object();
        state.selection.record.reset();
      }
      return;
    }
    case sf::Event::MouseWheelScrolled: {
      if (imgui_->wants_mouse()) return;
      const Point at{double(event.mouseWheelScroll.x), double(event.mouseWheelScroll.y)};
      if (!canvas_->camera().viewport().contains(at)) return;
      canvas_->camera().zoom_at(at, std::pow(1.15, double(event.mouseWheelScroll.delta)));
      camera_moved_ = true;
      return;
    }
    case sf::Event::KeyPressed:
      if (imgui_->wants_keyboard()) return;
      if (state.lesson) {  // time moves only through the lesson
        if (event.key.code == sf::Keyboard::Home) camera_moved_ = false;
        return;
      }
      if (event.key.code == sf::Keyboard::Space) state.clock.playing = !state.clock.playing;
      if (event.key.code == sf::Keyboard::Right) queue_step_event(state);
      if (event.key.code == sf::Keyboard::Left) queue_step_back(state);
      if (event.key.code == sf::Keyboard::Home) camera_moved_ = false;  // re-frame the whole network
      return;
    default:
      return;
  }
}

void VisualizerApp::apply_queued() {
  // Commands may queue more commands (rarely); run until the queue is empty.
  while (!state_->after_frame.empty()) {
    auto commands = std::move(state_->after_frame);
    state_->after_frame.clear();
    for (auto& command : commands) command();
  }
}

namespace {
double elapsed_ms(std::chrono::steady_clock::time_point& since) {
  const auto now = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(now - since).count();
  since = now;
  return ms;
}
}  // namespace

bool VisualizerApp::frame(double wall_seconds, const std::string& capture_path) {
  VisualizerState& state = *state_;
  auto mark = std::chrono::steady_clock::now();
  sf::Event event;
  while (window_->pollEvent(event)) handle_event(event);
  if (!window_->isOpen()) return true;

  if (state.lesson) state.clock.playing = false;
  if (const engine::Time advance = state.clock.advance(wall_seconds); advance > 0) {
    replay_->run_to(state.now() + advance);
  }
  state.refresh();
  times_.simulate = elapsed_ms(mark);

  const sf::Vector2u size = window_->getSize();
  ScreenLayout layout = compute_screen_layout(size.x, size.y, state.ui_scale, state.show_log, state.show_inspector);
  Rect lesson_area;
  if (state.lesson || state.exercise) {  // both take the top of a wider right-hand column
    // The exercise panel lists goals and fields: it takes more of the column than a lesson step.
    const LessonScreen lesson = lesson_screen_layout(size.x, size.y, state.ui_scale, state.show_log,
                                                     state.show_inspector, state.exercise ? 0.72 : 0.62);
    layout = lesson.screen;
    lesson_area = lesson.lesson;
  }
  canvas_->set_viewport(layout.canvas, !camera_moved_, state.show_legend);

  imgui_->new_frame(float(wall_seconds));
  if (state.lesson) {
    lesson_panel_.draw_time_bar(state, *state.lesson, layout.time_bar);
    lesson_panel_.draw(state, *state.lesson, lesson_area);
    if (state.show_inspector) inspector_panel_.Draw(state, layout.inspector);
  } else if (state.exercise) {
    time_panel_.Draw(state, layout.time_bar);
    exercise_panel_.draw(state, *state.exercise, lesson_area);
    if (state.show_inspector) inspector_panel_.Draw(state, layout.inspector);
  } else {
    time_panel_.Draw(state, layout.time_bar);
    if (state.show_inspector) {
      inspector_panel_.Draw(state, layout.inspector);
      journey_panel_.Draw(state, layout.journey);
    }
  }
  if (state.show_log) log_panel_.Draw(state, layout.log);
  menu_panel_.Draw(state);
  times_.panels = elapsed_ms(mark);

  window_->clear(to_sf(panel_background_color));  // the canvas paints its own background
  canvas_->draw(*window_, state);
  state.flights_in_view = canvas_->packets_in_flight();
  times_.canvas = elapsed_ms(mark);
  imgui_->render();
  times_.imgui_render = elapsed_ms(mark);

  bool saved = true;
  if (!capture_path.empty()) {
    // Read back before display(): afterwards the back buffer is undefined.
    sf::Texture texture;
    saved = texture.create(size.x, size.y);
    if (saved) {
      texture.update(*window_);
      saved = texture.copyToImage().saveToFile(capture_path);
    }
  }
  window_->display();
  apply_queued();
  times_.present = elapsed_ms(mark);
  const double spent = times_.simulate + times_.panels + times_.canvas + times_.imgui_render + times_.present;
  refill_checkpoints(state.clock.playing ? std::min(settings_.checkpoint_ms_paused, settings_.frame_target_ms - spent)
                                         : settings_.checkpoint_ms_paused);
  times_.checkpoints = elapsed_ms(mark);
  return saved;
}

void VisualizerApp::refill_checkpoints(double milliseconds) {
  // A slice of 256 events is well under a millisecond even for a big world's events (~3 us each),
  // so the budget is overrun by at most that; a fresh scene's load is the one longer step.
  constexpr std::uint64_t slice = 256;
  const auto start = std::chrono::steady_clock::now();
  while (milliseconds > 0 && replay_->refill_checkpoints(slice) > 0) {
    if (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() >= milliseconds) break;
  }
}

void VisualizerApp::write_geometry(const std::string& path) {
  std::ofstream out(path);
  canvas_->write_geometry(out, *state_);
}

}  // namespace maillab::viz

// The state every panel and the canvas share during one frame (Tracy's "view-only state in a
// plain struct"): the replay controller that owns the scene, the topology and flights derived
// from it, what is selected, and commands queued during the frame. Panels never change the scene
// while ImGui is building the frame; they push closures onto `after_frame`, applied between frames.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "viz/model/filters.h"
#include "viz/model/flights.h"
#include "viz/model/geometry.h"
#include "viz/model/replay.h"
#include "viz/model/tls_view.h"
#include "viz/model/topology.h"

namespace maillab::lessons {
class LessonSession;
}  // namespace maillab::lessons

namespace maillab::viz {

class HostInspectorSections;
class HostActionRegistry;
using lessons::LessonSession;
class ExerciseSession;

struct Selection {
  std::string node;                     // a host or router, by name
  std::optional<std::size_t> link_id;   // engine link id
  std::optional<std::size_t> record;    // a trace record (a packet or an event)
  std::string message;                  // the message whose journey is shown
  void clear_object() {
    node.clear();
    link_id.reset();
  }
};

struct VisualizerState {
  explicit VisualizerState(ReplayController& replay_controller) : replay(replay_controller) {}

  ReplayController& replay;
  PlaybackClock clock;
  Topology topology;                     // the scene's, brought up to date every frame
  std::map<std::string, Point> layout;   // world position of every node, fixed for the session
  FlightIndex flights;
  TlsConnectionIndex tls;                // which connections have begun TLS (padlocks)
  std::uint64_t flights_generation = 0;  // replay generation the flight index was built from
  std::uint64_t topology_generation = 0; // replay generation `topology` was taken from
  Selection selection;
  std::vector<std::function<void()>> after_frame;
  std::string status;                    // one line for the time bar ("no more events")
  float ui_scale = 1.0f;
  bool show_legend = true;
  bool show_log = true;
  bool show_inspector = true;
  std::size_t label_limit = 40;          // packet labels are drawn when at most this many fly
  std::size_t flights_in_view = 0;       // packets drawn last frame
  HostInspectorSections* host_sections = nullptr;
  HostActionRegistry* host_actions = nullptr;
  // Lesson mode (viz/panels/lesson_panel.h): the lesson owns the World and the clock, so playback,
  // stepping keys and faults from the UI are off and time moves only through the lesson's steps.
  LessonSession* lesson = nullptr;
  // Exercise mode (viz/panels/exercise_panel.h): the edit panel beside a replay of the graded run.
  ExerciseSession* exercise = nullptr;
  // Trace records [first, second) the event log tints: what the current lesson step ran.
  std::optional<std::pair<std::size_t, std::size_t>> marked_records;

  const RecordLog& records() const { return replay.records(); }
  engine::Time now() { return replay.now(); }

  // Brings topology and flight index up to date with the scene (call before drawing). Nothing
  // here copies the network or reads a record twice: the topology is updated in place while the
  // scene is the same, and the indices read only the records made since the last frame.
  void refresh() {
    if (topology_generation != replay.generation() || !replay.scene().update_topology(topology)) {
      topology = replay.scene().topology();
      topology.reindex();
      topology_generation = replay.generation();
    }
    if (flights_generation != replay.generation()) {
      flights.reset();
      tls.reset();
      flights_generation = replay.generation();
    }
    if (selection.record && !records().contains(*selection.record)) selection.record.reset();
    flights.sync(records());
    flights.forget_before(now());
    tls.sync(records());
  }

  Padlock padlock(std::size_t record) { return padlock_of(records()[record], record, tls); }
};

}  // namespace maillab::viz

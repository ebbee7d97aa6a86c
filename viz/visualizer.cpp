#include "viz/visualizer.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <tuple>
#include <utility>

#include "app/arguments.h"
#include "exercises/work_file.h"
#include "lessons/answers_file.h"
#include "lessons/variables.h"
#include "lessons/lesson_loader.h"

#include "viz/canvas/font.h"
#include "viz/exercise_session.h"
#include "viz/model/synthetic_scene.h"
#include "viz/panels/exercise_panel.h"
#include "viz/panels/lesson_panel.h"
#include "viz/visualizer_app.h"
#include "viz/world_scene.h"

namespace maillab::viz {

namespace {

template <typename Number>
bool parse_number(const std::string& text, Number& out) {
  const char* end = text.data() + text.size();
  auto [ptr, problem] = std::from_chars(text.data(), end, out);
  return problem == std::errc() && ptr == end;
}

// Applies --select: a host name, "link:ID" or "record:N".
void apply_selection(VisualizerState& state, const std::string& select) {
  if (select.empty()) return;
  std::size_t number = 0;
  if (select.rfind("link:", 0) == 0 && parse_number(select.substr(5), number)) {
    state.selection.link_id = number;
  } else if (select.rfind("record:", 0) == 0 && parse_number(select.substr(7), number)) {
    state.selection.record = number;
  } else {
    state.selection.node = select;
  }
}

// The lesson, its LessonRun and the scripted answers; nullptr with `problems` set on bad input.
std::unique_ptr<LessonSession> load_lesson_session(const VisualizerOptions& options, std::string& problems) {
  scenarios::Diagnostics diagnostics;
  auto lesson = lessons::load_lesson(options.lesson_path, diagnostics);
  if (!lesson) {
    problems = diagnostics.to_string();
    if (problems.empty()) problems = options.lesson_path + ": could not load the lesson\n";
    return nullptr;
  }
  std::vector<std::string> answers;
  if (!options.lesson_answers_path.empty()) {
    std::ifstream in(options.lesson_answers_path);
    if (!in) {
      problems = options.lesson_answers_path + ": cannot read the answers file\n";
      return nullptr;
    }
    const auto lines = lessons::read_answer_lines(in);
    const auto mistakes = lessons::check_answer_lines(lines, *lesson, options.lesson_answers_path);
    if (!mistakes.empty()) {
      for (const auto& mistake : mistakes) problems += mistake + "\n";
      return nullptr;
    }
    for (const auto& line : lines) answers.push_back(line.text);
  }
  // Step back replays the lesson from a fresh run: same lesson, same seed, same story.
  LessonSession::RunFactory fresh_run = [lesson = *lesson, seed = options.seed] {
    scenarios::Diagnostics ignored;  // it loaded once already
    return lessons::LessonRun::start(lesson, ignored, seed);
  };
  auto run = lessons::LessonRun::start(std::move(*lesson), diagnostics, options.seed);
  if (!run) {
    problems = diagnostics.to_string();
    if (problems.empty()) problems = options.lesson_path + ": could not load the lesson's scenario\n";
    return nullptr;
  }
  return std::make_unique<LessonSession>(std::move(run), std::move(answers), std::move(fresh_run));
}

// What a file given to `maillab gui` is, from its top-level `exercise:` line: a work file's is a
// flow map (`exercise: {id: ...}`), an exercise file's a plain id. Read as text: an exercise
// file's {{variables}} are no YAML until they are substituted.
enum class FileKind { scenario, exercise, work };
FileKind file_kind(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("exercise:", 0) != 0) continue;
    const auto value = line.find_first_not_of(' ', 9);
    return value != std::string::npos && line[value] == '{' ? FileKind::work : FileKind::exercise;
  }
  return FileKind::scenario;
}

// The exercise session for a work or exercise file, with the --edit and --rerun of the options
// left for after the window opens; nullptr with `problems` set on bad input.
std::unique_ptr<ExerciseSession> load_exercise_session(const VisualizerOptions& options, FileKind kind,
                                                       std::string& note, std::string& problems) {
  if (kind == FileKind::work) {
    if (!options.student.empty() || !options.work_path.empty()) {
      problems = "maillab gui: " + options.scenario_path +
                 " is a work file already (its header names the student); --student and --work are for an exercise file\n";
      return nullptr;
    }
    note = "editing " + options.scenario_path;
    return ExerciseSession::open(options.scenario_path, problems);
  }
  if (!lessons::valid_student_id(options.student)) {
    problems = "maillab gui: " + options.scenario_path +
               " is an exercise: open it with --student ID (letters, digits, '.', '-', '_' or '@'), or open a work "
               "file from `maillab exercise start`\n";
    return nullptr;
  }
  std::string work = options.work_path;
  if (work.empty()) {
    scenarios::Diagnostics diagnostics;
    auto exercise = exercises::load_exercise(options.scenario_path, options.student, diagnostics);
    if (!exercise) {
      problems = diagnostics.to_string();
      return nullptr;
    }
    work = exercise->id + "-" + options.student + ".yaml";
  }
  return ExerciseSession::start(options.scenario_path, options.student, work, note, problems);
}

// --lesson-walk: each view a student meets, in order; prints the widest overflow and where.
void walk_lesson(VisualizerApp& app, LessonSession& lesson, std::ostream& out) {
  float widest = 0;
  std::string where;
  int views = 0;
  auto look = [&] {
    for (int frame = 0; frame < 2; ++frame) app.frame(1.0 / 60.0);  // ImGui sizes windows on the first
    ++views;
    if (app.lesson_panel().widest_overflow > widest) {
      widest = app.lesson_panel().widest_overflow;
      where = lesson.step_label() + (lesson.run().pending_question() ? ", its question" : "");
    }
  };
  look();
  for (int actions = 0; !lesson.run().finished() && actions < 10000; ++actions) {
    if (lesson.run().pending_question()) lesson.skip();
    else lesson.next_step();
    look();
  }
  out << "lesson walk: " << views << " views, widest overflow " << int(std::ceil(widest)) << " px" << (widest > 0 ? " (" + where + ")" : "") << "\n";
}

}  // namespace

std::string visualizer_usage() {
  return "usage: maillab gui [SCENARIO.yaml] [options]\n"
         "  (no scenario: a built-in demo of one message's trip)\n"
         "  --seed N            run with this seed instead of the scenario's\n"
         "  --large-fonts       bigger text and shapes, for projectors\n"
         "  --speed X           simulated seconds per real second (0.01 .. 1000)\n"
         "  --play              start playing at once\n"
         "  --at SECONDS        run the world to this time first, and hold it there\n"
         "  --back N            then step back N events, as the Back button does once the idle\n"
         "                      frames have parked their checkpoints (for screenshots)\n"
         "  --screenshot FILE   render headless and write a PNG, then exit\n"
         "  --frames N          frames to render before the screenshot (time advances at --speed\n"
         "                      unless --at holds it)\n"
         "  --size WxH          window size (default 1280x800)\n"
         "  --select WHAT       select a host by name, or link:ID, or record:N\n"
         "  --message ID        show this message's journey (e.g. M1)\n"
         "Lessons (maillab gui LESSON.yaml): the lesson panel drives time with its Next step button.\n"
         "  --lesson-answers FILE  answer the questions from FILE as they come (like `maillab lesson --answers`)\n"
         "  --lesson-steps N       advance N steps first (for screenshots)\n"
         "  --lesson-back K        then go back K steps, as the Back button does (for screenshots)\n"
         "  --lesson-walk          with --screenshot: show every step and question in turn (skipping\n"
         "                         each to show its answer) and print whether any text was cut off\n"
         "Exercises (maillab gui WORK.yaml, or EXERCISE.yaml --student ID): an edit panel beside the\n"
         "graded run; change records and settings, then Save and re-run to see the goals.\n"
         "  --student ID          whose variant of an exercise file (its work file is written as\n"
         "                        `maillab exercise start` does, unless it exists)\n"
         "  --work FILE           that work file's name (default EXERCISE-ID.yaml here)\n"
         "  --edit 'LABEL=VALUE'  change the first field whose label contains LABEL ('LABEL+=LINE' adds\n"
         "                        a zone record or relay domain; \\n is a new line); repeatable\n"
         "  --rerun               then save and re-run, as the button does (for screenshots)\n"
         "Mouse: drag to pan, wheel to zoom, click to inspect, right-click a host or link to fail it.\n"
         "Keys: Space play/pause, Right step, Left step back, Home re-frame.\n";
}

std::optional<VisualizerOptions> parse_visualizer_arguments(const std::vector<std::string>& arguments,
                                                            std::string& error) {
  auto parsed = app::parse_arguments(
      arguments,
      {{"seed"}, {"frames"}, {"at"}, {"speed"}, {"screenshot"}, {"size"}, {"select"}, {"message"}, {"geometry"},
       {"lesson-answers"}, {"lesson-steps"}, {"lesson-back"}, {"back"}, {"student"}, {"work"}, {"edit"}, {"large-fonts", false},
       {"play", false}, {"lesson-walk", false}, {"rerun", false}},
      error);
  if (!parsed) return std::nullopt;
  VisualizerOptions options;
  options.large_fonts = parsed->has("large-fonts");
  options.play = parsed->has("play");
  options.lesson_walk = parsed->has("lesson-walk");
  options.rerun = parsed->has("rerun");
  if (!app::read_seed(*parsed, options.seed, error)) return std::nullopt;
  for (auto [name, into, minimum, maximum] : {std::tuple{"frames", &options.frames, 1, 1'000'000},
                                              std::tuple{"lesson-steps", &options.lesson_steps, 0, 10'000},
                                              std::tuple{"lesson-back", &options.lesson_back, 0, 10'000},
                                              std::tuple{"back", &options.back, 0, 10'000}}) {
    std::uint64_t value = static_cast<std::uint64_t>(*into);
    if (!app::read_whole_number(*parsed, name, minimum, maximum, value, error)) return std::nullopt;
    *into = static_cast<int>(value);
  }
  double number = 0;
  if (!app::read_number(*parsed, "at", 0, 1e9, "a time in seconds (>= 0)", number, error)) return std::nullopt;
  if (parsed->has("at")) options.at_seconds = number;
  if (!app::read_number(*parsed, "speed", 0.01, 1000, "a number from 0.01 to 1000", number, error)) return std::nullopt;
  if (parsed->has("speed")) options.speed = number;
  if (parsed->has("size")) {
    const std::string& size = parsed->options["size"];
    const auto x = size.find('x');
    unsigned w = 0, h = 0;
    if (x == std::string::npos || !parse_number(size.substr(0, x), w) || !parse_number(size.substr(x + 1), h) ||
        w < 640 || h < 480 || w > 8192 || h > 8192) {
      error = "bad --size '" + size + "'; expected WIDTHxHEIGHT, at least 640x480";
      return std::nullopt;
    }
    options.width = w;
    options.height = h;
  }
  for (auto [name, into] : {std::pair{"screenshot", &options.screenshot_path}, std::pair{"select", &options.select},
                            std::pair{"message", &options.message}, std::pair{"student", &options.student},
                            std::pair{"work", &options.work_path}, std::pair{"lesson-answers", &options.lesson_answers_path},
                            std::pair{"geometry", &options.geometry_path}})
    if (parsed->has(name)) *into = parsed->options[name];
  if (parsed->has("edit")) options.edits = parsed->every_value["edit"];
  if (parsed->positional.size() > 1) {
    error = "only one scenario, please ('" + parsed->positional[0] + "' and '" + parsed->positional[1] + "')";
    return std::nullopt;
  }
  if (!parsed->positional.empty()) options.scenario_path = parsed->positional.front();
  return options;
}

namespace {

// What the window shows: where its scenes come from, its title, and the lesson or exercise
// session that drives it (at most one).
struct Sessions {
  SceneFactory factory;
  std::string title = "maillab";
  std::unique_ptr<LessonSession> lesson;
  std::unique_ptr<ExerciseSession> exercise;
  std::string exercise_note;
};

// An exercise or work file, with the --edit changes made. An exit status on bad input.
std::optional<int> open_exercise(const VisualizerOptions& options, FileKind kind, Sessions& sessions,
                                 std::ostream& err) {
  std::string problems;
  sessions.exercise = load_exercise_session(options, kind, sessions.exercise_note, problems);
  if (!sessions.exercise) {
    err << problems;
    return 2;
  }
  for (const auto& edit : options.edits) {
    if (!apply_edit(*sessions.exercise, edit, problems)) {
      err << "maillab gui: --edit " << edit << ": " << problems << "\n";
      return 2;
    }
  }
  ExerciseSession* session = sessions.exercise.get();
  sessions.factory = [session] { return session->make_scene(); };
  sessions.title += " - exercise " + session->exercise().id + ": " + session->work_path();
  return std::nullopt;
}

// The lesson, exercise, scenario or demo the options name. An exit status on bad input.
std::optional<int> open_sessions(const VisualizerOptions& options, Sessions& sessions, std::ostream& err) {
  if ((!options.edits.empty() || options.rerun) && options.scenario_path.empty()) {
    err << "maillab gui: --edit and --rerun need an exercise or work file\n";
    return 2;
  }
  if (options.lesson_path.empty() &&
      (!options.lesson_answers_path.empty() || options.lesson_steps > 0 || options.lesson_back > 0)) {
    err << "maillab gui: --lesson-answers, --lesson-steps and --lesson-back need a lesson file\n";
    return 2;
  }
  if (!options.lesson_path.empty()) {
    std::string problems;
    sessions.lesson = load_lesson_session(options, problems);
    if (!sessions.lesson) {
      err << problems;
      return 2;
    }
    if (options.at_seconds) {
      err << "maillab gui: --at does not apply to a lesson (time moves with its steps; use --lesson-steps)\n";
      return 2;
    }
    LessonSession* session = sessions.lesson.get();
    sessions.factory = [session] { return make_lesson_scene(session->run()); };
    sessions.title += " - lesson: " + session->run().lesson().title;
  } else if (options.scenario_path.empty()) {
    const std::uint64_t seed = options.seed.value_or(1);
    sessions.factory = [seed] { return make_demo_scene(seed); };
    sessions.title += " - demo";
  } else if (!std::filesystem::exists(options.scenario_path)) {
    err << options.scenario_path << ": no such file\n";
    return 2;
  } else if (const FileKind kind = file_kind(options.scenario_path); kind != FileKind::scenario) {
    return open_exercise(options, kind, sessions, err);
  } else {
    if (std::string problems = check_scenario(options.scenario_path, options.seed); !problems.empty()) {
      err << problems;
      return 2;
    }
    sessions.factory = world_scene_factory(options.scenario_path, options.seed);
    sessions.title += " - " + options.scenario_path;
  }
  return std::nullopt;
}

// The view the options ask for before the first frame: lesson steps taken (and taken back), the
// exercise re-run, the time, the selection, playing or not. An exit status when that fails.
std::optional<int> set_up_view(VisualizerApp& app, Sessions& sessions, const VisualizerOptions& options,
                               bool headless, std::ostream& out, std::ostream& err) {
  VisualizerState& state = app.state();
  if (LessonSession* lesson = sessions.lesson.get()) {
    state.lesson = lesson;
    lesson->advance_steps(options.lesson_steps);
    for (int i = 0; i < options.lesson_back; ++i) rewind_lesson(state, *lesson, false);
  }
  if (ExerciseSession* exercise = sessions.exercise.get()) {
    state.exercise = exercise;
    out << sessions.exercise_note << "\n";
    if (options.rerun && !rerun_exercise(state, *exercise)) {
      err << "maillab gui: " << exercise->problem() << "\n";
      return 1;
    }
  }
  if (options.speed) state.clock.speed = *options.speed;
  if (options.at_seconds) app.replay().run_to(engine::Time(*options.at_seconds * 1e6));
  if (options.back > 0) {
    // The checkpoints a user's idle frames would have parked by the time they press Back.
    while (app.replay().refill_checkpoints(4096) > 0) {
    }
    for (int i = 0; i < options.back; ++i) queue_step_back(state);
    app.frame(0);  // the steps back are applied after this frame, as a click's would be
  }
  apply_selection(state, options.select);
  if (!options.message.empty()) state.selection.message = options.message;
  state.clock.playing = !sessions.lesson && (options.play || (headless && !options.at_seconds));
  return std::nullopt;
}

// --screenshot: render the frames headless, write the PNG (and --geometry), say what it shows.
int take_screenshot(VisualizerApp& app, const Sessions& sessions, const VisualizerOptions& options,
                    std::ostream& out, std::ostream& err) {
  if (options.lesson_walk) walk_lesson(app, *sessions.lesson, out);
  const int frames = std::max(2, options.frames);  // ImGui lays windows out on the first frame
  for (int i = 0; i < frames; ++i) {
    const bool last = i + 1 == frames;
    if (!app.frame(1.0 / 60.0, last ? options.screenshot_path : std::string())) {
      err << "maillab gui: could not write " << options.screenshot_path << '\n';
      return 1;
    }
  }
  if (!options.geometry_path.empty()) app.write_geometry(options.geometry_path);
  out << "wrote " << options.screenshot_path << " at t = " << engine::format_seconds(app.state().now()) << " s";
  if (const LessonSession* lesson = sessions.lesson.get()) {
    out << " (" << lesson->step_label() << ", score " << lesson->run().score() << "/" << lesson->run().max_score()
        << ")";
  }
  if (sessions.exercise) out << " (" << goals_summary(*sessions.exercise) << ")";
  out << "\n";
  return 0;
}

}  // namespace

int run_visualizer(const VisualizerOptions& options, std::ostream& out, std::ostream& err) {
  const auto font = find_font();
  if (!font) {
    err << missing_font_message() << '\n';
    return 1;
  }
  Sessions sessions;
  if (auto status = open_sessions(options, sessions, err)) return *status;

  const bool headless = !options.screenshot_path.empty();
  AppSettings settings;
  settings.width = options.width;
  settings.height = options.height;
  settings.ui_scale = options.large_fonts ? 1.5f : 1.0f;
  settings.vsync = !headless;
  settings.title = sessions.title;
  VisualizerApp app(std::move(sessions.factory), settings, *font);
  if (!app.ok()) {
    err << app.error() << '\n';
    return 1;
  }
  if (auto status = set_up_view(app, sessions, options, headless, out, err)) return *status;
  if (options.lesson_walk && (!sessions.lesson || !headless)) {
    err << "maillab gui: --lesson-walk needs a lesson and --screenshot\n";
    return 2;
  }
  if (headless) return take_screenshot(app, sessions, options, out, err);

  sf::Clock clock;
  while (app.open()) app.frame(clock.restart().asSeconds());
  return 0;
}

}  // namespace maillab::viz

#include "viz/exercise_session.h"

#include <filesystem>
#include <sstream>

#include "exercises/exercise_command.h"
#include "exercises/work_file.h"
#include "lessons/result_file.h"
#include "scenarios/loader.h"
#include "viz/world_scene.h"

namespace maillab::viz {

std::unique_ptr<ExerciseSession> ExerciseSession::open(const std::string& work_path, std::string& problems) {
  scenarios::Diagnostics diagnostics;
  auto work = exercises::read_work_file(work_path, diagnostics);
  if (!work) {
    problems = diagnostics.to_string() + work_path + ": not a work file the visualizer can open\n";
    return nullptr;
  }
  const std::string exercise_path = work->resolved_exercise_file();
  auto exercise = exercises::load_exercise(exercise_path, work->header.student, diagnostics);
  if (!exercise) {
    problems = diagnostics.to_string() + exercise_path + " (named by " + work_path + ") does not load\n";
    return nullptr;
  }
  if (exercise->id != work->header.id || exercise->version != work->header.version) {
    problems = work_path + " is for exercise " + work->header.id + " version " + std::to_string(work->header.version) +
               ", but " + exercise_path + " is " + exercise->id + " version " + std::to_string(exercise->version) + "\n";
    return nullptr;
  }
  std::unique_ptr<ExerciseSession> session(new ExerciseSession());
  session->work_path_ = work_path;
  session->exercise_ = std::move(*exercise);
  if (!session->reload()) {
    problems = session->problem_ + "\n";
    return nullptr;
  }
  return session;
}

std::unique_ptr<ExerciseSession> ExerciseSession::start(const std::string& exercise_path, const std::string& student,
                                                        const std::string& work_path, std::string& note,
                                                        std::string& problems) {
  std::error_code ignored;
  if (std::filesystem::exists(work_path, ignored)) {
    note = "opened your work file " + work_path + " as it is";
  } else {
    std::ostringstream out, err;
    exercises::StartOptions options{exercise_path, student, work_path, false};
    if (exercises::start_exercise(options, out, err) != 0) {
      problems = err.str();
      return nullptr;
    }
    note = "your copy of the world is " + work_path + ": Save writes your repairs there";
  }
  return open(work_path, problems);
}

bool ExerciseSession::reload() {
  scenarios::Diagnostics diagnostics;
  auto editor = exercises::WorldEditor::open(work_path_, diagnostics);
  auto work = editor ? exercises::read_work_file(work_path_, diagnostics) : std::nullopt;
  if (!editor || !work) {
    problem_ = diagnostics.to_string() + work_path_ + " does not read back as a work file";
    return false;
  }
  editor_ = std::move(editor);
  dirty_ = false;
  ++runs_;
  grade_.reset();
  world_errors_.clear();
  graded_text_.clear();
  scenarios::Diagnostics world_diagnostics;
  if (auto text = exercises::graded_world_text(exercise_, work->world_text, work_path_, world_diagnostics))
    graded_text_ = std::move(*text);
  grade_ = exercises::grade_world(exercise_, work->world_text, work_path_, world_diagnostics);
  if (!grade_) world_errors_ = world_diagnostics.to_string();
  return true;
}

bool ExerciseSession::set(std::size_t field, const std::string& value, std::string& error) {
  if (field >= editor_->fields().size()) {
    error = "no such field";
    return false;
  }
  if (editor_->fields()[field].value == value) return true;
  if (!editor_->set(field, value, error)) return false;
  dirty_ = true;
  return true;
}

bool ExerciseSession::save_and_rerun() {
  problem_.clear();
  if (!editor_->save(problem_)) return false;
  return reload();
}

std::unique_ptr<Scene> ExerciseSession::make_scene() const {
  if (graded_text_.empty() || !grade_) return make_empty_scene("the world in " + work_path_ + " does not load");
  scenarios::Diagnostics ignored;  // it loaded when it was graded
  auto world = scenarios::load_world_from_string(graded_text_, work_path_, std::nullopt, ignored);
  if (!world) return make_empty_scene("the world in " + work_path_ + " does not load");
  return std::make_unique<WorldScene>(std::move(world));
}

std::string goals_summary(const ExerciseSession& session) {
  const auto& grade = session.grade();
  if (!grade) return "not graded: the world does not load";
  std::size_t met = 0;
  for (const auto& goal : grade->goals) met += goal.met ? 1 : 0;
  return std::to_string(met) + " of " + std::to_string(grade->goals.size()) + " goals met: " +
         lessons::number_text(grade->percent(), 1) + "% complete";
}

}  // namespace maillab::viz

// Exercise mode: `maillab gui WORK.yaml` (a work file from `maillab exercise start`) or
// `maillab gui EXERCISE.yaml --student ID`. The student repairs the world through the edit panel
// (viz/panels/exercise_panel.h) instead of a text editor, saves it back to the work file, and the
// run is graded again: the goals turn green one by one. The canvas replays the graded run (the
// student's world with the exercise's probes), so what the grader saw can be watched.
//
// This is the panel's model, without ImGui: tests drive it headless. It holds the exercise (in
// the work file's student variant), a WorldEditor over the work file and the last Grade.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exercises/exercise.h"
#include "exercises/grader.h"
#include "exercises/world_editor.h"
#include "viz/model/scene.h"

namespace maillab::viz {

class ExerciseSession {
 public:
  // Opens a work file and grades it as it is. nullptr, with `problems` (file:line:column
  // messages), when it is no work file or its exercise does not load. A world that does not load
  // is no failure here: the student may have broken it, and the panel says what is wrong.
  static std::unique_ptr<ExerciseSession> open(const std::string& work_path, std::string& problems);

  // For `maillab gui EXERCISE.yaml --student ID`: the student's work file at `work_path`, written
  // as `maillab exercise start` does unless it exists already (then it is opened as it is:
  // nobody's work is overwritten). `note` says which happened.
  static std::unique_ptr<ExerciseSession> start(const std::string& exercise_path, const std::string& student,
                                                const std::string& work_path, std::string& note,
                                                std::string& problems);

  const exercises::Exercise& exercise() const { return exercise_; }
  const std::string& work_path() const { return work_path_; }
  const std::vector<exercises::EditableField>& fields() const { return editor_->fields(); }

  // Changes one field in memory (nothing is written yet); false and `error` when the text does
  // not fit the field (the field keeps its value).
  bool set(std::size_t field, const std::string& value, std::string& error);
  // Fields changed since the last save.
  bool dirty() const { return dirty_; }

  // "Save and re-run": writes the edits to the work file, reads it back (the panel shows what is
  // on disk), and grades it. False and problem() when the file cannot be written or read back.
  bool save_and_rerun();
  // The grade of the last run; nullopt when the world did not load (world_errors() says why).
  const std::optional<exercises::Grade>& grade() const { return grade_; }
  const std::string& world_errors() const { return world_errors_; }
  const std::string& problem() const { return problem_; }
  int runs() const { return runs_; }  // how many times it was graded (1 after open)

  // The graded run as the canvas shows it: a fresh World of the last saved world with the probes.
  // An empty scene saying why when that world does not load.
  std::unique_ptr<Scene> make_scene() const;

 private:
  ExerciseSession() = default;
  bool reload();  // reads the work file into editor_, grades it

  std::string work_path_;
  exercises::Exercise exercise_;
  std::optional<exercises::WorldEditor> editor_;
  std::optional<exercises::Grade> grade_;  // its GoalOutcomes point into exercise_.goals
  std::string graded_text_;                // graded_world_text of the last saved world
  std::string world_errors_;
  std::string problem_;
  bool dirty_ = false;
  int runs_ = 0;
};

// "2 of 3 goals met: 66.7% complete" (or why nothing was graded).
std::string goals_summary(const ExerciseSession& session);

}  // namespace maillab::viz

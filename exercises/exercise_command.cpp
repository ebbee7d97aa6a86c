#include "exercises/exercise_command.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "exercises/exercise.h"
#include "exercises/grader.h"
#include "exercises/work_file.h"
#include "lessons/result_file.h"
#include "lessons/text_layout.h"

namespace maillab::exercises {
namespace {

constexpr const char* check_mark = "\u2713";
constexpr const char* cross_mark = "\u2717";

std::string percent_text(double percent) { return lessons::number_text(percent, 1) + "%"; }

int report_errors(const scenarios::Diagnostics& diagnostics, std::ostream& err, const std::string& what) {
  err << diagnostics.to_string() << "maillab exercise: " << what << " (" << diagnostics.count()
      << (diagnostics.count() == 1 ? " error" : " errors") << ")\n";
  return 2;
}

// The exercise a work file belongs to, in its student's variant; nullopt after printing why not.
std::optional<Exercise> exercise_for(const WorkFile& work, const std::optional<std::string>& override_path,
                                     std::ostream& err) {
  const std::string path = override_path ? *override_path : work.resolved_exercise_file();
  scenarios::Diagnostics diagnostics;
  auto exercise = load_exercise(path, work.header.student, diagnostics);
  if (!exercise) {
    report_errors(diagnostics, err, "the exercise file " + path + " (named by " + work.path + ") does not load");
    return std::nullopt;
  }
  if (exercise->id != work.header.id || exercise->version != work.header.version) {
    err << "maillab exercise: " << work.path << " is for exercise " << work.header.id << " version "
        << work.header.version << ", but " << path << " is " << exercise->id << " version " << exercise->version
        << "; give the right one with --exercise FILE\n";
    return std::nullopt;
  }
  return exercise;
}

void print_goal(const GoalOutcome& outcome, std::ostream& out) {
  out << "  " << (outcome.met ? check_mark : cross_mark) << " " << outcome.goal->id << ": " << outcome.goal->goal
      << "\n";
  if (outcome.met) return;
  out << lessons::wrap_text("where to look: " + outcome.goal->look, 76, "      ");
  for (const auto& detail : outcome.details)
    if (detail.rfind("not yet: ", 0) == 0) out << lessons::wrap_text("seen: " + detail.substr(9), 76, "      ");
}

}  // namespace

int start_exercise(const StartOptions& options, std::ostream& out, std::ostream& err) {
  if (!lessons::valid_student_id(options.student)) {
    err << "maillab exercise start: --student wants an id of letters, digits, '.', '-', '_' or '@', not '"
        << options.student << "'\n";
    return 2;
  }
  scenarios::Diagnostics diagnostics;
  auto exercise = load_exercise(options.exercise_path, options.student, diagnostics);
  if (!exercise) return report_errors(diagnostics, err, options.exercise_path + " does not load; no work file written");
  const std::string out_path = options.out_path ? *options.out_path : exercise->id + "-" + options.student + ".yaml";
  std::error_code error;
  if (!options.force && std::filesystem::exists(out_path, error)) {
    err << "maillab exercise start: " << out_path
        << " already exists (someone's work?); remove it, pick another --out, or add --force\n";
    return 2;
  }
  // The header names the exercise file relative to the work file, so a folder moved whole keeps working.
  const auto work_folder = std::filesystem::absolute(out_path, error).parent_path();
  std::string reference = std::filesystem::absolute(options.exercise_path, error).lexically_normal().string();
  // Relative when both share a top folder (work/ and exercises/ of one course); otherwise absolute
  // (a relative path through / is only harder to read).
  const auto relative = std::filesystem::path(reference).lexically_relative(work_folder);
  const auto top = [](const std::filesystem::path& path) {
    auto part = path.begin();
    return part != path.end() && ++part != path.end() ? *part : std::filesystem::path();
  };
  if (!relative.empty() && top(reference) == top(work_folder)) reference = relative.string();
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  if (file) file << work_file_text(*exercise, reference);
  if (!file) {
    err << "maillab exercise start: cannot write " << out_path << "\n";
    return 2;
  }
  out << "Exercise " << exercise->id << ": " << exercise->title << "\n\n"
      << lessons::wrap_text(exercise->story, 76, "  ") << "\nYour copy of the world: " << out_path
      << "\nRepair it, then run: maillab exercise check " << out_path << "\n";
  if (!exercise->hints.empty())
    out << "Stuck? maillab exercise hint " << out_path << " (" << exercise->hints.size()
        << (exercise->hints.size() == 1 ? " hint" : " hints") << ", each costs some of the score)\n";
  return 0;
}

int check_work(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  const std::string started = lessons::utc_now();
  scenarios::Diagnostics diagnostics;
  auto work = read_work_file(options.work_path, diagnostics);
  if (!work) return report_errors(diagnostics, err, options.work_path + " is not a work file this can check");
  auto exercise = exercise_for(*work, options.exercise_path, err);
  if (!exercise) return 2;
  std::string trace;
  auto grade = grade_world(*exercise, work->world_text, work->path, diagnostics, true, options.trace ? &trace : nullptr);
  if (!grade) {
    report_errors(diagnostics, err, "the world in " + work->path + " does not load: fix these first");
    if (options.result_path) {
      // Still a row in the gradebook: nothing met.
      Grade none;
      for (const auto& goal : exercise->goals) {
        none.goals.push_back(GoalOutcome{&goal, false, {"the world did not load: " + diagnostics.errors().front().to_string()}});
        none.max_points += goal.points;
      }
      std::string problem;
      if (!lessons::write_result_file(exercise_result(*exercise, none, work->header.hints, started, lessons::utc_now()),
                                      *options.result_path, problem))
        err << "maillab exercise: " << problem << "\n";
    }
    return 2;
  }
  out << trace;
  out << "Exercise " << exercise->id << " (version " << exercise->version << ") for student " << exercise->student
      << ": " << exercise->title << "\n";
  if (grade->ignored_events)
    out << "  (the events: in your world are not run: the grader sends its own test mail)\n";
  std::size_t met = 0;
  for (const auto& outcome : grade->goals) {
    print_goal(outcome, out);
    met += outcome.met ? 1 : 0;
  }
  for (const auto& problem : grade->audit_problems) out << "  audit: " << problem << "\n";
  out << grade->summary << "\n";
  const lessons::Result result = exercise_result(*exercise, *grade, work->header.hints, started, lessons::utc_now());
  out << met << " of " << grade->goals.size() << " goals met: " << percent_text(grade->percent()) << " complete";
  if (work->header.hints > 0)
    out << " (" << work->header.hints << (work->header.hints == 1 ? " hint" : " hints") << " used: score "
        << percent_text(result.percent()) << ")";
  out << "\n";
  if (options.result_path) {
    std::string problem;
    if (!lessons::write_result_file(result, *options.result_path, problem)) {
      err << "maillab exercise: " << problem << "\n";
      return 2;
    }
  }
  return grade->complete() ? 0 : 1;
}

int reveal_hint(const std::string& work_path, const std::optional<std::string>& exercise_path, std::ostream& out,
                std::ostream& err) {
  scenarios::Diagnostics diagnostics;
  auto work = read_work_file(work_path, diagnostics);
  if (!work) return report_errors(diagnostics, err, work_path + " is not a work file");
  auto exercise = exercise_for(*work, exercise_path, err);
  if (!exercise) return 2;
  WorkHeader header = work->header;
  const int available = static_cast<int>(exercise->hints.size());
  if (header.hints < available) {
    ++header.hints;
    std::string problem;
    if (!rewrite_header(*work, header, problem)) {
      err << "maillab exercise hint: " << problem << "\n";
      return 2;
    }
  }
  for (int i = 0; i < header.hints && i < available; ++i) {
    const Hint& hint = exercise->hints[static_cast<std::size_t>(i)];
    out << "Hint " << i + 1 << "/" << available << " (costs " << percent_text(hint.cost) << " of the score):\n"
        << lessons::wrap_text(hint.text, 76, "  ");
  }
  if (available == 0) out << "This exercise has no hints.\n";
  else if (header.hints >= available) out << "(that was the last hint)\n";
  return 0;
}

}  // namespace maillab::exercises

#include "lessons/lesson_command.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>

#include "app/arguments.h"
#include "lessons/answers_file.h"
#include "lessons/lesson_loader.h"
#include "lessons/lesson_result.h"
#include "lessons/lesson_run.h"
#include "lessons/quiz.h"
#include "lessons/result_file.h"
#include "lessons/variables.h"
#include "lessons/terminal.h"

namespace maillab::lessons {
namespace {

constexpr const char* help_text =
    "Usage: maillab lesson LESSON.yaml [--answers FILE] [--student ID] [--result FILE.json] [--seed N]\n"
    "       maillab lesson LESSON.yaml [--student ID] --key     (for teachers: the answer key)\n"
    "       maillab lesson LESSON.yaml --check\n"
    "Runs a lesson in the terminal: narration, the simulation step by step, trace excerpts and\n"
    "questions. Answer with a letter, a number or a few words; q quits with the score so far.\n\n"
    "Options:\n"
    "  --answers FILE   non-interactive: read the answers from FILE, one per line in question order\n"
    "                   (blank lines and # comments are skipped); ends with 'score: X/Y'\n"
    "  --student ID     this student's variant: names and numbers the lesson declares under\n"
    "                   variables: are picked from ID (the same ID always gets the same ones)\n"
    "  --result FILE    write what the student answered, and the score, to FILE (JSON) for\n"
    "                   'maillab grade'; needs --student\n"
    "  --key            print the answer key (of --student's variant) in the --answers format\n"
    "  --seed N         run the lesson's scenario with seed N instead of its own (the same seed\n"
    "                   always tells the same story; another can change what a lossy link drops)\n"
    "  --check          only validate the lesson (and the answers file, if given); run nothing\n\n"
    "Lessons live in lessons/*.yaml; their format is documented in lessons/README.md.\n"
    "Exit: 0 the lesson ran (whatever the score) or was quit, 2 bad input (nothing ran).\n";

int usage_error(std::ostream& err, const std::string& message) { return app::usage_error(err, "lesson", message); }

// The key in the --answers format: one answer a line, a comment naming the question.
void print_answer_key(const Lesson& lesson, std::ostream& out) {
  out << "# Answer key of " << lesson.source_file << " (" << lesson.id << ", version " << lesson.version << ")";
  if (!lesson.student.empty()) out << " for student " << lesson.student;
  out << ".\n# For teachers: maillab lesson " << lesson.source_file
      << (lesson.student.empty() ? "" : " --student " + lesson.student) << " --answers THIS_FILE\n";
  for (const Quiz* quiz : questions_in_order(lesson)) {
    std::string question;
    for (char c : quiz->question) question += c == '\n' ? ' ' : c;
    if (question.size() > 60) question = question.substr(0, 57) + "...";
    std::string answer = key_answer_text(*quiz);
    const std::size_t width = std::max<std::size_t>(answer.size() + 1, 8);
    answer.resize(width, ' ');
    out << answer << "# " << quiz->id << (quiz->graded ? "" : " (not graded)") << ": " << question << "\n";
  }
}

// What the command line asks for, once every flag has been checked.
struct LessonFlags {
  std::string lesson_path;
  std::optional<std::string> answers_path, student, result_path;
  std::optional<std::uint64_t> seed;
  bool check_only = false, print_key = false;
};

// Nothing, and `error` says why, when the flags do not make one request.
std::optional<LessonFlags> read_lesson_flags(app::ParsedArguments& parsed, std::string& error) {
  for (const char* name : {"student", "result", "answers", "seed"})
    if (parsed.times_given(name) > 1) {
      error = "--" + std::string(name) + " given twice";
      return std::nullopt;
    }
  LessonFlags flags;
  if (!app::read_seed(parsed, flags.seed, error)) return std::nullopt;
  if (parsed.has("student")) {
    flags.student = parsed.options["student"];
    if (!valid_student_id(*flags.student)) {
      error = "--student wants an id of letters, digits, '.', '-', '_' or '@', not '" + *flags.student + "'";
      return std::nullopt;
    }
  }
  for (auto [name, into] : {std::pair{"result", &flags.result_path}, std::pair{"answers", &flags.answers_path}}) {
    if (!parsed.has(name)) continue;
    if (parsed.options[name].empty()) {
      error = "--" + std::string(name) + " needs a file name";
      return std::nullopt;
    }
    *into = parsed.options[name];
  }
  flags.check_only = parsed.has("check");
  flags.print_key = parsed.has("key");
  if (parsed.positional.size() > 1) error = "give exactly one lesson file";
  else if (parsed.positional.empty()) error = "no lesson file given";
  else if (flags.result_path && !flags.student) error = "--result needs --student ID (whose result it is)";
  else if (flags.print_key && (flags.answers_path || flags.result_path || flags.check_only))
    error = "--key only prints the key: leave out --answers, --result and --check";
  if (!error.empty()) return std::nullopt;
  flags.lesson_path = parsed.positional.front();
  return flags;
}

// The --answers file, checked against the lesson; nothing (the problems told on `err`) when it
// cannot be read or does not fit.
std::optional<std::vector<AnswerLine>> read_answers_for(const Lesson& lesson, const LessonFlags& flags,
                                                        std::ostream& err) {
  std::ifstream file(*flags.answers_path, std::ios::binary);
  if (!file) {
    err << "maillab lesson: cannot read the answers file '" << *flags.answers_path << "'\n";
    return std::nullopt;
  }
  std::vector<AnswerLine> answers = read_answer_lines(file);
  const auto problems = check_answer_lines(answers, lesson, *flags.answers_path);
  if (problems.empty()) return answers;
  for (const auto& problem : problems) err << problem << "\n";
  err << "maillab lesson: the answers file does not fit " << flags.lesson_path << " (" << lesson.question_count()
      << " questions); nothing was run\n";
  return std::nullopt;
}

// Runs the lesson (from the answers, or with the student at the terminal) and writes --result.
int run_lesson(Lesson lesson, const LessonFlags& flags, const std::vector<AnswerLine>& answers,
               scenarios::Diagnostics& diagnostics, std::istream& in, std::ostream& out, std::ostream& err) {
  auto run = LessonRun::start(std::move(lesson), diagnostics, flags.seed);
  if (!run) {
    err << diagnostics.to_string() << "maillab lesson: the lesson's scenario did not load; nothing was run\n";
    return 2;
  }
  TerminalOptions options;
  options.width = terminal_width_from_environment();
  options.seed_overridden = flags.seed.has_value();
  const std::string started = utc_now();
  if (flags.answers_path) run_with_answers(*run, answers, out, options);
  else run_interactive(*run, in, out, options);
  if (flags.result_path) {
    std::string problem;
    if (!write_result_file(lesson_result(*run, started, utc_now()), *flags.result_path, problem)) {
      err << "maillab lesson: " << problem << "\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace

int run_lesson_command(const std::vector<std::string>& arguments, std::istream& in, std::ostream& out,
                       std::ostream& err) {
  std::string error;
  auto parsed = app::parse_arguments(
      arguments, {{"answers"}, {"student"}, {"result"}, {"seed"}, {"check", false}, {"key", false}}, error);
  if (!parsed) return usage_error(err, error);
  if (parsed->help) {
    out << help_text;
    return 0;
  }
  const auto flags = read_lesson_flags(*parsed, error);
  if (!flags) return usage_error(err, error);

  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson(flags->lesson_path, diagnostics, flags->student.value_or(""));
  if (!lesson) {
    err << diagnostics.to_string() << "maillab lesson: " << flags->lesson_path << ": " << diagnostics.count()
        << (diagnostics.count() == 1 ? " error" : " errors") << "; nothing was run\n";
    return 2;
  }
  std::vector<AnswerLine> answers;
  if (flags->answers_path) {
    auto read = read_answers_for(*lesson, *flags, err);
    if (!read) return 2;
    answers = std::move(*read);
  }
  if (flags->print_key) {
    print_answer_key(*lesson, out);
    return 0;
  }
  if (flags->check_only) {
    out << flags->lesson_path << ": ok (" << lesson->steps.size() << " steps, " << lesson->question_count()
        << " questions" << (flags->answers_path ? ", answers file fits" : "") << ")\n";
    return 0;
  }
  return run_lesson(std::move(*lesson), *flags, answers, diagnostics, in, out, err);
}

}  // namespace maillab::lessons

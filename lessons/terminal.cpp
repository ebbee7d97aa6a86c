// The terminal presentation of a LessonRun. One driver (run_session) serves both modes; the
// modes differ only in where answers come from and whether to pause between steps.
#include "lessons/terminal.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "lessons/quiz.h"
#include "lessons/result_file.h"
#include "lessons/text_layout.h"
#include "protocols/common/ascii_case.h"

namespace maillab::lessons {
namespace {

constexpr const char* arrow = "\u2192";  // →

std::string seconds_text(engine::Time t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%06lld", static_cast<long long>(t / 1'000'000),
                static_cast<long long>(t % 1'000'000));
  return buffer;
}

std::string milliseconds_text(engine::Time t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld ms", static_cast<long long>(t / 1000),
                static_cast<long long>(t % 1000));
  return buffer;
}

std::string pad(std::string text, std::size_t width) {
  std::size_t used = display_width(text);
  while (used++ < width) text += ' ';
  return text;
}

std::string left_pad(std::string text, std::size_t width) {
  std::size_t used = display_width(text);
  return used >= width ? text : std::string(width - used, ' ') + text;
}

// Cuts `text` to `width` display columns, keeping a trailing "(...)" (a hop's "(data, 1460
// bytes)" says more than the payload's first words).
std::string shorten(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  const std::string ellipsis = "\u2026";
  std::string tail;
  const auto open = text.rfind(" (");
  if (!text.empty() && text.back() == ')' && open != std::string::npos && display_width(text.substr(open)) + 2 <= width)
    tail = text.substr(open);
  const std::size_t keep = width > display_width(tail) + 1 ? width - display_width(tail) - 1 : 0;
  std::string head;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size() && used < keep; ++i) {
    head += text[i];
    // Copy a UTF-8 sequence whole.
    while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xc0) == 0x80) head += text[++i];
    ++used;
  }
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head + ellipsis + tail;
}

std::string where_text(const engine::TraceRecord& record) {
  if (record.node.empty()) return record.peer;
  if (record.peer.empty()) return record.node;
  return record.node + " " + arrow + " " + record.peer;
}

// At most 5 columns: the summary needs the room.
std::string kind_label(const engine::TraceRecord& record) {
  switch (record.kind) {
    case engine::TraceKind::hop: return "hop";
    case engine::TraceKind::drop: return "DROP";
    case engine::TraceKind::transport: {
      // "tcp", "udp", "tls": the transport the event belongs to.
      if (record.protocol.empty() || record.protocol.size() > 5) return "conn";
      return common::to_lower(record.protocol);
    }
    case engine::TraceKind::protocol: return "msg";
    case engine::TraceKind::mail: return "mail";
    case engine::TraceKind::cache: return "cache";
    case engine::TraceKind::fault: return "FAULT";
    case engine::TraceKind::note: return "note";
  }
  return "?";
}

// Where answers come from: the keyboard or an answers file.
class AnswerSource {
 public:
  virtual ~AnswerSource() = default;
  // The next line typed (or read); nullopt at the end of input.
  virtual std::optional<std::string> next_line(std::ostream& out) = 0;
  virtual bool interactive() const = 0;
};

class KeyboardSource : public AnswerSource {
 public:
  explicit KeyboardSource(std::istream& in) : in_(in) {}
  std::optional<std::string> next_line(std::ostream& out) override {
    out.flush();
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  bool interactive() const override { return true; }

 private:
  std::istream& in_;
};

class FileSource : public AnswerSource {
 public:
  explicit FileSource(const std::vector<AnswerLine>& answers) : answers_(answers) {}
  std::optional<std::string> next_line(std::ostream& out) override {
    if (next_ >= answers_.size()) return std::nullopt;
    const std::string& text = answers_[next_++].text;
    out << text << "\n";  // echo, so the transcript reads like a session
    return text;
  }
  bool interactive() const override { return false; }

 private:
  const std::vector<AnswerLine>& answers_;
  std::size_t next_ = 0;
};

bool is_quit(const std::string& line) {
  const std::string answer = normalize_answer(line);
  return answer == "q" || answer == "quit";
}

class Session {
 public:
  Session(LessonRun& run, AnswerSource& source, std::ostream& out, const TerminalOptions& options)
      : run_(run), source_(source), out_(out), width_(std::max<std::size_t>(options.width, 40)),
        seed_overridden_(options.seed_overridden) {}

  SessionEnd run() {
    print_header();
    run_.advance();
    while (!run_.finished()) {
      print_step_intro();
      if (run_.phase() == LessonRun::Phase::predict) {
        if (!ask()) return quit();
        out_ << "  Noted. Let's run it and see.\n";
      }
      print_step_results();
      if (run_.phase() == LessonRun::Phase::quiz) {
        if (!ask()) return quit();
      }
      if (!pause()) return quit();
      run_.advance();
    }
    out_ << "\n" << heading("Lesson complete", width_, "\u2550") << "\n";
    out_ << "  You answered " << run_.score() << " of " << run_.max_score() << " questions right";
    if (run_.points() != static_cast<double>(run_.score())) out_ << " at the first try (" << number_text(run_.points()) << " marks)";
    out_ << ".\n";
    out_ << "score: " << number_text(run_.points()) << "/" << run_.max_score() << "\n";
    return SessionEnd::completed;
  }

 private:
  std::size_t text_width() const { return width_ - 2; }

  void print_header() {
    const Lesson& lesson = run_.lesson();
    out_ << heading("Lesson: " + lesson.title, width_, "\u2550") << "\n";
    if (!lesson.description.empty()) out_ << wrap_text(lesson.description, text_width(), "  ");
    const std::size_t questions = lesson.question_count();
    out_ << "\n  " << lesson.steps.size() << (lesson.steps.size() == 1 ? " step, " : " steps, ") << questions
         << (questions == 1 ? " question" : " questions") << ". Answer with a letter, a number or a few words";
    out_ << (source_.interactive() ? "; q quits.\n" : ".\n");
    if (seed_overridden_) {
      out_ << "  Seed " << run_.world().simulator.seed()
           << " (--seed): another seed can change which packets a lossy link drops.\n";
    }
  }

  void print_step_intro() {
    const Step& step = *run_.current_step();
    std::string title = "Step " + std::to_string(*run_.step_index() + 1) + "/" + std::to_string(run_.step_count());
    if (!step.title.empty()) title += ": " + step.title;
    out_ << "\n" << heading(title, width_) << "\n";
    out_ << wrap_text(step.say, text_width(), "  ");
  }

  // Asks the pending question until it is answered; false when the student quits.
  bool ask() {
    const bool prediction = run_.pending_is_prediction();
    const Quiz& quiz = *run_.pending_question();
    out_ << "\n";
    const std::string label = std::string(prediction ? "Predict" : "Question") + " " +
                              std::to_string(run_.question_number()) + "/" +
                              std::to_string(run_.lesson().question_count()) + (quiz.graded ? "" : " (not graded)") + ": ";
    out_ << wrap_text(label + quiz.question, text_width(), "  ");
    for (std::size_t i = 0; i < quiz.choices.size(); ++i) {
      const std::string marker = std::string(1, static_cast<char>('a' + i)) + ") ";
      std::string item = wrap_text(quiz.choices[i], text_width() - 8, "");
      // Hang continuation lines under the choice's text.
      std::string indented = "    " + marker;
      for (std::size_t p = 0; p < item.size(); ++p) {
        indented += item[p];
        if (item[p] == '\n' && p + 1 < item.size()) indented += "       ";
      }
      out_ << indented;
    }
    const std::string hint = quiz.multiple_choice() ? "[" + choice_letters(quiz) + "]" : "[type your answer]";
    while (true) {
      out_ << "  " << hint << " > ";
      auto line = source_.next_line(out_);
      if (!line) {
        out_ << "\n  (end of input)\n";
        return false;
      }
      if (source_.interactive() && is_quit(*line)) return false;
      const AnswerCheck check = run_.answer(*line);
      if (check.valid && check.try_again) {
        const std::string why = choice_explanation(quiz, check);
        out_ << wrap_text("\u2717 Not quite." + (why.empty() ? std::string() : " " + why), text_width(), "  ");
        out_ << wrap_text("One more try, for " + number_text(run_.second_try_credit() * 100) + "% of the mark.", text_width(), "  ");
        continue;
      }
      if (!check.valid) {
        std::string problem = check.problem;
        if (!problem.empty()) problem[0] = common::to_upper(problem[0]);
        out_ << "  " << problem << (source_.interactive() ? " (or q to quit).\n" : ".\n");
        if (!source_.interactive()) return false;  // checked beforehand; never loop on a file
        continue;
      }
      if (!prediction) print_verdict(quiz, check.correct, "", choice_explanation(quiz, check));
      return true;
    }
  }

  void print_verdict(const Quiz& quiz, bool correct, const std::string& prefix, const std::string& why) {
    const std::string ungraded = quiz.graded ? "" : " (not graded)";
    if (correct) out_ << "  \u2713 " << prefix << "Right." << ungraded << "\n";
    else out_ << wrap_text("\u2717 " + prefix + "Not quite: the answer is " + right_answer_text(quiz) + "." + ungraded, text_width(), "  ");
    if (!correct && !why.empty()) out_ << wrap_text(why, text_width() - 2, "    ");
    if (!quiz.explanation.empty()) out_ << wrap_text(quiz.explanation, text_width() - 2, "    ");
  }

  void print_step_results() {
    const Step& step = *run_.current_step();
    if (step.run) print_run();
    if (step.show) print_records(*step.show);
    if (step.predict) {
      const LessonRun::Answer* prediction = run_.current_prediction();
      out_ << "\n";
      if (prediction) {
        AnswerCheck picked;
        picked.choice = prediction->choice;
        print_verdict(*step.predict, prediction->correct, "Your prediction: ", choice_explanation(*step.predict, picked));
      }
    }
  }

  void print_run() {
    out_ << "\n  \u25b8 Simulated clock: " << seconds_text(clock_before_step()) << " s " << arrow << " "
         << seconds_text(run_.now()) << " s";
    if (const engine::TraceRecord* checkpoint = run_.checkpoint()) {
      out_ << ", stopped at:\n";
      print_record(*checkpoint, display_width(where_text(*checkpoint)));
    } else if (run_.checkpoint_missed()) {
      out_ << "\n    (the checkpoint this step waits for never came; the lesson may need updating)\n";
    } else {
      out_ << "\n";
    }
    last_clock_ = run_.now();
  }

  engine::Time clock_before_step() const { return last_clock_; }

  void print_record(const engine::TraceRecord& record, std::size_t where_width) {
    const std::string text = format_record_for_student(record, where_width, width_ - 2);
    out_ << "  ";
    for (char c : text) out_ << c << (c == '\n' ? "  " : "");
    out_ << "\n";
  }

  void print_records(const ShowInstruction& show) {
    const auto& records = run_.world().simulator.trace().records();
    const std::vector<std::size_t> shown = run_.shown_records();
    const std::size_t window = run_.window_end() - run_.window_begin();
    out_ << "\n  \u25b8 What happened (" << shown.size() << " of " << window << " trace records";
    if (!show.acknowledgements) out_ << ", pure TCP ACKs hidden";
    out_ << "):\n";
    if (shown.empty()) {
      out_ << "  (nothing matched)\n";
      return;
    }
    const std::size_t limit = static_cast<std::size_t>(show.limit);
    std::size_t where_width = 0;
    for (std::size_t i = 0; i < shown.size() && i < limit; ++i)
      where_width = std::max(where_width, display_width(where_text(records[shown[i]])));
    where_width = std::min<std::size_t>(where_width, 34);
    for (std::size_t i = 0; i < shown.size() && i < limit; ++i)
      print_record(records[shown[i]], where_width);
    if (shown.size() > limit) out_ << "  \u2026 and " << shown.size() - limit << " more not shown\n";
  }

  // Waits for Enter between steps (interactive only); false when the student quits.
  bool pause() {
    if (!source_.interactive()) return true;
    const bool last = *run_.step_index() + 1 >= run_.step_count();
    out_ << "\n  [Enter] " << (last ? "finish" : "next step") << ", q quit > ";
    auto line = source_.next_line(out_);
    if (!line) {
      out_ << "\n  (end of input)\n";
      return false;
    }
    return !is_quit(*line);
  }

  SessionEnd quit() {
    const std::size_t step = run_.step_index() ? *run_.step_index() + 1 : 0;
    out_ << "\n  Stopped at step " << std::min(step, run_.step_count()) << "/" << run_.step_count() << ", "
         << run_.answers().size() << " of " << run_.lesson().question_count() << " questions answered.\n";
    out_ << "score: " << number_text(run_.points()) << "/" << run_.max_score() << "\n";
    return SessionEnd::quit;
  }

  LessonRun& run_;
  AnswerSource& source_;
  std::ostream& out_;
  std::size_t width_;
  bool seed_overridden_;
  engine::Time last_clock_ = 0;
};

}  // namespace

std::string format_record_for_student(const engine::TraceRecord& record, std::size_t where_width, std::size_t width) {
  std::string line = left_pad(seconds_text(record.time), 9) + "  " + pad(kind_label(record), 5) + " " +
                     pad(where_text(record), where_width) + "  ";
  // A transport record's protocol is already its kind label.
  const bool protocol_shown = record.kind == engine::TraceKind::transport && kind_label(record) != "conn";
  std::string what =
      record.protocol.empty() || protocol_shown ? record.summary : record.protocol + " " + record.summary;
  const bool packet = record.kind == engine::TraceKind::hop || record.kind == engine::TraceKind::drop;
  if (packet) {
    // A packet's summary is mostly the first words of its payload: cut it to one line.
    std::string after;
    if (record.kind == engine::TraceKind::hop && record.arrive >= record.time)
      after = "  " + milliseconds_text(record.arrive - record.time);
    const std::size_t used = display_width(line) + display_width(after);
    const std::size_t room = width > used + 12 ? width - used : 12;
    return line + shorten(what, room) + after;
  }
  // A message, note or event says something in full: wrap it under its column (or, when the
  // column is too narrow, under the kind).
  const std::size_t used = display_width(line);
  if (used + display_width(what) <= width) return line + what;
  const std::size_t hang = width > used + 24 ? used : 11;
  BreakOptions options;
  options.first_width = double(width > used ? width - used : 1);
  options.cut_long_words = true;  // a long TXT record or key must not run past the terminal
  const auto lines = break_at_spaces(what, double(width - hang), [](std::string_view part) { return double(display_width(part)); },
                                     options);
  std::string out = line;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" + std::string(hang, ' ') : "") + lines[i];
  return out;
}

std::size_t terminal_width_from_environment() {
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0) return static_cast<std::size_t>(std::clamp(value, 60L, 120L));
  }
  return 80;
}

SessionEnd run_interactive(LessonRun& run, std::istream& in, std::ostream& out, const TerminalOptions& options) {
  KeyboardSource source(in);
  run.allow_second_tries(true);
  return Session(run, source, out, options).run();
}

SessionEnd run_with_answers(LessonRun& run, const std::vector<AnswerLine>& answers, std::ostream& out,
                            const TerminalOptions& options) {
  FileSource source(answers);
  return Session(run, source, out, options).run();
}

}  // namespace maillab::lessons

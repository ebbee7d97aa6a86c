// A lesson, as loaded from a lesson YAML file (lessons/README.md documents the format): a
// scenario to run and a list of steps. Each step narrates, optionally asks the student to
// predict, runs the simulation to a time or to a checkpoint (the first trace record matching a
// pattern), shows what happened, and optionally asks a quiz about it.
//
// This is plain data: loading is in lesson_loader.h, running in lesson_run.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.h"
#include "engine/core/trace.h"
#include "lessons/variables.h"
#include "scenarios/world.h"

namespace maillab::lessons {

// Which trace records a pattern selects. Every field that is set must match: `kinds` (any of
// them), node/peer/protocol/message exactly, `summary_contains` as a substring.
struct TracePattern {
  std::vector<engine::TraceKind> kinds;  // empty: any kind
  std::optional<std::string> node, peer, protocol, message;
  // Both directions of one conversation: node and peer are these two, either way round.
  std::optional<std::pair<std::string, std::string>> between;
  std::vector<std::string> summary_contains;  // any of these in the summary; empty: any summary
  bool matches(const engine::TraceRecord& record) const;
};

// How far a step runs the simulation.
struct RunInstruction {
  enum class Mode {
    until_time,       // run every event up to `time` (absolute simulated time), clock ends there
    for_duration,     // the same, `time` after the clock's current value
    until_end,        // to the scenario's `until:`
    until_checkpoint  // until the `count`-th record matching `pattern` after the current position
  };
  Mode mode = Mode::until_time;
  engine::Time time = 0;
  TracePattern pattern;
  int count = 1;
  // A checkpoint that never comes stops here instead of hanging: `within` after the step starts
  // (when given), else the scenario's `until:` (or the clock, if that has already passed).
  std::optional<engine::Time> within;
  scenarios::SourceLocation where;
};

// Which records of the step's window (everything recorded since the previous step) to print.
struct ShowInstruction {
  TracePattern pattern;
  bool acknowledgements = false;  // also pure TCP ACK hops (hidden by default: noise for students)
  int limit = 40;                 // at most this many lines; the rest are counted, not printed
  scenarios::SourceLocation where;
  bool selects(const engine::TraceRecord& record) const;  // trace_pattern.cpp
};

struct Quiz {
  std::string id;  // "s3.quiz", "s1.predict" (or the author's `id:`): a gradebook column
  std::string question;
  std::vector<std::string> choices;  // 2..6 for a multiple-choice quiz; empty for free text
  std::size_t correct_choice = 0;    // 0-based index into choices
  // Per choice (same size as choices, "" for none): why this wrong choice is wrong, shown when a
  // student picks it.
  std::vector<std::string> choice_explanations;
  std::vector<std::string> accepted;  // free text: accepted answers (case and spacing ignored; numbers by value)
  std::string explanation;           // shown after answering (may be empty)
  bool graded = true;                // false: a prediction asked for thinking, not for marks
  std::optional<double> second_try;  // credit for a right second answer (else the lesson's)
  bool multiple_choice() const { return !choices.empty(); }
  scenarios::SourceLocation where;
};

struct Step {
  std::string title;  // optional heading
  std::string say;    // narration
  std::optional<Quiz> predict;  // asked before the run continues
  std::optional<RunInstruction> run;
  std::optional<ShowInstruction> show;
  std::optional<Quiz> quiz;  // asked after the run
  scenarios::SourceLocation where;
};

struct Lesson {
  std::string source_file;
  std::string id;    // the file's stem ("02-smtp-journey"): result files and gradebook columns
  int version = 1;   // `version:`; a result file names it, so a changed lesson is not mixed up
  std::string student;          // --student: whose variant this is ("" for the author's)
  VariableValues variables;     // the values this student got
  // Credit for a right answer at the second try, 0..1 (0: one try only). Interactive runs only:
  // an answers file gives one answer per question.
  double second_try = 0;
  std::string title;
  std::string description;
  // The scenario: a file (resolved relative to the lesson file) or the text of an inline
  // `scenario:` block. Inline text keeps the lesson file's line numbers (the lines outside the
  // block are blanked), so scenario errors point into the lesson file.
  std::string scenario_path;         // empty when inline
  std::string inline_scenario_text;  // empty when a path
  // A lesson built on an exercise (`scenario: {exercise: PATH}`): the exercise's broken world in
  // this student's variant, its probes as the events; the inline text's lines are the exercise
  // file's, so scenario errors point there.
  std::string exercise_path;
  std::string inline_scenario_file;  // the file inline_scenario_text's lines belong to (default: the lesson)
  std::optional<std::uint64_t> seed;
  std::vector<Step> steps;

  // Number of questions (predictions and quizzes): one line each in an answers file.
  std::size_t question_count() const;
  // Questions that count for marks (not `graded: false`): the Y of "score: X/Y".
  std::size_t graded_count() const;
};

}  // namespace maillab::lessons

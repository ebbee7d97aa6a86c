// The terminal mode of a lesson (`maillab lesson LESSON.yaml [--answers FILE]`): prints the
// narration, trace excerpts and questions of a LessonRun for a student, and feeds it answers
// read from the keyboard (interactive) or from an answers file (non-interactive). All text goes
// through the streams given, so tests drive it with string streams.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/core/trace.h"
#include "lessons/answers_file.h"
#include "lessons/lesson_run.h"

namespace maillab::lessons {

struct TerminalOptions {
  std::size_t width = 80;  // text is wrapped to this many columns
  bool seed_overridden = false;  // --seed was given: the header says which seed runs
};

enum class SessionEnd {
  completed,  // every step done ("score: X/Y" printed)
  quit,       // the student typed q, or input ended (the partial score printed)
};

// Interactive: questions are asked on `in` until a valid answer comes (an invalid one is
// explained and asked again); "q" or "quit" (or the end of input) stops with the partial score.
// Between steps it waits for Enter, so a student reads at their own pace.
SessionEnd run_interactive(LessonRun& run, std::istream& in, std::ostream& out, const TerminalOptions& options = {});

// Non-interactive: the answers (already checked with check_answer_lines) are given in order and
// echoed; no pauses. Ends with the line "score: X/Y".
SessionEnd run_with_answers(LessonRun& run, const std::vector<AnswerLine>& answers, std::ostream& out,
                            const TerminalOptions& options = {});

// One trace record as a student sees it, lines of at most `width` columns: time, kind, where,
// what, and for a hop how long the crossing took. `where_width` aligns the "node → peer" column.
// A hop's or drop's summary (mostly payload) is cut to one line, keeping its "(...)" tail; any
// other record's summary is wrapped onto continuation lines ('\n'-separated, indented).
std::string format_record_for_student(const engine::TraceRecord& record, std::size_t where_width, std::size_t width);

// The terminal width to use: $COLUMNS when it is a sane number, else 80 (clamped to 60..120).
std::size_t terminal_width_from_environment();

}  // namespace maillab::lessons

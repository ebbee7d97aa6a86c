// A result file (`--result FILE.json`): what one student did in one lesson or exercise, for the
// teacher's gradebook (`maillab grade`). JSON, one object:
//
//   {"maillab_result": 1, "kind": "lesson", "student": "s17", "activity": "02-smtp-journey",
//    "version": 1, "started": "2026-12-06T18:20:05Z", "finished": "2026-12-06T18:31:40Z",
//    "items": [{"id": "s1.predict", "text": "Which port ...", "answer": "587", "right": true,
//               "attempts": 1, "graded": true, "points": 1, "max_points": 1}, ...],
//    "hints_used": 0, "hint_penalty": 0, "score": 8.5, "max_score": 9, "percent": 94.44}
//
// An item is a question (lessons) or a goal (exercises: "answer" is what the run showed).
// `score` is the points of graded items minus the hint penalty (never below 0); `percent` is
// score / max_score. Times are UTC wall-clock times: when the student did it, not simulated time.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace maillab::lessons {

struct ResultItem {
  std::string id;
  std::string text;    // the question, or the goal as the student reads it
  std::string answer;  // the (last) answer given, or what the run showed for a goal
  bool right = false;
  int attempts = 0;    // 0: not answered (skipped, or the lesson was quit before it)
  bool graded = true;
  double points = 0;
  double max_points = 1;
};

struct Result {
  std::string kind;  // "lesson" or "exercise"
  std::string student;
  std::string activity;  // the lesson's or exercise's id
  int version = 1;
  std::string started, finished;  // ISO 8601 UTC, "2026-12-06T18:20:05Z"
  std::vector<ResultItem> items;
  int hints_used = 0;
  double hint_penalty = 0;  // points taken off for hints
  double score = 0;
  double max_score = 0;
  double percent() const { return max_score > 0 ? 100.0 * score / max_score : 0; }
};

// The current UTC time as "2026-12-06T18:20:05Z".
std::string utc_now();

void write_result_json(const Result& result, std::ostream& out);
// Writes to `path`; false (and `error` set) when the file cannot be written.
bool write_result_file(const Result& result, const std::string& path, std::string& error);

// Reads a result file written by write_result_json. nullopt and `error` ("FILE: ...", with the
// line and column when the JSON itself is broken) when it is not one.
std::optional<Result> read_result_file(const std::string& path, std::string& error);
std::optional<Result> read_result_json(const std::string& text, const std::string& file, std::string& error);

// A JSON string literal with quotes, escapes and \u00XX for control characters.
std::string json_string(const std::string& text);

// A number for people and files: at most `decimals` decimals, no trailing zeros ("7", "7.5").
std::string number_text(double value, int decimals = 2);

// A result with its header filled in and no items yet.
Result new_result(std::string kind, std::string student, std::string activity, int version, std::string started,
                  std::string finished);

}  // namespace maillab::lessons

// The class gradebook (`maillab grade RESULTS...`): result files (lessons/result_file.h) of
// many students and activities merged into one CSV table, and a summary for the teacher.
//
// CSV (RFC 4180): one row per student, sorted by id; the first column is the student id; then,
// for each activity (lesson or exercise) in the order first met, a column per question or goal
// ("02-smtp-journey:s1.predict") holding the points earned (empty: no result for it), and the
// activity's score as a percentage ("02-smtp-journey:percent"). When one student has several
// results for one activity (a second check), the one finished last counts.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "lessons/result_file.h"

namespace maillab::exercises {

struct Gradebook {
  std::vector<lessons::Result> results;  // the ones that count (latest per student and activity)
  std::vector<std::string> warnings;     // e.g. two versions of one activity
};

Gradebook merge_results(std::vector<lessons::Result> results);

void write_gradebook_csv(const Gradebook& book, std::ostream& out);

// Per question or goal: how many students got it right of those who have a result for it, and
// the most common wrong answer (lessons; for goals, what the run showed).
void write_gradebook_summary(const Gradebook& book, std::ostream& out);

// A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled).
std::string csv_field(const std::string& text);

}  // namespace maillab::exercises

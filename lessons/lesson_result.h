// The result file of a lesson run (result_file.h): one item per question in the lesson's order,
// with the answer given, the tries and the marks; questions not reached have no attempts.
#pragma once

#include <string>

#include "lessons/lesson_run.h"
#include "lessons/result_file.h"

namespace maillab::lessons {

Result lesson_result(const LessonRun& run, const std::string& started, const std::string& finished);

// Every question of the lesson in the order asked (each step's predict: before its quiz:).
std::vector<const Quiz*> questions_in_order(const Lesson& lesson);

}  // namespace maillab::lessons

// Loading and validating lesson files. Like the scenario loader (and with its Diagnostics), every
// problem found is reported with file:line:column, unknown keys are errors, and nothing is
// returned unless the whole file was right. The lesson's scenario is loaded once while
// validating, so a broken scenario (or a checkpoint naming a node the scenario lacks) is caught
// before a student starts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lessons/lesson.h"
#include "scenarios/diagnostics.h"
#include "scenarios/registry.h"
#include "scenarios/world.h"

namespace maillab::lessons {

// `student` picks the variant (lessons/variables.h): {{name}} in the file becomes this student's
// value; "" gives the author's variant (every variable's first value).
std::optional<Lesson> load_lesson(const std::string& path, scenarios::Diagnostics& diagnostics,
                                  const std::string& student = "");

// The same from text in memory; `file` names the lesson in messages and is the base for a
// relative scenario path.
std::optional<Lesson> load_lesson_from_string(const std::string& yaml_text, const std::string& file,
                                              scenarios::Diagnostics& diagnostics, const std::string& student = "");
std::optional<Lesson> load_lesson_from_string(const std::string& yaml_text, const std::string& file,
                                              scenarios::Diagnostics& diagnostics, const scenarios::Registry& registry,
                                              const std::string& student = "");

// A fresh World for the lesson's scenario, seeded by `seed_override`, else the lesson's `seed:`,
// else the scenario's own. nullptr (and diagnostics) if the scenario does not load.
std::unique_ptr<scenarios::World> load_lesson_world(const Lesson& lesson, std::optional<std::uint64_t> seed_override,
                                                    scenarios::Diagnostics& diagnostics);
std::unique_ptr<scenarios::World> load_lesson_world(const Lesson& lesson, std::optional<std::uint64_t> seed_override,
                                                    scenarios::Diagnostics& diagnostics,
                                                    const scenarios::Registry& registry);

}  // namespace maillab::lessons

// maillab lesson LESSON.yaml [--answers FILE] [--check] — the lesson runner lives in lessons/
// (lessons/lesson_command.h); this only hands it the arguments and the standard streams.
#include <iostream>

#include "app/commands.h"
#include "lessons/lesson_command.h"

namespace maillab::app {

int command_lesson(const Arguments& arguments) {
  return lessons::run_lesson_command(arguments, std::cin, std::cout, std::cerr);
}

}  // namespace maillab::app

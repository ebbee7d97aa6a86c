// The lesson loader: any text, read as if it were a file in lessons/ (so `scenario:` paths to
// the shipped scenarios resolve). A lesson and no errors, or no lesson and a located error.
// Use with yaml.dict.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "lessons/lesson_loader.h"
#include "maillab/source_dir.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  scenarios::Diagnostics diagnostics;
  auto lesson = lessons::load_lesson_from_string(std::string(input.stream()),
                                                 std::string(MAILLAB_SOURCE_DIR) + "/lessons/fuzz.yaml", diagnostics);
  if (lesson.has_value() == diagnostics.has_errors()) std::abort();
  (void)diagnostics.to_string();
  return 0;
}

// maillab grade RESULTS... — merges result files (lesson and exercise runs with --result) into
// the class gradebook: a CSV on standard output (or --out FILE) and a summary for the teacher on
// standard error (or --summary FILE). The merging is exercises/gradebook.h.
#include <fstream>
#include <iostream>

#include "app/arguments.h"
#include "app/commands.h"
#include "exercises/gradebook.h"

namespace maillab::app {

int command_grade(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"out"}, {"summary"}}, error);
  if (!parsed) return usage_error("grade", error);
  if (parsed->help) {
    std::cout << "Usage: maillab grade RESULT.json... [--out FILE.csv] [--summary FILE]\n"
                 "Merges result files (maillab lesson/exercise ... --result FILE.json) into one CSV: a row\n"
                 "per student (first column the student id), a column per question or goal (the points\n"
                 "earned) and a percent column per lesson or exercise. A student's latest result for an\n"
                 "activity counts. The CSV goes to standard output (or --out FILE); a summary (success\n"
                 "rate and most common wrong answer per question) to standard error (or --summary FILE).\n"
                 "Exit: 0 merged, 2 a file is not a result file (nothing written).\n";
    return 0;
  }
  if (parsed->positional.empty()) return usage_error("grade", "no result files given");
  std::vector<lessons::Result> results;
  int bad = 0;
  for (const auto& path : parsed->positional) {
    std::string problem;
    if (auto result = lessons::read_result_file(path, problem)) results.push_back(std::move(*result));
    else {
      std::cerr << problem << "\n";
      ++bad;
    }
  }
  if (bad > 0) {
    std::cerr << "maillab grade: " << bad << (bad == 1 ? " file is" : " files are") << " not result files; nothing written\n";
    return 2;
  }
  const auto book = exercises::merge_results(std::move(results));
  // Each part to its file when asked, else to its standard stream.
  const auto emit = [&](const char* option, std::ostream& fallback, auto write) {
    if (!parsed->has(option)) {
      write(book, fallback);
      return true;
    }
    std::ofstream file(parsed->options.at(option), std::ios::binary | std::ios::trunc);
    if (file) write(book, file);
    return static_cast<bool>(file);
  };
  if (!emit("out", std::cout, exercises::write_gradebook_csv))
    return usage_error("grade", "cannot write " + parsed->options.at("out"));
  if (!emit("summary", std::cerr, exercises::write_gradebook_summary))
    return usage_error("grade", "cannot write " + parsed->options.at("summary"));
  return 0;
}

}  // namespace maillab::app

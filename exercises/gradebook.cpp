#include "exercises/gradebook.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "lessons/quiz.h"

namespace maillab::exercises {
namespace {

struct Column {
  std::string activity, item;  // item empty: the activity's percent column
  std::string name() const { return activity + ":" + (item.empty() ? "percent" : item); }
};

// Activities and their items in the order first met.
std::vector<Column> columns_of(const Gradebook& book) {
  std::vector<Column> columns;
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::string> activities;
  for (const auto& result : book.results)
    if (std::find(activities.begin(), activities.end(), result.activity) == activities.end())
      activities.push_back(result.activity);
  for (const auto& activity : activities) {
    for (const auto& result : book.results) {
      if (result.activity != activity) continue;
      for (const auto& item : result.items)
        if (seen.insert({activity, item.id}).second) columns.push_back({activity, item.id});
    }
    columns.push_back({activity, ""});
  }
  return columns;
}

const lessons::ResultItem* find_item(const lessons::Result& result, const std::string& id) {
  for (const auto& item : result.items)
    if (item.id == id) return &item;
  return nullptr;
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Gradebook merge_results(std::vector<lessons::Result> results) {
  Gradebook book;
  std::map<std::string, int> versions;  // activity -> first version seen
  std::map<std::pair<std::string, std::string>, std::size_t> latest;  // (student, activity) -> index in book
  for (auto& result : results) {
    auto [version, fresh] = versions.emplace(result.activity, result.version);
    if (!fresh && version->second != result.version) {
      book.warnings.push_back("results for " + result.activity + " come from versions " + std::to_string(version->second) +
                              " and " + std::to_string(result.version) + " (questions may differ)");
      version->second = result.version;
    }
    const auto key = std::make_pair(result.student, result.activity);
    auto found = latest.find(key);
    if (found == latest.end()) {
      latest.emplace(key, book.results.size());
      book.results.push_back(std::move(result));
    } else if (book.results[found->second].finished <= result.finished) {
      book.results[found->second] = std::move(result);  // ISO 8601 UTC times sort as text
    }
  }
  std::sort(book.warnings.begin(), book.warnings.end());
  book.warnings.erase(std::unique(book.warnings.begin(), book.warnings.end()), book.warnings.end());
  return book;
}

void write_gradebook_csv(const Gradebook& book, std::ostream& out) {
  const auto columns = columns_of(book);
  out << "student";
  for (const auto& column : columns) out << "," << csv_field(column.name());
  out << "\r\n";  // RFC 4180 §2: CRLF
  std::set<std::string> students;
  for (const auto& result : book.results) students.insert(result.student);
  for (const auto& student : students) {
    out << csv_field(student);
    for (const auto& column : columns) {
      out << ",";
      for (const auto& result : book.results) {
        if (result.student != student || result.activity != column.activity) continue;
        if (column.item.empty()) out << lessons::number_text(result.percent());
        else if (const auto* item = find_item(result, column.item); item && item->attempts > 0)
          out << lessons::number_text(item->points);
      }
    }
    out << "\r\n";
  }
}

void write_gradebook_summary(const Gradebook& book, std::ostream& out) {
  std::set<std::string> students;
  for (const auto& result : book.results) students.insert(result.student);
  out << "gradebook: " << students.size() << (students.size() == 1 ? " student, " : " students, ")
      << book.results.size() << (book.results.size() == 1 ? " result" : " results") << "\n";
  for (const auto& warning : book.warnings) out << "warning: " << warning << "\n";
  for (const auto& column : columns_of(book)) {
    if (column.item.empty()) {
      double total = 0;
      int count = 0;
      for (const auto& result : book.results)
        if (result.activity == column.activity) total += result.percent(), ++count;
      out << column.activity << ": mean " << lessons::number_text(count ? total / count : 0) << "% over " << count
          << (count == 1 ? " student" : " students") << "\n";
      continue;
    }
    int answered = 0, right = 0;
    std::map<std::string, int> wrong;  // normalized answer -> count
    std::map<std::string, std::string> as_given;
    for (const auto& result : book.results) {
      if (result.activity != column.activity) continue;
      const auto* item = find_item(result, column.item);
      if (!item || item->attempts == 0) continue;
      ++answered;
      if (item->right) {
        ++right;
      } else if (!item->answer.empty()) {
        const std::string key = lessons::normalize_answer(item->answer);
        ++wrong[key];
        as_given.emplace(key, item->answer);
      }
    }
    out << "  " << column.name() << ": " << right << "/" << answered << " right";
    if (answered > 0) out << " (" << lessons::number_text(100.0 * right / answered) << "%)";
    if (!wrong.empty()) {
      // The most common; ties go to the first in sort order, so the summary is the same every time.
      auto most = std::max_element(wrong.begin(), wrong.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      std::string answer = as_given[most->first];
      if (answer.size() > 70) answer = answer.substr(0, 67) + "...";
      out << "; most common wrong answer: \"" << answer << "\" (" << most->second << ")";
    }
    out << "\n";
  }
}

}  // namespace maillab::exercises

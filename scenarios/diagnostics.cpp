#include "scenarios/diagnostics.h"

#include <algorithm>

namespace maillab::scenarios {

std::string SourceLocation::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::to_string() const {
  return where.to_string() + (warning ? ": warning: " : ": error: ") + message;
}

void Diagnostics::warning(SourceLocation where, std::string_view what) {
  warnings_.push_back({std::move(where), std::string(what), true});
}

std::string Diagnostics::warnings_to_string() const {
  std::string out;
  for (const auto& w : warnings_) out += w.to_string() + "\n";
  return out;
}

void Diagnostics::error(SourceLocation where, std::string_view what, std::string_view expected) {
  std::string message(what);
  if (!expected.empty()) {
    message += "; expected ";
    message += expected;
  }
  errors_.push_back({std::move(where), std::move(message)});
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& e : errors_) out += e.to_string() + "\n";
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (distance == 0 || distance > limit || distance >= std::max(word.size(), candidate.size())) continue;
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

}  // namespace maillab::scenarios

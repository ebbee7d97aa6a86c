// Exhaustive inputs for the canonicalization tests: every string over a small alphabet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::auth::testing {

// Calls visit(s) for every string s of length 0..max_length over `alphabet` (a counter in base
// alphabet.size(), shortest strings first) and returns how many there were.
template <class Visit>
std::size_t for_each_string(std::string_view alphabet, std::size_t max_length, Visit&& visit) {
  std::size_t count = 0;
  std::string text;
  for (std::size_t length = 0; length <= max_length; ++length) {
    std::vector<std::size_t> digits(length, 0);
    while (true) {
      text.clear();
      for (std::size_t digit : digits) text += alphabet[digit];
      visit(static_cast<const std::string&>(text));
      ++count;
      std::size_t i = 0;
      while (i < length && ++digits[i] == alphabet.size()) digits[i++] = 0;
      if (i == length) break;
    }
  }
  return count;
}

}  // namespace maillab::auth::testing

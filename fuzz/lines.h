// Fuzz inputs that carry several strings (DNS answers, header values) separate them with '\n'.
#pragma once

#include <string_view>
#include <vector>

namespace maillab::fuzz {

inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return lines;
    text.remove_prefix(end + 1);
  }
}

}  // namespace maillab::fuzz

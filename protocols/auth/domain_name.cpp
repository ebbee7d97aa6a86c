#include "protocols/auth/domain_name.h"

namespace maillab::auth {

std::string normalize_domain(std::string_view domain) {
  std::string lower = to_lower(domain);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  return lower;
}

bool is_valid_fqdn(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty() || domain.size() > 253 || domain.front() == '[') return false;
  int labels = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = domain.find('.', start);
    std::size_t length = (dot == std::string_view::npos ? domain.size() : dot) - start;
    if (length == 0 || length > 63) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

bool is_same_or_subdomain(std::string_view name, std::string_view domain) {
  std::string n = normalize_domain(name);
  std::string d = normalize_domain(domain);
  if (n == d) return true;
  return n.size() > d.size() && n.compare(n.size() - d.size(), d.size(), d) == 0 &&
         n[n.size() - d.size() - 1] == '.';
}

std::vector<std::string> split_labels(std::string_view domain) {
  std::vector<std::string> labels;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) {
      labels.emplace_back(domain.substr(start));
      break;
    }
    labels.emplace_back(domain.substr(start, dot - start));
    start = dot + 1;
  }
  return labels;
}

std::string_view trim_view(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string trim(std::string_view text) { return std::string(trim_view(text)); }

}  // namespace maillab::auth

#include "protocols/dns/name.h"

#include <algorithm>
#include <stdexcept>

#include "protocols/common/ascii_case.h"

namespace maillab::dns {

namespace {

// RFC 4343 §3: only ASCII letters are case-folded; other octets compare exactly.
unsigned char fold(char octet) { return static_cast<unsigned char>(common::to_lower(octet)); }

int compare_labels(std::string_view left, std::string_view right) {
  std::size_t common = std::min(left.size(), right.size());
  for (std::size_t index = 0; index < common; ++index) {
    unsigned char a = fold(left[index]);
    unsigned char b = fold(right[index]);
    if (a != b) return a < b ? -1 : 1;
  }
  if (left.size() == right.size()) return 0;
  return left.size() < right.size() ? -1 : 1;
}

}  // namespace

std::string escape_label(std::string_view label) {
  std::string text;
  for (char character : label) {
    auto octet = static_cast<unsigned char>(character);
    switch (character) {
      case '.': case '\\': case '"': case ';': case '(': case ')': case '@': case '$':
        text += '\\';
        text += character;
        break;
      default:
        if (octet <= 0x20 || octet >= 0x7F) {
          char digits[5];
          digits[0] = '\\';
          digits[1] = static_cast<char>('0' + octet / 100);
          digits[2] = static_cast<char>('0' + (octet / 10) % 10);
          digits[3] = static_cast<char>('0' + octet % 10);
          digits[4] = 0;
          text += digits;
        } else {
          text += character;
        }
    }
  }
  return text;
}

Result<Name> Name::from_labels(std::vector<std::string> labels) {
  std::size_t length = 1;
  for (const auto& label : labels) {
    if (label.empty()) return make_error("empty label in domain name");
    if (label.size() > max_label_length)
      return make_error("label longer than 63 octets: " + escape_label(label.substr(0, 20)) + "...");
    length += label.size() + 1;
  }
  if (length > max_wire_length)
    return make_error("domain name longer than 255 octets (" + std::to_string(length) + ")");
  return Name(std::move(labels));
}

Result<Name> Name::from_text(std::string_view text, const Name& origin) {
  if (text.empty()) return make_error("empty domain name");
  if (text == "@") return origin;
  if (text == ".") return Name();
  std::vector<std::string> labels;
  std::string current;
  bool absolute = false;
  for (std::size_t index = 0; index < text.size(); ++index) {
    char character = text[index];
    if (character == '\\') {
      if (index + 1 >= text.size()) return make_error("dangling backslash in domain name");
      char next = text[index + 1];
      if (next >= '0' && next <= '9') {
        if (index + 3 >= text.size()) return make_error("short \\DDD escape in domain name");
        int value = 0;
        for (int digit = 1; digit <= 3; ++digit) {
          char d = text[index + digit];
          if (d < '0' || d > '9') return make_error("bad \\DDD escape in domain name");
          value = value * 10 + (d - '0');
        }
        if (value > 255) return make_error("\\DDD escape above 255 in domain name");
        current += static_cast<char>(value);
        index += 3;
      } else {
        current += next;
        index += 1;
      }
    } else if (character == '.') {
      if (current.empty()) return make_error("empty label in domain name '" + std::string(text) + "'");
      labels.push_back(std::move(current));
      current.clear();
      if (index + 1 == text.size()) absolute = true;
    } else {
      current += character;
    }
  }
  if (!current.empty()) labels.push_back(std::move(current));
  if (!absolute)
    for (const auto& label : origin.labels_) labels.push_back(label);
  return from_labels(std::move(labels));
}

Name Name::literal(std::string_view text) {
  auto parsed = from_text(text);
  if (!parsed) throw std::invalid_argument("bad domain name '" + std::string(text) + "': " + parsed.error().message);
  return std::move(parsed).value();
}

std::size_t Name::wire_length() const {
  std::size_t length = 1;
  for (const auto& label : labels_) length += label.size() + 1;
  return length;
}

std::string Name::to_text() const {
  if (labels_.empty()) return ".";
  std::string text;
  for (const auto& label : labels_) {
    text += escape_label(label);
    text += '.';
  }
  return text;
}

std::string Name::to_short_text() const {
  std::string text = to_text();
  if (text.size() > 1) text.pop_back();
  return text;
}

Name Name::parent() const {
  if (labels_.empty()) return Name();
  return Name(std::vector<std::string>(labels_.begin() + 1, labels_.end()));
}

Name Name::first_labels(std::size_t count) const {
  if (count >= labels_.size()) return *this;
  return Name(std::vector<std::string>(labels_.end() - static_cast<std::ptrdiff_t>(count), labels_.end()));
}

Result<Name> Name::prepend(std::string_view label) const {
  std::vector<std::string> labels;
  labels.reserve(labels_.size() + 1);
  labels.emplace_back(label);
  labels.insert(labels.end(), labels_.begin(), labels_.end());
  return from_labels(std::move(labels));
}

Name Name::lowercase() const {
  std::vector<std::string> labels = labels_;
  for (auto& label : labels)
    for (auto& character : label) character = common::to_lower(character);
  return Name(std::move(labels));
}

bool Name::is_subdomain_of(const Name& ancestor) const {
  if (ancestor.labels_.size() > labels_.size()) return false;
  std::size_t skip = labels_.size() - ancestor.labels_.size();
  for (std::size_t index = 0; index < ancestor.labels_.size(); ++index)
    if (compare_labels(labels_[skip + index], ancestor.labels_[index]) != 0) return false;
  return true;
}

bool operator==(const Name& left, const Name& right) {
  if (left.labels_.size() != right.labels_.size()) return false;
  for (std::size_t index = 0; index < left.labels_.size(); ++index)
    if (compare_labels(left.labels_[index], right.labels_[index]) != 0) return false;
  return true;
}

std::strong_ordering operator<=>(const Name& left, const Name& right) {
  auto left_label = left.labels_.rbegin();
  auto right_label = right.labels_.rbegin();
  for (; left_label != left.labels_.rend() && right_label != right.labels_.rend(); ++left_label, ++right_label) {
    int order = compare_labels(*left_label, *right_label);
    if (order != 0) return order < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return left.labels_.size() <=> right.labels_.size();
}

std::string reverse_pointer_name(std::uint32_t ipv4) {
  std::string name;
  for (int octet = 0; octet < 4; ++octet) name += std::to_string((ipv4 >> (8 * octet)) & 0xff) + ".";
  return name + "in-addr.arpa.";
}

}  // namespace maillab::dns

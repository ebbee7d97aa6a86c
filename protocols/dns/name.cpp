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

Result<Name> Name::from_labels(const std::vector<std::string>& labels) {
  std::size_t length = 1;
  for (const auto& label : labels) {
    if (label.empty()) return make_error("empty label in domain name");
    if (label.size() > max_label_length)
      return make_error("label longer than 63 octets: " + escape_label(label.substr(0, 20)) + "...");
    length += label.size() + 1;
  }
  if (length > max_wire_length)
    return make_error("domain name longer than 255 octets (" + std::to_string(length) + ")");
  std::string wire;
  wire.reserve(length - 1);
  for (const auto& label : labels) {
    wire += static_cast<char>(label.size());
    wire += label;
  }
  return Name(std::move(wire), labels.size());
}

Result<Name> Name::from_wire_labels(std::string wire) {
  if (wire.size() + 1 > max_wire_length)
    return make_error("domain name longer than 255 octets (" + std::to_string(wire.size() + 1) + ")");
  std::size_t count = 0;
  for (std::size_t at = 0; at < wire.size(); ++count) {
    const auto length = static_cast<unsigned char>(wire[at]);
    if (length == 0) return make_error("empty label in domain name");
    if (length > max_label_length) return make_error("label longer than 63 octets");
    if (at + 1 + length > wire.size()) return make_error("label runs past the end of the name");
    at += 1 + length;
  }
  return Name(std::move(wire), count);
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
    for (auto& label : origin.labels()) labels.push_back(std::move(label));
  return from_labels(labels);
}

Name Name::literal(std::string_view text) {
  auto parsed = from_text(text);
  if (!parsed) throw std::invalid_argument("bad domain name '" + std::string(text) + "': " + parsed.error().message);
  return std::move(parsed).value();
}

std::vector<std::string> Name::labels() const {
  std::vector<std::string> labels;
  labels.reserve(count_);
  for (std::size_t at = 0; at < wire_.size(); at += 1 + static_cast<unsigned char>(wire_[at]))
    labels.emplace_back(wire_.substr(at + 1, static_cast<unsigned char>(wire_[at])));
  return labels;
}

std::size_t Name::offset_after(std::size_t skip) const {
  std::size_t at = 0;
  for (; skip > 0 && at < wire_.size(); --skip) at += 1 + static_cast<unsigned char>(wire_[at]);
  return at;
}

std::string Name::to_text() const {
  if (count_ == 0) return ".";
  std::string text;
  text.reserve(wire_.size() + 1);
  for (std::size_t at = 0; at < wire_.size(); at += 1 + static_cast<unsigned char>(wire_[at])) {
    text += escape_label(std::string_view(wire_).substr(at + 1, static_cast<unsigned char>(wire_[at])));
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
  if (count_ == 0) return Name();
  return Name(wire_.substr(offset_after(1)), count_ - 1u);
}

Name Name::first_labels(std::size_t count) const {
  if (count >= count_) return *this;
  return Name(wire_.substr(offset_after(count_ - count)), count);
}

Result<Name> Name::prepend(std::string_view label) const {
  if (label.empty()) return make_error("empty label in domain name");
  if (label.size() > max_label_length)
    return make_error("label longer than 63 octets: " + escape_label(label.substr(0, 20)) + "...");
  const std::size_t length = wire_.size() + 1 + label.size() + 1;
  if (length > max_wire_length) return make_error("domain name longer than 255 octets (" + std::to_string(length) + ")");
  std::string wire;
  wire.reserve(length - 1);
  wire += static_cast<char>(label.size());
  wire += label;
  wire += wire_;
  return Name(std::move(wire), count_ + 1u);
}

// Length octets are at most 63, below every ASCII letter, so folding the whole wire form folds
// the labels and leaves the lengths alone.
Name Name::lowercase() const {
  std::string wire = wire_;
  for (auto& character : wire) character = common::to_lower(character);
  return Name(std::move(wire), count_);
}

bool Name::is_subdomain_of(const Name& ancestor) const {
  if (ancestor.count_ > count_ || ancestor.wire_.size() > wire_.size()) return false;
  const std::size_t at = offset_after(count_ - ancestor.count_);
  return wire_.size() - at == ancestor.wire_.size() &&
         compare_labels(std::string_view(wire_).substr(at), ancestor.wire_) == 0;
}

bool operator==(const Name& left, const Name& right) {
  return left.count_ == right.count_ && left.wire_.size() == right.wire_.size() &&
         compare_labels(left.wire_, right.wire_) == 0;
}

std::strong_ordering operator<=>(const Name& left, const Name& right) {
  // Where each label starts, to walk them from the right (at most 127 labels).
  auto starts = [](const Name& name, std::uint8_t* out) {
    std::size_t count = 0;
    for (std::size_t at = 0; at < name.wire_.size(); at += 1 + static_cast<unsigned char>(name.wire_[at]))
      out[count++] = static_cast<std::uint8_t>(at);
  };
  std::uint8_t left_starts[128], right_starts[128];
  starts(left, left_starts);
  starts(right, right_starts);
  std::size_t l = left.count_, r = right.count_;
  const std::string_view left_wire = left.wire_, right_wire = right.wire_;
  while (l > 0 && r > 0) {
    --l;
    --r;
    const std::size_t left_at = left_starts[l], right_at = right_starts[r];
    int order = compare_labels(left_wire.substr(left_at + 1, static_cast<unsigned char>(left_wire[left_at])),
                               right_wire.substr(right_at + 1, static_cast<unsigned char>(right_wire[right_at])));
    if (order != 0) return order < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return left.count_ <=> right.count_;
}

std::string reverse_pointer_name(std::uint32_t ipv4) {
  std::string name;
  for (int octet = 0; octet < 4; ++octet) name += std::to_string((ipv4 >> (8 * octet)) & 0xff) + ".";
  return name + "in-addr.arpa.";
}

}  // namespace maillab::dns

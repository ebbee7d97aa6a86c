#include "protocols/mail/header.h"

#include "protocols/mail/text.h"

namespace maillab::mail {

std::string fold_header_line(std::string_view name, std::string_view value, std::size_t width) {
  // Written straight into the result (the line being filled is its tail from line_start): an MTA
  // folds a Received line and the fields it adds for every message it takes.
  std::string result;
  result.reserve(name.size() + value.size() + value.size() / 16 + 8);
  result += name;
  result += ':';
  std::size_t line_start = 0;
  std::size_t position = 0;
  // Walk the value word by word; a "word" keeps its leading whitespace so that a fold point is
  // always just before a space or tab (RFC 5322 §2.2.3: fold only where whitespace already is).
  bool first = true;
  while (position < value.size()) {
    std::size_t word_start = position;
    std::size_t scan = position;
    while (scan < value.size() && (value[scan] == ' ' || value[scan] == '\t')) ++scan;
    while (scan < value.size() && value[scan] != ' ' && value[scan] != '\t') ++scan;
    std::string_view word = value.substr(word_start, scan - word_start);
    position = scan;
    if (first) {
      // The first word goes after "Name:" with one space (unless the value starts with space).
      if (!(word.empty() || word.front() == ' ' || word.front() == '\t')) result += ' ';
      result += word;
      first = false;
      continue;
    }
    if (result.size() - line_start + word.size() > width) {  // later words always start with whitespace
      result += "\r\n";
      line_start = result.size();
    }
    result += word;
  }
  if (first) result += ' ';  // an empty value keeps "Name: "
  result += "\r\n";
  return result;
}

std::string unfold(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 2 < text.size() && text[i + 1] == '\n' &&
        (text[i + 2] == ' ' || text[i + 2] == '\t')) {
      ++i;  // drop CR and LF, keep the whitespace
      continue;
    }
    if (text[i] == '\n' && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
      continue;
    }
    result += text[i];
  }
  return result;
}

void Headers::append(std::string_view name, std::string_view value) {
  fields_.push_back(HeaderField{std::string(name), std::string(value)});
}

void Headers::prepend(std::string_view name, std::string_view value) {
  fields_.insert(fields_.begin(), HeaderField{std::string(name), std::string(value)});
}

void Headers::set(std::string_view name, std::string_view value) {
  bool replaced = false;
  for (auto it = fields_.begin(); it != fields_.end();) {
    if (equals_ignoring_case(it->name, name)) {
      if (!replaced) {
        it->value = std::string(value);
        replaced = true;
        ++it;
      } else {
        it = fields_.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!replaced) append(name, value);
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const HeaderField& field) { return equals_ignoring_case(field.name, name); });
}

bool Headers::contains(std::string_view name) const { return get(name).has_value(); }

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& field : fields_) {
    if (equals_ignoring_case(field.name, name)) return field.value;
  }
  return std::nullopt;
}

std::vector<std::string> Headers::get_all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& field : fields_) {
    if (equals_ignoring_case(field.name, name)) values.push_back(field.value);
  }
  return values;
}

std::string Headers::serialize() const {
  std::string result;
  for (const auto& field : fields_) result += fold_header_line(field.name, field.value);
  return result;
}

namespace {

// One line of a header section, split as split_lines splits it: up to a LF, less a CR before it.
struct SectionLine {
  std::string_view text;  // without the line ending
  std::size_t next = 0;   // where the following line starts
};

SectionLine line_at(std::string_view section, std::size_t start) {
  const std::size_t end = section.find('\n', start);
  if (end == std::string_view::npos) return {section.substr(start), section.size()};
  const std::size_t content_end = (end > start && section[end - 1] == '\r') ? end - 1 : end;
  return {section.substr(start, content_end - start), end + 1};
}

// The grammar of a header section, for parse_headers and HeaderIndex alike: an empty line is
// passed over, a line starting with whitespace continues the field before it, any other line
// starts a field "Name: value". on_field(name, lines) gets each field's trimmed name and its
// value lines (after the colon through the end of its last continuation line), both views into
// the section. Returns what is wrong and on which line, or nothing.
template <typename OnField>
std::optional<std::string> scan_fields(std::string_view section, OnField&& on_field) {
  std::string_view name;
  std::size_t value_start = 0, value_end = 0;
  bool have_field = false;
  std::size_t number = 0;
  for (std::size_t start = 0; start < section.size();) {
    const SectionLine line = line_at(section, start);
    start = line.next;
    ++number;
    if (line.text.empty()) continue;
    const std::size_t line_start = static_cast<std::size_t>(line.text.data() - section.data());
    if (line.text.front() == ' ' || line.text.front() == '\t') {
      if (!have_field)
        return "header line " + std::to_string(number) + ": continuation line before any header field";
      value_end = line_start + line.text.size();  // unfolding keeps the whitespace (RFC 5322 §2.2.3)
      continue;
    }
    if (have_field) on_field(name, section.substr(value_start, value_end - value_start));
    const std::size_t colon = line.text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return "header line " + std::to_string(number) + ": expected 'Name: value', got '" +
             std::string(line.text.substr(0, 60)) + "'";
    }
    // RFC 5322 §2.2: a field name is printable US-ASCII except colon; no spaces. (Trailing
    // whitespace before the colon is the obsolete syntax of §4.5; we accept and trim it.)
    name = trim(line.text.substr(0, colon));
    for (char c : name) {
      if (c < 33 || c > 126)
        return "header line " + std::to_string(number) + ": invalid character in field name '" + std::string(name) + "'";
    }
    if (name.empty()) return "header line " + std::to_string(number) + ": empty field name";
    value_start = line_start + colon + 1;
    value_end = line_start + line.text.size();
    have_field = true;
  }
  if (have_field) on_field(name, section.substr(value_start, value_end - value_start));
  return std::nullopt;
}

// A field's value lines joined without their line endings (RFC 5322 §2.2.3), trimmed.
std::string unfolded_value(std::string_view lines) {
  if (lines.find('\n') == std::string_view::npos) return std::string(trim(lines));
  std::string value;
  for (std::size_t start = 0; start < lines.size();) {
    const SectionLine line = line_at(lines, start);
    value += line.text;
    start = line.next;
  }
  return std::string(trim(value));
}

}  // namespace

ParseResult<Headers> parse_headers(std::string_view section) {
  Headers headers;
  const auto problem = scan_fields(section, [&](std::string_view name, std::string_view lines) {
    headers.append(name, unfolded_value(lines));
  });
  if (problem) return ParseResult<Headers>::failure(*problem);
  return ParseResult<Headers>::success(std::move(headers));
}

HeaderIndex::HeaderIndex(std::string_view section) {
  // Built aside and kept only when the whole section parses: a failure leaves no fields.
  std::vector<Field> fields;
  const auto problem =
      scan_fields(section, [&](std::string_view name, std::string_view lines) { fields.push_back({name, lines}); });
  if (problem) return;
  fields_ = std::move(fields);
  ok_ = true;
}

std::string HeaderIndex::value_of(const Field& field) { return unfolded_value(field.lines); }

std::optional<std::string> HeaderIndex::get(std::string_view name) const {
  for (const auto& field : fields_)
    if (equals_ignoring_case(field.name, name)) return value_of(field);
  return std::nullopt;
}

std::vector<std::string> HeaderIndex::get_all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& field : fields_)
    if (equals_ignoring_case(field.name, name)) values.push_back(value_of(field));
  return values;
}

bool HeaderIndex::contains(std::string_view name) const {
  for (const auto& field : fields_)
    if (equals_ignoring_case(field.name, name)) return true;
  return false;
}

std::size_t HeaderIndex::count(std::string_view name) const {
  std::size_t found = 0;
  for (const auto& field : fields_) found += equals_ignoring_case(field.name, name);
  return found;
}

}  // namespace maillab::mail

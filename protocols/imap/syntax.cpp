#include "protocols/imap/syntax.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace maillab::imap {

bool Value::is_nil() const { return kind == Kind::atom && to_upper(text) == "NIL"; }

std::string Value::keyword() const { return kind == Kind::atom ? to_upper(text) : std::string(); }

namespace {

class Parser {
 public:
  Parser(std::string_view text, std::string* error, std::size_t max_depth)
      : text_(text), error_(error), max_depth_(max_depth) {}

  std::optional<std::vector<Value>> parse_all() {
    std::vector<Value> values;
    if (!parse_sequence(values, false)) return std::nullopt;
    return values;
  }

 private:
  bool fail(const std::string& message) {
    if (error_) *error_ = message + " at position " + std::to_string(position_);
    return false;
  }

  // Values separated by spaces until the end (or ')' when inside a list).
  bool parse_sequence(std::vector<Value>& out, bool in_list) {
    while (true) {
      while (position_ < text_.size() && text_[position_] == ' ') ++position_;
      if (position_ >= text_.size()) {
        if (in_list) return fail("unterminated list");
        return true;
      }
      const char c = text_[position_];
      if (c == ')') {
        if (!in_list) return fail("unexpected ')'");
        ++position_;
        return true;
      }
      Value value;
      if (!parse_value(value)) return false;
      out.push_back(std::move(value));
      // After a value: space, ')' or the end.
      if (position_ < text_.size() && text_[position_] != ' ' && text_[position_] != ')')
        return fail("expected a space");
    }
  }

  bool parse_value(Value& value) {
    const char c = text_[position_];
    if (c == '(') {
      // Each level is a stack frame here (and in ~Value): a bound keeps a hostile client's
      // "((((..." from overflowing the stack.
      if (depth_ >= max_depth_)
        return fail("lists nested deeper than " + std::to_string(max_depth_) + " levels");
      ++position_;
      value.kind = Value::Kind::list;
      ++depth_;
      const bool ok = parse_sequence(value.items, true);
      --depth_;
      return ok;
    }
    if (c == '"') return parse_quoted(value);
    if (c == '{') return parse_literal(value);
    return parse_atom(value);
  }

  bool parse_quoted(Value& value) {
    ++position_;  // opening quote
    value.kind = Value::Kind::string;
    while (position_ < text_.size()) {
      char c = text_[position_++];
      if (c == '"') return true;
      if (c == '\r' || c == '\n') return fail("line break inside a quoted string");
      if (c == '\\') {
        if (position_ >= text_.size()) break;
        c = text_[position_++];
        if (c != '"' && c != '\\') return fail("bad escape in a quoted string");
      }
      value.text += c;
    }
    return fail("unterminated quoted string");
  }

  bool parse_literal(Value& value) {
    const std::size_t close = text_.find('}', position_);
    if (close == std::string_view::npos) return fail("unterminated literal size");
    std::string_view size_text = text_.substr(position_ + 1, close - position_ - 1);
    if (!size_text.empty() && size_text.back() == '+') size_text.remove_suffix(1);
    if (size_text.empty() || size_text.size() > 10 ||
        !std::all_of(size_text.begin(), size_text.end(), [](char d) { return d >= '0' && d <= '9'; }))
      return fail("bad literal size");
    const std::uint64_t size = std::stoull(std::string(size_text));
    position_ = close + 1;
    if (text_.substr(position_, 2) == "\r\n") {
      position_ += 2;
    } else if (text_.substr(position_, 1) == "\n") {
      position_ += 1;
    } else {
      return fail("literal size not followed by CRLF");
    }
    if (text_.size() - position_ < size) return fail("literal shorter than announced");
    value.kind = Value::Kind::string;
    value.literal = true;
    value.text = std::string(text_.substr(position_, size));
    position_ += size;
    return true;
  }

  bool parse_atom(Value& value) {
    value.kind = Value::Kind::atom;
    const std::size_t start = position_;
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n' || c == '"' || c == '{') break;
      if (c == '[') {
        // A section: everything up to the matching ']' (it may hold spaces and a field list).
        const std::size_t close = text_.find(']', position_);
        if (close == std::string_view::npos) return fail("unterminated '['");
        if (text_.substr(position_, close - position_).find_first_of("\r\n") != std::string_view::npos)
          return fail("line break inside '[...]'");
        position_ = close + 1;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return fail("control character in atom");
      ++position_;
    }
    if (position_ == start) return fail("unexpected character");
    value.text = std::string(text_.substr(start, position_ - start));
    return true;
  }

  std::string_view text_;
  std::string* error_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::size_t position_ = 0;
};

}  // namespace

std::optional<std::vector<Value>> parse_values(std::string_view text, std::string* error,
                                               std::size_t max_depth) {
  return Parser(text, error, max_depth).parse_all();
}

std::optional<std::uint64_t> trailing_literal(std::string_view line, bool* non_synchronizing,
                                              bool* too_large) {
  if (too_large) *too_large = false;
  if (line.empty() || line.back() != '}') return std::nullopt;
  const std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  bool plus = false;
  if (!digits.empty() && digits.back() == '+') {
    plus = true;
    digits.remove_suffix(1);
  }
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  // Set before the size check: a refused {99999999999+} still has its bytes on the way.
  if (non_synchronizing) *non_synchronizing = plus;
  if (digits.size() > 10) {
    if (too_large) *too_large = true;
    return std::nullopt;
  }
  return std::stoull(std::string(digits));
}

std::string quote_string(std::string_view text) {
  bool quotable = text.size() < 1024;
  for (unsigned char c : text) {
    if (c == '\r' || c == '\n' || c == 0 || c >= 0x80) {
      quotable = false;
      break;
    }
  }
  if (!quotable) return literal(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string nstring(const std::optional<std::string>& text) {
  return text ? quote_string(*text) : std::string("NIL");
}

std::string astring(std::string_view text) {
  if (text.empty() || to_upper(text) == "NIL") return quote_string(text);
  for (unsigned char c : text) {
    // atom-specials (RFC 3501 §9): ( ) { SP CTL % * " \ ]
    if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' ||
        c == '"' || c == '\\' || c == ']')
      return quote_string(text);
  }
  return std::string(text);
}

std::string literal(std::string_view bytes) {
  return "{" + std::to_string(bytes.size()) + "}\r\n" + std::string(bytes);
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text) {
  SequenceSet set;
  auto number = [](std::string_view part) -> std::optional<std::uint32_t> {
    if (part == "*") return 0u;
    if (part.empty() || part.size() > 10 || part[0] == '0') return std::nullopt;
    std::uint64_t value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xffffffffull) return std::nullopt;
    return static_cast<std::uint32_t>(value);
  };
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    const std::size_t colon = part.find(':');
    SequenceRange range;
    if (colon == std::string_view::npos) {
      auto n = number(part);
      if (!n) return std::nullopt;
      range.first = range.last = *n;
    } else {
      auto a = number(part.substr(0, colon));
      auto b = number(part.substr(colon + 1));
      if (!a || !b) return std::nullopt;
      range.first = *a;
      range.last = *b;
    }
    set.push_back(range);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

bool sequence_contains(const SequenceSet& set, std::uint32_t number, std::uint32_t largest) {
  for (const auto& range : set) {
    std::uint32_t a = range.first == 0 ? largest : range.first;
    std::uint32_t b = range.last == 0 ? largest : range.last;
    if (a > b) std::swap(a, b);
    if (number >= a && number <= b) return true;
  }
  return false;
}

std::string format_sequence_set(const std::vector<std::uint32_t>& sorted) {
  std::string out;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(sorted[i]);
    if (j > i) out += ":" + std::to_string(sorted[j]);
    i = j + 1;
  }
  return out;
}

namespace {

const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 <-> civil date (proleptic Gregorian), H. Hinnant's algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::optional<unsigned> month_from_name(std::string_view name) {
  for (unsigned i = 0; i < 12; ++i) {
    if (to_lower(name) == to_lower(month_names[i])) return i + 1;
  }
  return std::nullopt;
}

std::optional<unsigned> small_number(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

}  // namespace

std::string format_date_time(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  std::int64_t year;
  unsigned month, day;
  civil_from_days(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%02u-%s-%04lld %02lld:%02lld:%02lld +0000", day,
                month_names[month - 1], static_cast<long long>(year),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return buffer;
}

std::optional<std::int64_t> parse_date_days(std::string_view text) {
  const std::size_t first = text.find('-');
  const std::size_t second = text.find('-', first == std::string_view::npos ? 0 : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  auto day = small_number(text.substr(0, first));
  auto month = month_from_name(text.substr(first + 1, second - first - 1));
  auto year = small_number(text.substr(second + 1));
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  return days_from_civil(*year, *month, *day);
}

std::optional<std::int64_t> parse_date_time(std::string_view text) {
  // "dd-Mon-yyyy hh:mm:ss +zzzz" (day may have a leading space instead of a digit).
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto days = parse_date_days(text.substr(0, space));
  std::string_view rest = text.substr(space + 1);
  if (!days || rest.size() != 14 || rest[2] != ':' || rest[5] != ':' || rest[8] != ' ')
    return std::nullopt;
  auto hours = small_number(rest.substr(0, 2));
  auto minutes = small_number(rest.substr(3, 2));
  auto secs = small_number(rest.substr(6, 2));
  auto zone = small_number(rest.substr(10, 4));
  if (!hours || !minutes || !secs || !zone || (rest[9] != '+' && rest[9] != '-')) return std::nullopt;
  const std::int64_t offset = (*zone / 100) * 3600 + (*zone % 100) * 60;
  std::int64_t seconds = *days * 86400 + *hours * 3600 + *minutes * 60 + *secs;
  return rest[9] == '+' ? seconds - offset : seconds + offset;
}

}  // namespace maillab::imap

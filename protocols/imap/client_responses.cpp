#include "protocols/imap/client_responses.h"

#include <cctype>
#include <charconv>
#include <string_view>

#include "protocols/imap/syntax.h"

namespace maillab::imap {

namespace {

// RFC 3501 §9: number = 1*DIGIT, an unsigned 32-bit integer. Anything else (a sign, a
// 40-digit number from a broken server) is not one, rather than wrapping to some other message.
std::optional<std::uint32_t> number32(std::string_view text) {
  std::uint32_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// `<number> <word>` with nothing after the word.
std::optional<std::uint32_t> read_numbered(const std::string& untagged, const std::string& word) {
  const std::size_t space = untagged.find(' ');
  if (space == std::string::npos || untagged.compare(space + 1, std::string::npos, word) != 0) return std::nullopt;
  return number32(std::string_view(untagged).substr(0, space));
}

}  // namespace

std::optional<std::string> read_list_name(const std::string& untagged) {
  if (untagged.rfind("LIST ", 0) != 0) return std::nullopt;
  std::string error;
  auto values = parse_values(std::string_view(untagged).substr(5), &error);
  if (!values || values->size() < 3 || !(*values)[0].is_list() || !(*values)[2].is_astring()) return std::nullopt;
  for (const auto& attribute : (*values)[0].items)
    if (to_lower(attribute.text) == "\\noselect") return std::nullopt;
  return (*values)[2].text;
}

std::optional<std::uint32_t> read_exists(const std::string& untagged) { return read_numbered(untagged, "EXISTS"); }

std::optional<std::uint32_t> read_expunge(const std::string& untagged) { return read_numbered(untagged, "EXPUNGE"); }

std::optional<std::uint32_t> read_uid_validity(const std::string& untagged) {
  const std::string prefix = "OK [UIDVALIDITY ";
  if (untagged.rfind(prefix, 0) != 0) return std::nullopt;
  const std::size_t end = untagged.find(']', prefix.size());
  if (end == std::string::npos) return std::nullopt;
  return number32(std::string_view(untagged).substr(prefix.size(), end - prefix.size()));
}

std::optional<std::vector<std::uint32_t>> read_search(const std::string& untagged) {
  if (untagged.rfind("SEARCH", 0) != 0 || (untagged.size() > 6 && untagged[6] != ' ')) return std::nullopt;
  std::vector<std::uint32_t> numbers;
  std::size_t position = 6;
  while (position < untagged.size()) {
    while (position < untagged.size() && untagged[position] == ' ') ++position;
    std::size_t end = untagged.find(' ', position);
    if (end == std::string::npos) end = untagged.size();
    if (end > position) {
      auto number = number32(std::string_view(untagged).substr(position, end - position));
      if (!number) return std::nullopt;
      numbers.push_back(*number);
    }
    position = end;
  }
  return numbers;
}

std::optional<FetchedItems> read_fetch(const std::string& untagged, std::string* error) {
  const std::size_t space = untagged.find(' ');
  if (space == std::string::npos || !std::isdigit(static_cast<unsigned char>(untagged[0])) ||
      untagged.compare(space + 1, 6, "FETCH ") != 0)
    return std::nullopt;
  const auto sequence = number32(std::string_view(untagged).substr(0, space));
  if (!sequence) {
    if (error) *error = "message number " + untagged.substr(0, space) + " is not a 32-bit number";
    return std::nullopt;
  }
  std::string parse_error;
  auto values = parse_values(std::string_view(untagged).substr(space + 7), &parse_error);
  if (!values || values->size() != 1 || !(*values)[0].is_list()) {
    if (error) *error = parse_error.empty() ? "not a parenthesized item list" : parse_error;
    return std::nullopt;
  }
  FetchedItems fetched;
  fetched.sequence = *sequence;
  const auto& items = (*values)[0].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const std::string name = items[i].keyword();
    const Value& value = items[i + 1];
    if (name == "UID") {
      fetched.uid = number32(value.text);
      if (!fetched.uid) {
        if (error) *error = "UID " + value.text + " is not a 32-bit number";
        return std::nullopt;
      }
    } else if (name == "FLAGS" && value.is_list()) {
      fetched.flags.emplace();
      for (const auto& flag : value.items)
        if (to_lower(flag.text) != "\\recent") fetched.flags->push_back(flag.text);
    } else if (name == "RFC822.SIZE") {
      fetched.size = number32(value.text);
    } else if (name == "BODY[]" || name == "RFC822") {
      fetched.body = value.text;
    } else if (name == "ENVELOPE") {
      fetched.has_envelope = true;
    }
  }
  return fetched;
}

}  // namespace maillab::imap

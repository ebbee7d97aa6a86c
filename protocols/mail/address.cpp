#include "protocols/mail/address.h"

#include "protocols/mail/text.h"

namespace maillab::mail {

namespace {

// RFC 5322 §3.2.3 atext; bytes >= 0x80 are let through (RFC 6532 allows UTF-8 here).
bool is_atext(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool needs_quoting(std::string_view local_part) { return !is_dot_atom(local_part); }

std::string quote(std::string_view text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') result += '\\';
    result += c;
  }
  result += '"';
  return result;
}

// A small recursive-descent reader over the text. Each method returns false and sets `error`
// on bad input; `position` only moves forward, so every loop ends.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::string error;
  std::size_t position = 0;

  bool at_end() const { return position >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position]; }

  // CFWS (RFC 5322 §3.2.2): whitespace and (possibly nested) comments.
  bool skip_cfws() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++position;
      } else if (c == '(') {
        int depth = 0;
        while (!at_end()) {
          char d = text_[position++];
          if (d == '\\') {
            if (!at_end()) ++position;
          } else if (d == '(') {
            ++depth;
          } else if (d == ')') {
            if (--depth == 0) break;
          }
        }
        if (depth != 0) return fail("unclosed comment '('");
      } else {
        break;
      }
    }
    return true;
  }

  bool fail(std::string message) {
    if (error.empty()) error = message + " at position " + std::to_string(position + 1);
    return false;
  }

  // A run of atext and dots (obs-phrase and dot-atom are both built from it).
  std::string read_atom_run() {
    std::size_t start = position;
    while (!at_end() && (is_atext(peek()) || peek() == '.')) ++position;
    return std::string(text_.substr(start, position - start));
  }

  bool read_quoted_string(std::string& out) {
    ++position;  // opening quote
    while (!at_end()) {
      char c = text_[position++];
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) break;
        out += text_[position++];
      } else if (c == '\r' || c == '\n') {
        // folding inside a quoted string: keep the whitespace only
      } else {
        out += c;
      }
    }
    return fail("unclosed quoted string");
  }

  bool read_domain(std::string& domain) {
    if (!skip_cfws()) return false;
    if (peek() == '[') {
      std::size_t close = text_.find(']', position);
      if (close == std::string_view::npos) return fail("unclosed domain literal '['");
      domain = std::string(text_.substr(position, close - position + 1));
      position = close + 1;
      return skip_cfws();
    }
    domain = read_atom_run();
    if (domain.empty()) return fail("expected a domain after '@'");
    if (!is_dot_atom(domain)) return fail("malformed domain '" + domain + "'");
    return skip_cfws();
  }

  // addr-spec after its local part has been read.
  bool read_at_domain(Address& address) {
    if (!skip_cfws()) return false;
    if (peek() != '@') return fail("expected '@'");
    ++position;
    return read_domain(address.domain);
  }

  bool read_local_part(std::string& local) {
    if (!skip_cfws()) return false;
    if (peek() == '"') {
      if (!read_quoted_string(local)) return false;
      return skip_cfws();
    }
    local = read_atom_run();
    if (local.empty()) return fail("expected a local part");
    if (!is_dot_atom(local)) return fail("malformed local part '" + local + "'");
    return skip_cfws();
  }

  bool read_angle_addr(Address& address) {
    ++position;  // '<'
    if (!skip_cfws()) return false;
    if (peek() == '@') {  // obs-route (RFC 5322 §4.4): "@a,@b:" before the address; ignored
      std::size_t colon = text_.find(':', position);
      if (colon == std::string_view::npos) return fail("malformed route");
      position = colon + 1;
    }
    if (!read_local_part(address.local_part) || !read_at_domain(address)) return false;
    if (peek() != '>') return fail("expected '>'");
    ++position;
    return skip_cfws();
  }

  // mailbox, or (when `groups` is non-null) a group whose members are appended to it.
  bool read_address(Address& address, std::vector<Address>* groups, bool& was_group) {
    was_group = false;
    if (!skip_cfws()) return false;
    if (peek() == '<') return read_angle_addr(address);
    std::vector<std::string> words;
    bool single_unquoted_or_quoted_word = true;
    bool first_word_quoted = false;
    while (!at_end()) {
      char c = peek();
      std::string word;
      if (c == '"') {
        if (!read_quoted_string(word)) return false;
        if (words.empty()) first_word_quoted = true;
      } else if (is_atext(c) || c == '.') {
        word = read_atom_run();
      } else {
        break;
      }
      words.push_back(word);
      if (!skip_cfws()) return false;
      if (words.size() > 1) single_unquoted_or_quoted_word = false;
    }
    if (words.empty()) return fail(at_end() ? "expected an address, found nothing" :
                                              std::string("unexpected character '") + peek() + "'");
    char c = peek();
    if (c == '@' && single_unquoted_or_quoted_word) {
      address.local_part = words.front();
      // A quoted local part may hold anything; an unquoted one must be a dot-atom.
      if (!first_word_quoted && !is_dot_atom(address.local_part)) {
        return fail("malformed local part '" + address.local_part + "'");
      }
      return read_at_domain(address);
    }
    std::string phrase;
    for (const auto& word : words) phrase += (phrase.empty() ? "" : " ") + word;
    if (c == '<') {
      address.display_name = phrase;
      return read_angle_addr(address);
    }
    if (c == ':' && groups != nullptr) {  // group: display-name ":" [group-list] ";"
      ++position;
      was_group = true;
      if (!skip_cfws()) return false;
      while (!at_end() && peek() != ';') {
        Address member;
        bool nested = false;
        if (!read_address(member, nullptr, nested)) return false;
        groups->push_back(member);
        if (peek() == ',') {
          ++position;
          if (!skip_cfws()) return false;
        } else if (peek() != ';') {
          return fail("expected ',' or ';' in group");
        }
      }
      if (peek() != ';') return fail("group without closing ';'");
      ++position;
      return skip_cfws();
    }
    if (c == '@') return fail("a display name needs '<...>' around the address");
    if (at_end()) return fail("'" + phrase + "' is not an address (no '@')");
    return fail(std::string("unexpected character '") + c + "'");
  }

 private:
  std::string_view text_;
};

bool is_hostname_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = '\0';
  for (char c : text) {
    if (c == '.' && previous == '.') return false;
    if (c != '.' && !is_atext(c)) return false;
    previous = c;
  }
  return true;
}

std::string Address::addr_spec() const {
  std::string local = needs_quoting(local_part) ? quote(local_part) : local_part;
  return domain.empty() ? local : local + "@" + domain;
}

std::string Address::to_string() const {
  if (display_name.empty()) return addr_spec();
  bool plain = true;
  for (char c : display_name) {
    if (!is_atext(c) && c != ' ') plain = false;
  }
  return (plain ? display_name : quote(display_name)) + " <" + addr_spec() + ">";
}

std::string Address::domain_lowercase() const { return to_lower(domain); }

std::string Address::comparison_key() const { return local_part + "@" + domain_lowercase(); }

ParseResult<Address> parse_mailbox(std::string_view text) {
  Reader reader(text);
  Address address;
  bool was_group = false;
  if (!reader.read_address(address, nullptr, was_group)) {
    return ParseResult<Address>::failure("bad address '" + std::string(text) + "': " + reader.error);
  }
  if (!reader.at_end()) {
    return ParseResult<Address>::failure("bad address '" + std::string(text) +
                                         "': unexpected text after the address at position " +
                                         std::to_string(reader.position + 1));
  }
  return ParseResult<Address>::success(address);
}

ParseResult<std::vector<Address>> parse_address_list(std::string_view text) {
  Reader reader(text);
  std::vector<Address> addresses;
  auto failure = [&](const std::string& why) {
    return ParseResult<std::vector<Address>>::failure("bad address list '" + std::string(text) + "': " + why);
  };
  if (!reader.skip_cfws()) return failure(reader.error);
  while (!reader.at_end()) {
    if (reader.peek() == ',') {  // empty list elements are tolerated (RFC 5322 §4.4 obs-addr-list)
      ++reader.position;
      if (!reader.skip_cfws()) return failure(reader.error);
      continue;
    }
    Address address;
    bool was_group = false;
    if (!reader.read_address(address, &addresses, was_group)) return failure(reader.error);
    if (!was_group) addresses.push_back(address);
    if (reader.at_end()) break;
    if (reader.peek() != ',') {
      return failure(std::string("expected ',' between addresses, found '") + reader.peek() + "'");
    }
    ++reader.position;
    if (!reader.skip_cfws()) return failure(reader.error);
  }
  return ParseResult<std::vector<Address>>::success(std::move(addresses));
}

ParseResult<Path> parse_path_prefix(std::string_view text, std::size_t& consumed, bool allow_null,
                                    bool allow_postmaster) {
  consumed = 0;
  auto failure = [&](const std::string& why) { return ParseResult<Path>::failure(why); };
  if (text.empty() || text.front() != '<') return failure("the address must be in angle brackets, like <user@example.org>");
  std::size_t position = 1;
  Path path;
  if (position < text.size() && text[position] == '>') {
    if (!allow_null) return failure("the null path <> is only allowed as a sender");
    path.is_null = true;
    consumed = 2;
    return ParseResult<Path>::success(path);
  }
  // A-d-l (source route) "@one,@two:" — RFC 5321 §4.1.2: accept, ignore.
  if (position < text.size() && text[position] == '@') {
    std::size_t colon = text.find(':', position);
    if (colon == std::string_view::npos) return failure("malformed source route");
    position = colon + 1;
  }
  std::string local;
  if (position < text.size() && text[position] == '"') {  // Quoted-string local part
    ++position;
    bool closed = false;
    while (position < text.size()) {
      char c = text[position++];
      if (c == '\\') {
        if (position >= text.size()) break;
        local += text[position++];
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        local += c;
      }
    }
    if (!closed) return failure("unclosed quoted local part");
  } else {  // Dot-string
    std::size_t start = position;
    while (position < text.size() && (is_atext(text[position]) || text[position] == '.')) ++position;
    local = std::string(text.substr(start, position - start));
    if (local.empty()) return failure("missing local part before '@'");
    if (!is_dot_atom(local)) return failure("malformed local part '" + local + "'");
  }
  path.mailbox.local_part = local;
  if (position < text.size() && text[position] == '>' && allow_postmaster &&
      equals_ignoring_case(local, "postmaster")) {
    consumed = position + 1;
    return ParseResult<Path>::success(path);
  }
  if (position >= text.size() || text[position] != '@') return failure("missing '@domain' in the address");
  ++position;
  std::size_t start = position;
  if (position < text.size() && text[position] == '[') {  // address-literal, RFC 5321 §4.1.3
    std::size_t close = text.find(']', position);
    if (close == std::string_view::npos) return failure("unclosed address literal '['");
    position = close + 1;
  } else {
    // RFC 5321 Domain: sub-domains of letters, digits and hyphens separated by dots.
    bool label_start = true;
    while (position < text.size() && text[position] != '>') {
      char c = text[position];
      if (c == '.') {
        if (label_start) return failure("malformed domain (empty label)");
        label_start = true;
      } else if (is_hostname_label_char(c)) {
        label_start = false;
      } else {
        return failure(std::string("invalid character '") + c + "' in the domain");
      }
      ++position;
    }
    if (position == start) return failure("missing domain after '@'");
    if (label_start) return failure("malformed domain (ends with '.')");
  }
  path.mailbox.domain = std::string(text.substr(start, position - start));
  if (position >= text.size() || text[position] != '>') return failure("missing closing '>'");
  consumed = position + 1;
  return ParseResult<Path>::success(path);
}

namespace {
ParseResult<Path> parse_whole_path(std::string_view text, bool allow_null) {
  std::string_view trimmed = trim(text);
  std::size_t consumed = 0;
  auto result = parse_path_prefix(trimmed, consumed, allow_null, !allow_null);
  if (!result.ok()) return ParseResult<Path>::failure("bad path '" + std::string(text) + "': " + result.error());
  if (consumed != trimmed.size()) {
    return ParseResult<Path>::failure("bad path '" + std::string(text) + "': unexpected text after '>'");
  }
  return result;
}
}  // namespace

ParseResult<Path> parse_reverse_path(std::string_view text) { return parse_whole_path(text, true); }
ParseResult<Path> parse_forward_path(std::string_view text) { return parse_whole_path(text, false); }

}  // namespace maillab::mail

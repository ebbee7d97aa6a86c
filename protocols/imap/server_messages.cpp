// IMAP server session, selected state: FETCH, STORE, SEARCH, COPY/MOVE, EXPUNGE, CLOSE/UNSELECT
// (RFC 3501 §6.4, MOVE from RFC 6851, UNSELECT from RFC 3691).

#include <algorithm>
#include <cctype>
#include <functional>

#include "protocols/imap/body_structure.h"
#include "protocols/imap/message_parts.h"
#include "protocols/imap/server_session.h"

namespace maillab::imap {

namespace {

// One requested FETCH data item (RFC 3501 §6.4.5).
struct FetchItem {
  enum class Kind {
    flags, uid, size, envelope, internal_date, rfc822, rfc822_header, rfc822_text, section, body, body_structure
  };
  Kind kind = Kind::flags;
  std::vector<unsigned> part;       // section part numbers: BODY[2.1.MIME] -> {2, 1}
  std::string section;              // "", "HEADER", "TEXT", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "MIME"
  std::vector<std::string> fields;  // for HEADER.FIELDS[.NOT]
  bool peek = false;
  bool partial = false;
  std::uint64_t origin = 0, count = 0;
  std::string response_name;        // e.g. "BODY[HEADER.FIELDS (FROM SUBJECT)]<0>"
};

bool sets_seen(const FetchItem& item) {
  return (item.kind == FetchItem::Kind::section && !item.peek) ||
         item.kind == FetchItem::Kind::rfc822 || item.kind == FetchItem::Kind::rfc822_text;
}

std::optional<FetchItem> parse_fetch_item(const Value& value, std::string* error) {
  FetchItem item;
  if (!value.is_atom()) {
    *error = "FETCH item must be an atom";
    return std::nullopt;
  }
  const std::string text = value.text;
  const std::size_t bracket = text.find('[');
  const std::string head = to_upper(text.substr(0, bracket));
  if (bracket == std::string::npos) {
    if (head == "FLAGS") item.kind = FetchItem::Kind::flags;
    else if (head == "UID") item.kind = FetchItem::Kind::uid;
    else if (head == "RFC822.SIZE") item.kind = FetchItem::Kind::size;
    else if (head == "ENVELOPE") item.kind = FetchItem::Kind::envelope;
    else if (head == "INTERNALDATE") item.kind = FetchItem::Kind::internal_date;
    else if (head == "RFC822") item.kind = FetchItem::Kind::rfc822;
    else if (head == "RFC822.HEADER") item.kind = FetchItem::Kind::rfc822_header;
    else if (head == "RFC822.TEXT") item.kind = FetchItem::Kind::rfc822_text;
    else if (head == "BODY") item.kind = FetchItem::Kind::body;
    else if (head == "BODYSTRUCTURE") item.kind = FetchItem::Kind::body_structure;
    else {
      *error = "unknown FETCH item " + text;
      return std::nullopt;
    }
    item.response_name = head;
    return item;
  }
  if (head != "BODY" && head != "BODY.PEEK") {
    *error = "unknown FETCH item " + text;
    return std::nullopt;
  }
  item.kind = FetchItem::Kind::section;
  item.peek = head == "BODY.PEEK";
  const std::size_t close = text.find(']', bracket);
  const std::string section = text.substr(bracket + 1, close - bracket - 1);
  const std::size_t space = section.find(' ');
  item.section = to_upper(section.substr(0, space));
  // §6.4.5: a section starts with part numbers, "1.2", then maybe .MIME, .HEADER, .TEXT, ...
  std::string numbers_text;
  while (!item.section.empty() && std::isdigit(static_cast<unsigned char>(item.section.front()))) {
    std::size_t digits = 0;
    while (digits < item.section.size() && std::isdigit(static_cast<unsigned char>(item.section[digits]))) ++digits;
    unsigned long number = 0;
    if (digits > 9 || (number = std::stoul(item.section.substr(0, digits))) == 0) {
      *error = "bad part number in [" + section + "]";
      return std::nullopt;
    }
    item.part.push_back(static_cast<unsigned>(number));
    numbers_text += item.section.substr(0, digits);
    if (digits < item.section.size() && item.section[digits] != '.') {
      *error = "bad section [" + section + "]";
      return std::nullopt;
    }
    item.section.erase(0, digits < item.section.size() ? digits + 1 : digits);
    if (!item.section.empty()) numbers_text += ".";
  }
  if (item.section == "MIME" && item.part.empty()) {
    *error = "MIME needs part numbers, as in [1.MIME]";
    return std::nullopt;
  }
  if (item.section == "HEADER.FIELDS" || item.section == "HEADER.FIELDS.NOT") {
    std::string parse_error;
    auto list = space == std::string::npos ? std::nullopt
                                           : parse_values(section.substr(space + 1), &parse_error);
    if (!list || list->size() != 1 || !(*list)[0].is_list() || (*list)[0].items.empty()) {
      *error = "HEADER.FIELDS needs a list of field names";
      return std::nullopt;
    }
    for (const auto& field : (*list)[0].items) {
      if (!field.is_astring()) {
        *error = "bad field name in HEADER.FIELDS";
        return std::nullopt;
      }
      item.fields.push_back(to_upper(field.text));
    }
  } else if (space != std::string::npos ||
             (item.section != "" && item.section != "HEADER" && item.section != "TEXT" && item.section != "MIME")) {
    *error = "unsupported section [" + section + "] (supported: [], HEADER, TEXT, HEADER.FIELDS[.NOT], "
             "part numbers such as 1.2 with .MIME, .HEADER or .TEXT)";
    return std::nullopt;
  }
  std::string normalized = numbers_text + item.section;
  if (!item.fields.empty()) {
    normalized += " (";
    for (std::size_t i = 0; i < item.fields.size(); ++i) normalized += (i ? " " : "") + item.fields[i];
    normalized += ")";
  }
  item.response_name = "BODY[" + normalized + "]";
  const std::string rest = text.substr(close + 1);
  if (!rest.empty()) {
    // <origin.count> partial fetch (§6.4.5).
    const std::size_t dot = rest.find('.');
    if (rest.front() != '<' || rest.back() != '>' || dot == std::string::npos) {
      *error = "bad partial specifier " + rest;
      return std::nullopt;
    }
    try {
      item.origin = std::stoull(rest.substr(1, dot - 1));
      item.count = std::stoull(rest.substr(dot + 1, rest.size() - dot - 2));
    } catch (...) {
      *error = "bad partial specifier " + rest;
      return std::nullopt;
    }
    item.partial = true;
    item.response_name += "<" + std::to_string(item.origin) + ">";
  }
  return item;
}

// The bytes a section names. With part numbers: the part's body, its MIME header (.MIME), or for
// a message/rfc822 part the header/text of the message inside (§6.4.5). A part that does not
// exist gives an empty string, as Cyrus and Dovecot answer.
std::string section_data(const FetchItem& item, std::string_view message) {
  std::string data;
  if (!item.part.empty()) {
    const MimeEntity root = parse_mime(message);
    const MimeEntity* entity = find_part(root, item.part);
    if (!entity) return "";
    if (item.section.empty()) message = entity->body;
    else if (item.section == "MIME") message = entity->header;
    else if (entity->is_message()) message = entity->body;  // HEADER, TEXT, HEADER.FIELDS of the message inside
    else return "";
    if (!item.section.empty() && item.section != "MIME") {
      FetchItem inner = item;
      inner.part.clear();
      return section_data(inner, message);
    }
    data = std::string(message);
  } else if (item.section.empty()) data = std::string(message);
  else if (item.section == "HEADER") data = std::string(message_header(message));
  else if (item.section == "TEXT") data = std::string(message_text(message));
  else data = header_fields(message, item.fields, item.section == "HEADER.FIELDS.NOT");
  if (item.partial) {
    if (item.origin >= data.size()) return "";
    return data.substr(item.origin, item.count);
  }
  return data;
}

bool contains_ignore_case(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  return to_lower(haystack).find(to_lower(needle)) != std::string::npos;
}

// What a SEARCH key is evaluated against.
struct SearchContext {
  const store::Message* message;
  std::uint32_t sequence;
  std::uint32_t largest_sequence;
  std::uint32_t largest_uid;
  bool recent;
};
using SearchPredicate = std::function<bool(const SearchContext&)>;

// Parses search keys from values[index...] (RFC 3501 §6.4.4); juxtaposition means AND.
// NOT, OR and "(...)" nest: parsing, evaluating and destroying the predicate each take one stack
// frame per level, so the nesting is bounded (a chain of NOTs needs no parentheses).
class SearchParser {
 public:
  explicit SearchParser(const std::vector<Value>& values, std::size_t depth = 0)
      : values_(values), depth_(depth) {}

  std::optional<SearchPredicate> parse_all(std::size_t start, std::string* error) {
    index_ = start;
    std::vector<SearchPredicate> keys;
    while (index_ < values_.size()) {
      auto key = parse_key(error);
      if (!key) return std::nullopt;
      keys.push_back(std::move(*key));
    }
    if (keys.empty()) {
      *error = "SEARCH needs at least one key";
      return std::nullopt;
    }
    return all_of(std::move(keys));
  }

 private:
  static SearchPredicate all_of(std::vector<SearchPredicate> keys) {
    return [keys = std::move(keys)](const SearchContext& c) {
      return std::all_of(keys.begin(), keys.end(), [&](const SearchPredicate& k) { return k(c); });
    };
  }

  std::optional<std::string> take_string(std::string* error, const std::string& key) {
    if (index_ >= values_.size() || !values_[index_].is_astring()) {
      *error = key + " needs an argument";
      return std::nullopt;
    }
    return values_[index_++].text;
  }

  static SearchPredicate flag_key(store::Flags flag, bool set) {
    return [flag, set](const SearchContext& c) { return ((c.message->flags & flag) != 0) == set; };
  }

  static SearchPredicate header_key(std::string field, std::string needle) {
    return [field = std::move(field), needle = std::move(needle)](const SearchContext& c) {
      for (const auto& value : header_values(c.message->bytes, field)) {
        if (contains_ignore_case(value, needle)) return true;
      }
      return false;
    };
  }

  std::optional<SearchPredicate> parse_key(std::string* error) {
    if (depth_ >= max_list_depth) {
      *error = "SEARCH keys nested deeper than " + std::to_string(max_list_depth) + " levels";
      return std::nullopt;
    }
    ++depth_;
    auto key = parse_one_key(error);
    --depth_;
    return key;
  }

  std::optional<SearchPredicate> parse_one_key(std::string* error) {
    const Value& value = values_[index_++];
    if (value.is_list()) {
      SearchParser inner(value.items, depth_);
      return inner.parse_all(0, error);
    }
    const std::string key = value.keyword();
    if (key == "ALL") return SearchPredicate([](const SearchContext&) { return true; });
    if (key == "SEEN") return flag_key(store::flag_seen, true);
    if (key == "UNSEEN") return flag_key(store::flag_seen, false);
    if (key == "DELETED") return flag_key(store::flag_deleted, true);
    if (key == "UNDELETED") return flag_key(store::flag_deleted, false);
    if (key == "FLAGGED") return flag_key(store::flag_flagged, true);
    if (key == "UNFLAGGED") return flag_key(store::flag_flagged, false);
    if (key == "ANSWERED") return flag_key(store::flag_answered, true);
    if (key == "UNANSWERED") return flag_key(store::flag_answered, false);
    if (key == "DRAFT") return flag_key(store::flag_draft, true);
    if (key == "UNDRAFT") return flag_key(store::flag_draft, false);
    if (key == "RECENT") return SearchPredicate([](const SearchContext& c) { return c.recent; });
    if (key == "OLD") return SearchPredicate([](const SearchContext& c) { return !c.recent; });
    if (key == "NEW")
      return SearchPredicate([](const SearchContext& c) {
        return c.recent && !(c.message->flags & store::flag_seen);
      });
    if (key == "FROM" || key == "TO" || key == "CC" || key == "BCC" || key == "SUBJECT") {
      auto needle = take_string(error, key);
      if (!needle) return std::nullopt;
      std::string field = key == "SUBJECT" ? "Subject" : key == "FROM" ? "From" : key == "TO" ? "To"
                                                     : key == "CC"     ? "Cc"   : "Bcc";
      return header_key(field, *needle);
    }
    if (key == "HEADER") {
      auto field = take_string(error, key);
      if (!field) return std::nullopt;
      auto needle = take_string(error, key);
      if (!needle) return std::nullopt;
      return header_key(*field, *needle);
    }
    if (key == "BODY" || key == "TEXT") {
      auto needle = take_string(error, key);
      if (!needle) return std::nullopt;
      const bool whole = key == "TEXT";
      return SearchPredicate([whole, needle = *needle](const SearchContext& c) {
        return contains_ignore_case(whole ? std::string_view(c.message->bytes)
                                          : message_text(c.message->bytes), needle);
      });
    }
    if (key == "KEYWORD") {  // keywords are not stored: nothing has one
      if (!take_string(error, key)) return std::nullopt;
      return SearchPredicate([](const SearchContext&) { return false; });
    }
    if (key == "UNKEYWORD") {
      if (!take_string(error, key)) return std::nullopt;
      return SearchPredicate([](const SearchContext&) { return true; });
    }
    if (key == "LARGER" || key == "SMALLER") {
      auto number = take_string(error, key);
      if (!number) return std::nullopt;
      std::uint64_t size = 0;
      try {
        size = std::stoull(*number);
      } catch (...) {
        *error = key + " needs a number";
        return std::nullopt;
      }
      const bool larger = key == "LARGER";
      return SearchPredicate([larger, size](const SearchContext& c) {
        return larger ? c.message->bytes.size() > size : c.message->bytes.size() < size;
      });
    }
    if (key == "BEFORE" || key == "ON" || key == "SINCE") {
      auto date = take_string(error, key);
      if (!date) return std::nullopt;
      auto day = parse_date_days(*date);
      if (!day) {
        *error = "bad date " + *date + " (use d-Mon-yyyy)";
        return std::nullopt;
      }
      return SearchPredicate([key, day = *day](const SearchContext& c) {
        std::int64_t message_day = c.message->internal_date / 86400;
        if (c.message->internal_date < 0 && c.message->internal_date % 86400) --message_day;
        if (key == "BEFORE") return message_day < day;
        if (key == "ON") return message_day == day;
        return message_day >= day;
      });
    }
    if (key == "NOT") {
      if (index_ >= values_.size()) {
        *error = "NOT needs a key";
        return std::nullopt;
      }
      auto inner = parse_key(error);
      if (!inner) return std::nullopt;
      return SearchPredicate([inner = std::move(*inner)](const SearchContext& c) { return !inner(c); });
    }
    if (key == "OR") {
      if (index_ + 1 >= values_.size()) {
        *error = "OR needs two keys";
        return std::nullopt;
      }
      auto left = parse_key(error);
      if (!left) return std::nullopt;
      auto right = parse_key(error);
      if (!right) return std::nullopt;
      return SearchPredicate([l = std::move(*left), r = std::move(*right)](const SearchContext& c) {
        return l(c) || r(c);
      });
    }
    if (key == "UID") {
      auto text = take_string(error, key);
      if (!text) return std::nullopt;
      auto set = parse_sequence_set(*text);
      if (!set) {
        *error = "bad UID set " + *text;
        return std::nullopt;
      }
      return SearchPredicate([set = *set](const SearchContext& c) {
        return sequence_contains(set, c.message->uid, c.largest_uid);
      });
    }
    if (value.is_atom()) {
      if (auto set = parse_sequence_set(value.text)) {
        return SearchPredicate([set = *set](const SearchContext& c) {
          return sequence_contains(set, c.sequence, c.largest_sequence);
        });
      }
    }
    *error = "unknown SEARCH key " + value.text;
    return std::nullopt;
  }

  const std::vector<Value>& values_;
  std::size_t depth_;
  std::size_t index_ = 0;
};

}  // namespace

std::optional<std::vector<std::size_t>> ServerSession::resolve_set(const Value& value, bool by_uid) {
  if (!value.is_atom()) return std::nullopt;
  const std::optional<SequenceSet> set = parse_sequence_set(value.text);
  if (!set) return std::nullopt;
  std::vector<std::size_t> indexes;
  if (by_uid) {
    // Non-existent UIDs are ignored (§6.4.8); "*" is the largest UID in use.
    const std::uint32_t largest = view_.empty() ? 0 : view_.back().uid;
    for (std::size_t i = 0; i < view_.size(); ++i) {
      if (!view_[i].gone && sequence_contains(*set, view_[i].uid, largest)) indexes.push_back(i);
    }
    return indexes;
  }
  const auto count = static_cast<std::uint32_t>(view_.size());
  for (const auto& range : *set) {
    if (range.first > count || range.last > count) return std::nullopt;  // no such number
  }
  for (std::uint32_t n = 1; n <= count; ++n) {
    if (!view_[n - 1].gone && sequence_contains(*set, n, count)) indexes.push_back(n - 1);
  }
  return indexes;
}

void ServerSession::command_fetch(Command& command, bool by_uid) {
  const std::string verb = by_uid ? "UID FETCH" : "FETCH";
  if (command.arguments.size() != 2)
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set (items)");
  std::vector<Value> requested;
  const Value& spec = command.arguments[1];
  if (spec.is_list()) {
    requested = spec.items;
  } else if (spec.is_atom()) {
    // Macros (§6.4.5).
    const std::string macro = spec.keyword();
    auto atoms = [](std::initializer_list<const char*> names) {
      std::vector<Value> out;
      for (const char* n : names) out.push_back(Value{Value::Kind::atom, n, {}, false});
      return out;
    };
    if (macro == "ALL") requested = atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"});
    else if (macro == "FULL") requested = atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"});
    else if (macro == "FAST") requested = atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE"});
    else requested = {spec};
  } else {
    return tagged(command.tag, "BAD FETCH items must be atoms or a list");
  }
  std::vector<FetchItem> items;
  for (const auto& value : requested) {
    std::string error;
    auto item = parse_fetch_item(value, &error);
    if (!item) return tagged(command.tag, "BAD " + error);
    items.push_back(std::move(*item));
  }
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);

  const store::Folder* folder = selected_folder();
  const bool wants_seen = std::any_of(items.begin(), items.end(), sets_seen);
  const bool has_uid = std::any_of(items.begin(), items.end(),
                                   [](const FetchItem& i) { return i.kind == FetchItem::Kind::uid; });
  const bool has_flags = std::any_of(items.begin(), items.end(),
                                     [](const FetchItem& i) { return i.kind == FetchItem::Kind::flags; });
  for (std::size_t index : *indexes) {
    ViewEntry& entry = view_[index];
    const store::Message* message = folder ? folder->find(entry.uid) : nullptr;
    if (!message) continue;
    bool seen_now = false;
    if (wants_seen && !read_only_ && !(message->flags & store::flag_seen)) {
      // §6.4.5: BODY[] (not PEEK), RFC822 and RFC822.TEXT set \Seen.
      store_.change_flags(user_, selected_, entry.uid, store::MailStore::FlagChange::add, store::flag_seen);
      entry.flags = message->flags;
      seen_now = true;
    }
    std::string response = std::to_string(index + 1) + " FETCH (";
    std::vector<std::string> parts;
    if (by_uid && !has_uid) parts.push_back("UID " + std::to_string(entry.uid));
    auto flags_text = [&]() {
      std::string flags = store::flags_to_text(entry.flags);
      if (entry.recent) flags += flags.empty() ? "\\Recent" : " \\Recent";
      return "FLAGS (" + flags + ")";
    };
    for (const auto& item : items) {
      switch (item.kind) {
        case FetchItem::Kind::flags: parts.push_back(flags_text()); break;
        case FetchItem::Kind::uid: parts.push_back("UID " + std::to_string(entry.uid)); break;
        case FetchItem::Kind::size:
          parts.push_back("RFC822.SIZE " + std::to_string(message->bytes.size()));
          break;
        case FetchItem::Kind::envelope: parts.push_back("ENVELOPE " + envelope(message->bytes)); break;
        case FetchItem::Kind::internal_date:
          parts.push_back("INTERNALDATE \"" + format_date_time(message->internal_date) + "\"");
          break;
        case FetchItem::Kind::rfc822: parts.push_back("RFC822 " + literal(message->bytes)); break;
        case FetchItem::Kind::rfc822_header:
          parts.push_back("RFC822.HEADER " + literal(message_header(message->bytes)));
          break;
        case FetchItem::Kind::rfc822_text:
          parts.push_back("RFC822.TEXT " + literal(message_text(message->bytes)));
          break;
        case FetchItem::Kind::section:
          parts.push_back(item.response_name + " " + literal(section_data(item, message->bytes)));
          break;
        case FetchItem::Kind::body:
        case FetchItem::Kind::body_structure:
          parts.push_back(item.response_name + " " +
                          body_structure(parse_mime(message->bytes), item.kind == FetchItem::Kind::body_structure));
          break;
      }
    }
    if (seen_now && !has_flags) parts.push_back(flags_text());
    for (std::size_t i = 0; i < parts.size(); ++i) response += (i ? " " : "") + parts[i];
    response += ")";
    untagged(response);
  }
  send_updates(by_uid);
  tagged(command.tag, "OK " + verb + " completed");
}

void ServerSession::command_store(Command& command, bool by_uid) {
  const std::string verb = by_uid ? "UID STORE" : "STORE";
  if (command.arguments.size() < 3 || !command.arguments[1].is_atom())
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set [+|-]FLAGS[.SILENT] (flags)");
  std::string item = command.arguments[1].keyword();
  bool silent = false;
  if (item.size() > 7 && item.compare(item.size() - 7, 7, ".SILENT") == 0) {
    silent = true;
    item.resize(item.size() - 7);
  }
  store::MailStore::FlagChange how;
  if (item == "FLAGS") how = store::MailStore::FlagChange::replace;
  else if (item == "+FLAGS") how = store::MailStore::FlagChange::add;
  else if (item == "-FLAGS") how = store::MailStore::FlagChange::remove;
  else return tagged(command.tag, "BAD unknown STORE item " + command.arguments[1].text);

  std::vector<Value> flag_values;
  if (command.arguments.size() == 3 && command.arguments[2].is_list()) {
    flag_values = command.arguments[2].items;
  } else {
    flag_values.assign(command.arguments.begin() + 2, command.arguments.end());
  }
  store::Flags flags = 0;
  for (const auto& value : flag_values) {
    if (!value.is_atom()) return tagged(command.tag, "BAD flags must be atoms");
    if (auto flag = store::flag_from_name(value.text)) {
      flags |= *flag;
    } else if (!value.text.empty() && value.text[0] == '\\') {
      // \Recent cannot be stored (§2.3.2); other \Names are not flags at all.
      return tagged(command.tag, "BAD invalid flag " + value.text);
    }
    // Keywords ($Forwarded, ...) are accepted and not kept: PERMANENTFLAGS has no \*.
  }
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);
  if (read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");

  for (std::size_t index : *indexes) {
    ViewEntry& entry = view_[index];
    if (store_.change_flags(user_, selected_, entry.uid, how, flags) != store::Status::ok) continue;
    const store::Message* message = store_.message(user_, selected_, entry.uid);
    entry.flags = message->flags;
    if (silent) continue;
    std::string flags_text = store::flags_to_text(entry.flags);
    if (entry.recent) flags_text += flags_text.empty() ? "\\Recent" : " \\Recent";
    untagged(std::to_string(index + 1) + " FETCH (" +
             (by_uid ? "UID " + std::to_string(entry.uid) + " " : std::string()) + "FLAGS (" +
             flags_text + "))");
  }
  send_updates(by_uid);
  tagged(command.tag, "OK " + verb + " completed");
}

void ServerSession::command_search(Command& command, bool by_uid) {
  const std::string verb = by_uid ? "UID SEARCH" : "SEARCH";
  std::size_t start = 0;
  auto& args = command.arguments;
  if (!args.empty() && args[0].keyword() == "CHARSET") {
    if (args.size() < 2) return tagged(command.tag, "BAD CHARSET needs a name");
    const std::string charset = to_upper(args[1].text);
    if (charset != "US-ASCII" && charset != "UTF-8")
      return tagged(command.tag, "NO [BADCHARSET (US-ASCII UTF-8)] unsupported charset");
    start = 2;
  }
  std::string error;
  SearchParser parser(args);
  auto predicate = parser.parse_all(start, &error);
  if (!predicate) return tagged(command.tag, "BAD " + error);
  const store::Folder* folder = selected_folder();
  std::string result = "SEARCH";
  const auto largest_sequence = static_cast<std::uint32_t>(view_.size());
  const std::uint32_t largest_uid = view_.empty() ? 0 : view_.back().uid;
  for (std::size_t i = 0; i < view_.size(); ++i) {
    const store::Message* message = folder ? folder->find(view_[i].uid) : nullptr;
    if (!message || view_[i].gone) continue;
    SearchContext context{message, static_cast<std::uint32_t>(i + 1), largest_sequence, largest_uid,
                          view_[i].recent};
    if ((*predicate)(context)) result += " " + std::to_string(by_uid ? view_[i].uid : i + 1);
  }
  untagged(result);
  send_updates(by_uid);
  tagged(command.tag, "OK " + verb + " completed");
}

void ServerSession::command_copy(Command& command, bool by_uid, bool move) {
  const std::string verb = std::string(by_uid ? "UID " : "") + (move ? "MOVE" : "COPY");
  if (command.arguments.size() != 2 || !command.arguments[1].is_astring())
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set mailbox");
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);
  if (move && read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");
  const std::string& target = command.arguments[1].text;
  if (!store_.folder(user_, target)) {
    // §6.4.7: TRYCREATE tells the client that CREATE would make the COPY work.
    send_updates(true);
    return tagged(command.tag, "NO [TRYCREATE] no such mailbox");
  }
  std::vector<std::uint32_t> uids, new_uids;
  const store::Folder* source = selected_folder();
  for (std::size_t index : *indexes)
    if (source && source->find(view_[index].uid)) uids.push_back(view_[index].uid);  // what will be copied
  const store::Status status = move ? store_.move_messages(user_, selected_, uids, target, &new_uids)
                                    : store_.copy_messages(user_, selected_, uids, target, &new_uids);
  // RFC 4315 §3: COPYUID uidvalidity source-uids target-uids (same order). MOVE sends it untagged
  // before its EXPUNGEs (RFC 6851 §4.3); COPY in the tagged OK.
  std::string copyuid;
  if (status == store::Status::ok && !uids.empty() && new_uids.size() == uids.size()) {
    const store::Folder* destination = store_.folder(user_, target);
    auto uid_list = [](const std::vector<std::uint32_t>& list) {
      std::string text;
      for (std::uint32_t uid : list) text += (text.empty() ? "" : ",") + std::to_string(uid);
      return text;
    };
    copyuid = "[COPYUID " + std::to_string(destination ? destination->uid_validity : 0) + " " + uid_list(uids) +
              " " + uid_list(new_uids) + "] ";
  }
  if (move && !copyuid.empty()) untagged("OK " + copyuid + "moved");
  send_updates(true);  // MOVE reports its EXPUNGEs here (RFC 6851 §3.3)
  if (status == store::Status::quota_exceeded)
    return tagged(command.tag, "NO [OVERQUOTA] quota exceeded: nothing copied");
  if (status != store::Status::ok) return tagged(command.tag, std::string("NO ") + store::describe(status));
  tagged(command.tag, "OK " + (move ? std::string() : copyuid) + verb + " completed");
}

void ServerSession::command_expunge(Command& command, bool by_uid) {
  if (command.arguments.size() != (by_uid ? 1u : 0u))
    return tagged(command.tag, by_uid ? "BAD usage: UID EXPUNGE uid-set" : "BAD usage: EXPUNGE");
  if (read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");
  if (by_uid) {
    // RFC 4315 §2.1: only the \Deleted messages among these UIDs go.
    const auto indexes = resolve_set(command.arguments[0], true);
    if (!indexes) return tagged(command.tag, "BAD invalid UID set " + command.arguments[0].text);
    std::vector<std::uint32_t> doomed;
    const store::Folder* folder = selected_folder();
    for (std::size_t index : *indexes) {
      const store::Message* message = folder ? folder->find(view_[index].uid) : nullptr;
      if (message && (message->flags & store::flag_deleted)) doomed.push_back(message->uid);
    }
    store_.remove_messages(user_, selected_, doomed);
  } else {
    store_.expunge(user_, selected_);
  }
  send_updates(true);
  tagged(command.tag, by_uid ? "OK UID EXPUNGE completed" : "OK EXPUNGE completed");
}

void ServerSession::command_close(Command& command, bool expunge) {
  if (!command.arguments.empty())
    return tagged(command.tag, expunge ? "BAD usage: CLOSE" : "BAD usage: UNSELECT");
  // §6.4.2: CLOSE expunges silently (no untagged EXPUNGE) unless the mailbox is read-only.
  if (expunge && !read_only_) store_.expunge(user_, selected_);
  deselect();
  tagged(command.tag, expunge ? "OK CLOSE completed" : "OK UNSELECT completed");
}

}  // namespace maillab::imap

// IMAP server session: FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2): the data items, body
// sections (BODY[2.1.MIME], HEADER.FIELDS, partial <origin.count>) and BODYSTRUCTURE.

#include <algorithm>

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

// The data items a FETCH asks for: its list, or the items a macro stands for (§6.4.5: ALL, FULL,
// FAST), or the one atom; nothing when it is neither an atom nor a list.
std::optional<std::vector<Value>> requested_items(const Value& spec) {
  if (spec.is_list()) return spec.items;
  if (!spec.is_atom()) return std::nullopt;
  auto atoms = [](std::initializer_list<const char*> names) {
    std::vector<Value> out;
    for (const char* n : names) out.push_back(Value{Value::Kind::atom, n, {}, false});
    return out;
  };
  const std::string macro = spec.keyword();
  if (macro == "ALL") return atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"});
  if (macro == "FULL") return atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"});
  if (macro == "FAST") return atoms({"FLAGS", "INTERNALDATE", "RFC822.SIZE"});
  return std::vector<Value>{spec};
}

// §7.4.2 FLAGS, with \Recent when this session is the first to see the message (§2.3.2).
std::string flags_data(store::Flags flags, bool recent) {
  std::string text = store::flags_to_text(flags);
  if (recent) text += text.empty() ? "\\Recent" : " \\Recent";
  return "FLAGS (" + text + ")";
}

// One data item of a FETCH response (§7.4.2) for `message`, whose UID, flags and \Recent are given.
std::string fetch_data(const FetchItem& item, const store::Message& message, std::uint32_t uid, store::Flags flags,
                       bool recent) {
  switch (item.kind) {
    case FetchItem::Kind::flags: return flags_data(flags, recent);
    case FetchItem::Kind::uid: return "UID " + std::to_string(uid);
    case FetchItem::Kind::size: return "RFC822.SIZE " + std::to_string(message.bytes.size());
    case FetchItem::Kind::envelope: return "ENVELOPE " + envelope(message.bytes);
    case FetchItem::Kind::internal_date: return "INTERNALDATE \"" + format_date_time(message.internal_date) + "\"";
    case FetchItem::Kind::rfc822: return "RFC822 " + literal(message.bytes);
    case FetchItem::Kind::rfc822_header: return "RFC822.HEADER " + literal(message_header(message.bytes));
    case FetchItem::Kind::rfc822_text: return "RFC822.TEXT " + literal(message_text(message.bytes));
    case FetchItem::Kind::section: return item.response_name + " " + literal(section_data(item, message.bytes));
    case FetchItem::Kind::body:
    case FetchItem::Kind::body_structure:
      return item.response_name + " " +
             body_structure(parse_mime(message.bytes), item.kind == FetchItem::Kind::body_structure);
  }
  return {};
}

bool has_kind(const std::vector<FetchItem>& items, FetchItem::Kind kind) {
  return std::any_of(items.begin(), items.end(), [kind](const FetchItem& item) { return item.kind == kind; });
}

}  // namespace

bool ServerSession::mark_seen(ViewEntry& entry, const store::Message& message) {
  if (read_only_ || (message.flags & store::flag_seen)) return false;
  store_.change_flags(user_, selected_, entry.uid, store::MailStore::FlagChange::add, store::flag_seen);
  entry.flags = message.flags;
  return true;
}

void ServerSession::command_fetch(Command& command, bool by_uid) {
  const std::string verb = by_uid ? "UID FETCH" : "FETCH";
  if (command.arguments.size() != 2)
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set (items)");
  const auto requested = requested_items(command.arguments[1]);
  if (!requested) return tagged(command.tag, "BAD FETCH items must be atoms or a list");
  std::vector<FetchItem> items;
  for (const auto& value : *requested) {
    std::string error;
    auto item = parse_fetch_item(value, &error);
    if (!item) return tagged(command.tag, "BAD " + error);
    items.push_back(std::move(*item));
  }
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);

  const store::Folder* folder = selected_folder();
  const bool wants_seen = std::any_of(items.begin(), items.end(), sets_seen);
  const bool has_uid = has_kind(items, FetchItem::Kind::uid);
  const bool has_flags = has_kind(items, FetchItem::Kind::flags);
  for (std::size_t index : *indexes) {
    ViewEntry& entry = view_[index];
    const store::Message* message = folder ? folder->find(entry.uid) : nullptr;
    if (!message) continue;
    // §6.4.5: BODY[] (not PEEK), RFC822 and RFC822.TEXT set \Seen; the response then says so.
    const bool seen_now = wants_seen && mark_seen(entry, *message);
    std::vector<std::string> parts;
    if (by_uid && !has_uid) parts.push_back("UID " + std::to_string(entry.uid));  // §6.4.8
    for (const auto& item : items) parts.push_back(fetch_data(item, *message, entry.uid, entry.flags, entry.recent));
    if (seen_now && !has_flags) parts.push_back(flags_data(entry.flags, entry.recent));
    std::string response = std::to_string(index + 1) + " FETCH (";
    for (std::size_t i = 0; i < parts.size(); ++i) response += (i ? " " : "") + parts[i];
    untagged(response + ")");
  }
  send_updates(by_uid);
  tagged(command.tag, "OK " + verb + " completed");
}

}  // namespace maillab::imap

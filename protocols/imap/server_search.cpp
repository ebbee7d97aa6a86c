// IMAP server session: SEARCH and UID SEARCH (RFC 3501 §6.4.4): keys parsed into predicates,
// with the nesting of NOT, OR and "(...)" bounded.

#include <algorithm>
#include <functional>

#include "protocols/imap/message_parts.h"
#include "protocols/imap/server_session.h"

namespace maillab::imap {

namespace {

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
        if (common::contains_ignoring_case(value, needle)) return true;
      }
      return false;
    };
  }

  // `missing`: the reply when no value is left for this key. Checked here, not only by the caller:
  // OR's left key can take several values ("OR UID 1:* ..."), leaving none for the right one.
  std::optional<SearchPredicate> parse_key(std::string* error, const char* missing = "SEARCH needs a key") {
    if (index_ >= values_.size()) {
      *error = missing;
      return std::nullopt;
    }
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
        return common::contains_ignoring_case(whole ? std::string_view(c.message->bytes)
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
      auto inner = parse_key(error, "NOT needs a key");
      if (!inner) return std::nullopt;
      return SearchPredicate([inner = std::move(*inner)](const SearchContext& c) { return !inner(c); });
    }
    if (key == "OR") {
      auto left = parse_key(error, "OR needs two keys");
      if (!left) return std::nullopt;
      auto right = parse_key(error, "OR needs two keys");
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

}  // namespace maillab::imap

#pragma once
// Readers for the untagged server responses an IMAP client acts on (RFC 3501 §7). Each takes
// the text after "* " (as CommandRunner hands it over) and returns nullopt for any other response.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace maillab::imap {

// `LIST (\HasNoChildren) "/" Archive` -> "Archive" (§7.2.2); nullopt for \Noselect names too.
std::optional<std::string> read_list_name(const std::string& untagged);
// `3 EXISTS` -> 3 (§7.3.1).
std::optional<std::uint32_t> read_exists(const std::string& untagged);
// `2 EXPUNGE` -> 2 (§7.4.1).
std::optional<std::uint32_t> read_expunge(const std::string& untagged);
// `OK [UIDVALIDITY 7] ...` -> 7 (§2.3.1.1).
std::optional<std::uint32_t> read_uid_validity(const std::string& untagged);
// `SEARCH 2 5 9` -> {2, 5, 9}; `SEARCH` -> {} (§7.2.5).
std::optional<std::vector<std::uint32_t>> read_search(const std::string& untagged);

// `n FETCH (UID 5 FLAGS (\Seen) RFC822.SIZE 12 BODY[] {12}\r\n...)` (§7.4.2): the items we use.
struct FetchedItems {
  std::uint32_t sequence = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::vector<std::string>> flags;  // "\\Seen", ... (\Recent left out)
  std::optional<std::uint64_t> size;               // RFC822.SIZE
  std::optional<std::string> body;                 // BODY[] / RFC822
  bool has_envelope = false;                       // ENVELOPE (kept as a marker only)
};
// nullopt for other responses; for a FETCH whose item list does not parse, nullopt with `error`
// set (when given).
std::optional<FetchedItems> read_fetch(const std::string& untagged, std::string* error = nullptr);

}  // namespace maillab::imap

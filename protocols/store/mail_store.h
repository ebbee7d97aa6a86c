#pragma once
// The mailbox store: one truth per user, shared by the MDA (delivery), the POP3 server and the IMAP
// server. It holds users (name, password, quota), folders (INBOX plus Sent, Junk, Drafts, Trash and
// user-created ones, hierarchy delimiter "/"), and messages (raw RFC 5322 bytes, internal date,
// flags, a per-folder UID). It owns no clock: times are passed in as seconds since the epoch.
//
// IMAP semantics kept here (RFC 3501 §2.3.1): UIDs in a folder are strictly ascending and never
// reused while UIDVALIDITY stays the same; a folder that is deleted and created again, or renamed
// into being, gets a fresh UIDVALIDITY. \Recent is "claimed" by the first session that sees a
// message (claim_recent), so only one session reports it.
//
// Change tracking: every mutation bumps a per-user change counter and calls the observers, so a
// host can tell IMAP sessions of the same user (two devices) to push EXISTS/EXPUNGE/FETCH updates.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/store/message_bytes.h"

namespace maillab::store {

// System flags as a bit set (RFC 3501 §2.3.2). \Recent is not stored here: see Message::recent.
enum Flag : unsigned {
  flag_seen = 1u << 0,
  flag_answered = 1u << 1,
  flag_flagged = 1u << 2,
  flag_deleted = 1u << 3,
  flag_draft = 1u << 4,
};
using Flags = unsigned;
constexpr Flags all_flags = flag_seen | flag_answered | flag_flagged | flag_deleted | flag_draft;

// "\Seen \Deleted" in the fixed order \Seen \Answered \Flagged \Deleted \Draft.
std::string flags_to_text(Flags flags);
// "\Seen" (any case) -> flag_seen; unknown names -> std::nullopt.
std::optional<Flag> flag_from_name(std::string_view name);

struct Message {
  std::uint32_t uid = 0;
  MessageBytes bytes;              // the raw RFC 5322 message, CRLF line ends (message_bytes.h)
  std::int64_t internal_date = 0;  // seconds since the epoch (UTC), supplied by the caller
  Flags flags = 0;
  bool recent = false;             // no session has claimed it yet (RFC 3501 §2.3.2 \Recent)
};

struct Folder {
  std::string name;                // full name with "/" as hierarchy delimiter; "INBOX" is special
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 1;
  bool subscribed = true;
  std::vector<Message> messages;   // in UID order, i.e. sequence-number order

  const Message* find(std::uint32_t uid) const;
  Message* find(std::uint32_t uid);
  std::uint64_t size_bytes() const;
};

enum class Status {
  ok,
  no_such_user,
  no_such_folder,
  no_such_message,
  folder_exists,
  invalid_name,
  cannot_delete_inbox,
  has_children,
  quota_exceeded,
  bad_password,
  storage_failed,  // the spool could not take the message (disk full): DeliveryResult::detail says why
};
// A sentence for replies and traces: "quota exceeded (120 of 100 bytes)" style details are added
// by callers; this is the fixed part.
const char* describe(Status status);

struct DeliveryResult {
  Status status = Status::ok;
  std::uint32_t uid = 0;           // the UID given in the folder when status == ok
  std::string detail;              // human-readable reason when status != ok
};

// What an address's local part expands to (aliases resolved recursively, forwards collected).
struct Recipients {
  bool found = false;                        // a user or alias of that name exists
  std::vector<std::string> local_users;      // deduplicated, in first-seen order
  std::vector<std::string> forward_to;       // external addresses for the caller to re-inject
};

// The outcome of delivering one message to one recipient (user or alias) with deliver_to().
struct RecipientDelivery {
  bool found = false;
  std::vector<std::pair<std::string, DeliveryResult>> deliveries;  // per local user
  std::vector<std::string> forward_to;                             // caller re-injects these
};

struct Change {
  enum class Kind { delivered, flags, expunged, folder_created, folder_deleted, folder_renamed };
  Kind kind = Kind::delivered;
  std::string user;
  std::string folder;
  std::uint64_t counter = 0;  // the user's change counter after this change
};

class MailStore {
 public:
  MailStore();

  // ---- where message bytes live ---------------------------------------------------------------
  // Without a spool (the default) every message is kept in memory. With one, every message
  // delivered or appended from now on is written to it and kept there; the store holds
  // only a view and keeps the spool alive (a copy shares its original's spooled bytes). Several
  // stores may share one spool.
  void set_spool(std::shared_ptr<MessageSpool> spool) { spool_ = std::move(spool); }
  bool spooled() const { return spool_ != nullptr; }

  // ---- users ----------------------------------------------------------------------------------
  // quota_bytes == 0 means unlimited. Creates INBOX, Sent, Junk, Drafts, Trash. False if it exists.
  bool add_user(const std::string& name, const std::string& password, std::uint64_t quota_bytes = 0);
  bool has_user(std::string_view name) const;
  bool check_password(std::string_view name, std::string_view password) const;
  // The stored secret (APOP needs it, RFC 1939 §7). nullopt for an unknown user.
  std::optional<std::string> password(std::string_view name) const;
  void set_quota(std::string_view name, std::uint64_t quota_bytes);
  void set_password(std::string_view name, std::string password);  // an unknown user: nothing
  std::uint64_t quota(std::string_view name) const;
  std::uint64_t used_bytes(std::string_view name) const;
  std::vector<std::string> users() const;

  // ---- aliases and forwarding -----------------------------------------------------------------
  // An alias expands to users or other aliases. False if the name is already a user.
  bool add_alias(const std::string& alias, std::vector<std::string> targets);
  // Forward mail for a user or alias to external addresses; keep_local_copy also delivers locally.
  void set_forward(const std::string& name, std::vector<std::string> addresses, bool keep_local_copy);
  Recipients resolve(std::string_view name) const;

  // ---- delivery (the MDA) ---------------------------------------------------------------------
  // Appends to one folder of one user. Quota is checked against the user's total size. In memory
  // the message keeps `bytes` as given (a shared text stays shared); a spool stores a copy.
  DeliveryResult deliver(std::string_view user, std::string_view folder, MessageBytes bytes,
                         std::int64_t internal_date, Flags flags = 0);
  // Resolves aliases and forwards, then delivers to INBOX of every local user (one text for all).
  RecipientDelivery deliver_to(std::string_view recipient, MessageBytes bytes, std::int64_t internal_date);

  // ---- folders --------------------------------------------------------------------------------
  // "inbox" in any case names INBOX (RFC 3501 §5.1). Returns the canonical spelling.
  static std::string canonical_folder_name(std::string_view name);
  std::vector<std::string> folder_names(std::string_view user) const;  // INBOX first, then sorted
  const Folder* folder(std::string_view user, std::string_view name) const;
  // Creates superior folders too ("a/b" creates "a"), RFC 3501 §6.3.3.
  Status create_folder(std::string_view user, std::string_view name);
  // Refuses INBOX and folders with children.
  Status delete_folder(std::string_view user, std::string_view name);
  // Renames a folder and its children. Renaming INBOX moves its messages to the new folder and
  // leaves INBOX empty (RFC 3501 §6.3.5).
  Status rename_folder(std::string_view user, std::string_view from, std::string_view to);
  Status set_subscribed(std::string_view user, std::string_view name, bool subscribed);

  // ---- messages -------------------------------------------------------------------------------
  const Message* message(std::string_view user, std::string_view folder, std::uint32_t uid) const;
  enum class FlagChange { replace, add, remove };
  Status change_flags(std::string_view user, std::string_view folder, std::uint32_t uid,
                      FlagChange how, Flags flags);
  // Removes every message flagged \Deleted; returns the removed UIDs (ascending).
  std::vector<std::uint32_t> expunge(std::string_view user, std::string_view folder);
  // Removes the given UIDs (POP3 UPDATE state, IMAP MOVE). Unknown UIDs are ignored.
  std::vector<std::uint32_t> remove_messages(std::string_view user, std::string_view folder,
                                             const std::vector<std::uint32_t>& uids);
  // Copies messages (flags kept, \Recent set in the target). On success new_uids holds the
  // target UIDs in the same order. All-or-nothing with respect to quota.
  Status copy_messages(std::string_view user, std::string_view from,
                       const std::vector<std::uint32_t>& uids, std::string_view to,
                       std::vector<std::uint32_t>* new_uids = nullptr);
  Status move_messages(std::string_view user, std::string_view from,
                       const std::vector<std::uint32_t>& uids, std::string_view to,
                       std::vector<std::uint32_t>* new_uids = nullptr);
  // True if the message was still \Recent; it is not any more for anyone else.
  bool claim_recent(std::string_view user, std::string_view folder, std::uint32_t uid);

  // ---- change tracking ------------------------------------------------------------------------
  std::uint64_t change_counter(std::string_view user) const;
  using Observer = std::function<void(const Change&)>;
  int add_observer(Observer observer);  // returns an id for remove_observer
  void remove_observer(int id);

  // ---- POP3 maildrop lock (RFC 1939 §8: one POP3 session per maildrop) ------------------------
  bool lock_maildrop(std::string_view user);  // false if already locked (or unknown user)
  void unlock_maildrop(std::string_view user);
  bool maildrop_locked(std::string_view user) const;

 private:
  struct User {
    std::string name;
    std::string password;
    std::uint64_t quota_bytes = 0;
    std::map<std::string, Folder> folders;
    std::uint64_t change_counter = 0;
    bool maildrop_locked = false;
  };
  struct ForwardRule {
    std::vector<std::string> addresses;
    bool keep_local_copy = false;
  };

  User* find_user(std::string_view name);
  const User* find_user(std::string_view name) const;
  Folder* find_folder(User& user, std::string_view name);
  Folder& make_folder(User& user, const std::string& name);
  void notify(User& user, Change::Kind kind, const std::string& folder);
  void resolve_into(std::string_view name, Recipients& out, std::set<std::string>& visiting) const;
  static std::uint64_t total_size(const User& user);

  std::map<std::string, User> users_;  // key: lower-cased name
  std::map<std::string, std::vector<std::string>> aliases_;  // key: lower-cased alias
  std::map<std::string, ForwardRule> forwards_;              // key: lower-cased name
  std::uint32_t next_uid_validity_ = 1;
  std::map<int, Observer> observers_;
  int next_observer_id_ = 1;
  std::shared_ptr<MessageSpool> spool_;
};

}  // namespace maillab::store

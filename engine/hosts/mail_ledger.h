// The ledger of every message the simulated mail system has accepted, and what became of it.
//
// Conservation (DESIGN.md): every message an MTA accepts ends delivered, bounced or still queued.
// Counting is per recipient copy: a message accepted for two recipients counts as two, because the
// two copies can meet different fates (one delivered, one bounced). A message keeps one tracking id
// ("M1", "M2", ...) from the first acceptance (submission, or an MTA taking it from an outside
// sender) to its final fate; relaying from MTA to MTA moves it without counting it again.
// A simulated mail program reserves the id when it submits, before any MTA has accepted the
// message, so that its own trace records ("submitting ...") join the message's journey; the id
// counts only once an MTA accepts the message with it, and one never accepted is not counted.
// Rejections are refusals at SMTP time: those messages were never accepted.
// Bounce reports (DSNs) are the system's own mail and are not counted as accepted messages.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/time.h"

namespace maillab::engine {

// The header that carries a message's tracking id inside the simulated world (prepended by the
// first MTA that accepts it). A simulator artefact, not a real header: it lets the next MTA, and
// the devices that fetch the message, know which ledger entry the bytes belong to.
inline constexpr std::string_view tracking_header = "X-Maillab-Id";

// `forwarded`: the copy left this recipient for other addresses (a forward, RFC 5321 §3.9.1): it
// is not a delivery, and it is not counted at all — the copies the forward made (add_recipient)
// are counted in its place, so a forwarding loop counts one message, not thousands of deliveries.
enum class CopyFate { queued, delivered, bounced, forwarded };

struct LedgerCopy {
  std::string recipient;
  CopyFate fate = CopyFate::queued;
  std::string where;   // delivered: "mailbox bob@example.org INBOX"; bounced: the status, e.g. "5.1.1"
  Time when = 0;
};

struct LedgerEntry {
  std::string id;          // "M1"
  std::string sender;      // envelope sender
  std::string subject;
  Time accepted_at = 0;
  std::vector<LedgerCopy> copies;
};

struct LedgerCounts {
  std::uint64_t accepted = 0, delivered = 0, bounced = 0, rejected = 0, queued = 0;
  std::uint64_t forwarded = 0;  // not part of accepted: each forward's new copies are
};

class MailLedger {
 public:
  // An id for a message a simulated program is about to submit (it travels in tracking_header).
  std::string reserve();
  // A new message entered the system; returns its tracking id: `reserved` when it is an id
  // reserve() gave out and no message was accepted with yet, else a new one.
  std::string accept(std::string sender, std::string subject, const std::vector<std::string>& recipients, Time when,
                     const std::string& reserved = {});
  // Adds recipients to an existing message (e.g. an alias expanding to several users).
  void add_recipient(const std::string& id, std::string recipient);
  // Final fates. Unknown ids or recipients are ignored (returns false) so a DSN about a DSN is harmless.
  bool delivered(const std::string& id, const std::string& recipient, std::string where, Time when);
  bool bounced(const std::string& id, const std::string& recipient, std::string status, Time when);
  // The copy for `recipient` was forwarded (add_recipient the addresses it went to).
  bool forwarded(const std::string& id, const std::string& recipient, Time when);
  // A refusal at SMTP time (never accepted).
  void rejected() { ++rejected_; }
  // The id of a report about message `id` ("M1-DSN", "M1-DELAY"): reports are the system's own
  // mail and are not counted, but each gets its own id. A second report of the same kind about
  // the same message (its copies queued for two domains, or at two MTAs) adds `qualifier`
  // (the queue entry, "M1-DELAY-Q2"), so no two reports share an id.
  std::string name_report(const std::string& id, std::string_view kind, std::string_view qualifier);

  const LedgerEntry* find(const std::string& id) const;
  // The messages the ledger still holds: all of them, unless fold_settled() forgot some.
  const std::map<std::string, LedgerEntry>& entries() const { return entries_; }
  // Every message ever accepted, held or folded.
  std::uint64_t messages() const { return entries_.size() + folded_messages_; }
  LedgerCounts counts() const;

  // Forgets each message every copy of which is delivered or bounced, keeping it only in counts(),
  // messages() and bounced_copies(); returns how many it forgot. A message with a copy still queued
  // or forwarded stays, and so does one `still_held` names (an MTA queue still holds it: a sender
  // that never heard the 250 sends it again, and that duplicate must be noticed, RFC 1047). For
  // runs too large to remember every message (scenarios/bounded_run.h, between chunks of
  // simulated time, never while an event runs): memory then follows the messages in flight. What
  // a forgotten message loses: find() and entries() no longer see it, so a late report about it
  // is ignored as one about an unknown id is.
  std::size_t fold_settled(const std::function<bool(const std::string& id)>& still_held = {});

  // The copies sent by `sender` that bounced (with `status`, "5.1.1", when given), held or folded.
  std::uint64_t bounced_copies(const std::string& sender, const std::optional<std::string>& status = {}) const;

  // "messages: accepted N, delivered D, bounced B, rejected R, queued Q" (DESIGN.md's summary line).
  std::string summary_line() const;

 private:
  LedgerCopy* copy(const std::string& id, const std::string& recipient);
  std::map<std::string, LedgerEntry> entries_;
  std::set<std::string> reserved_;  // given out by reserve(), not accepted yet
  std::set<std::string> reports_;   // report ids given out by name_report()
  std::uint64_t next_id_ = 1;
  std::uint64_t rejected_ = 0;
  LedgerCounts folded_;  // the copies of the messages fold_settled() forgot
  std::uint64_t folded_messages_ = 0;
  std::map<std::pair<std::string, std::string>, std::uint64_t> folded_bounces_;  // (sender, status) -> copies
};

}  // namespace maillab::engine

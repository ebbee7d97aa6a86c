#include "engine/hosts/mail_ledger.h"

#include <algorithm>
#include <cctype>

#include "protocols/common/ascii_case.h"

namespace maillab::engine {

std::string MailLedger::name_report(const std::string& id, std::string_view kind, std::string_view qualifier) {
  std::string name = id + "-" + std::string(kind);
  if (reports_.insert(name).second) return name;
  name += "-" + std::string(qualifier);
  for (std::string candidate = name; ; candidate = name + "-" + std::to_string(reports_.size()))
    if (reports_.insert(candidate).second) return candidate;
}

std::string MailLedger::reserve() {
  std::string id = "M" + std::to_string(next_id_++);
  reserved_.insert(id);
  return id;
}

std::string MailLedger::accept(std::string sender, std::string subject, const std::vector<std::string>& recipients,
                               Time when, const std::string& reserved) {
  LedgerEntry entry;
  if (!reserved.empty() && reserved_.erase(reserved) == 1) {
    entry.id = reserved;
  } else {
    entry.id = "M" + std::to_string(next_id_++);
  }
  entry.sender = std::move(sender);
  entry.subject = std::move(subject);
  entry.accepted_at = when;
  for (const auto& r : recipients) entry.copies.push_back(LedgerCopy{r, CopyFate::queued, {}, when});
  auto id = entry.id;
  entries_.emplace(id, std::move(entry));
  return id;
}

void MailLedger::add_recipient(const std::string& id, std::string recipient) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second.copies.push_back(LedgerCopy{std::move(recipient), CopyFate::queued, {}, it->second.accepted_at});
}

LedgerCopy* MailLedger::copy(const std::string& id, const std::string& recipient) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  for (auto& c : it->second.copies)
    if (c.fate == CopyFate::queued && common::equals_ignoring_case(c.recipient, recipient)) return &c;
  return nullptr;
}

bool MailLedger::delivered(const std::string& id, const std::string& recipient, std::string where, Time when) {
  LedgerCopy* c = copy(id, recipient);
  if (!c) return false;
  c->fate = CopyFate::delivered;
  c->where = std::move(where);
  c->when = when;
  return true;
}

bool MailLedger::bounced(const std::string& id, const std::string& recipient, std::string status, Time when) {
  LedgerCopy* c = copy(id, recipient);
  if (!c) return false;
  c->fate = CopyFate::bounced;
  c->where = std::move(status);
  c->when = when;
  return true;
}

bool MailLedger::forwarded(const std::string& id, const std::string& recipient, Time when) {
  LedgerCopy* c = copy(id, recipient);
  if (!c) return false;
  c->fate = CopyFate::forwarded;
  c->where = "forwarded";
  c->when = when;
  return true;
}

const LedgerEntry* MailLedger::find(const std::string& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

std::size_t MailLedger::fold_settled(const std::function<bool(const std::string& id)>& still_held) {
  std::size_t folded = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto& copies = it->second.copies;
    const bool settled = std::all_of(copies.begin(), copies.end(), [](const LedgerCopy& c) {
      return c.fate == CopyFate::delivered || c.fate == CopyFate::bounced;
    });
    if (!settled || (still_held && still_held(it->first))) {
      ++it;
      continue;
    }
    for (const auto& c : copies) {
      ++folded_.accepted;
      if (c.fate == CopyFate::delivered) {
        ++folded_.delivered;
      } else {
        ++folded_.bounced;
        ++folded_bounces_[{it->second.sender, c.where}];
      }
    }
    ++folded_messages_;
    ++folded;
    it = entries_.erase(it);
  }
  return folded;
}

std::uint64_t MailLedger::bounced_copies(const std::string& sender, const std::optional<std::string>& status) const {
  std::uint64_t bounced = 0;
  for (const auto& [id, entry] : entries_) {
    if (entry.sender != sender) continue;
    for (const auto& c : entry.copies)
      if (c.fate == CopyFate::bounced && (!status || c.where == *status)) ++bounced;
  }
  // The folded ones of this sender: one key per status, in order.
  for (auto it = folded_bounces_.lower_bound({sender, {}}); it != folded_bounces_.end() && it->first.first == sender;
       ++it)
    if (!status || it->first.second == *status) bounced += it->second;
  return bounced;
}

LedgerCounts MailLedger::counts() const {
  LedgerCounts counts = folded_;
  counts.rejected = rejected_;
  for (const auto& [id, entry] : entries_) {
    for (const auto& c : entry.copies) {
      if (c.fate == CopyFate::forwarded) {
        ++counts.forwarded;
        continue;
      }
      ++counts.accepted;
      switch (c.fate) {
        case CopyFate::queued: ++counts.queued; break;
        case CopyFate::delivered: ++counts.delivered; break;
        case CopyFate::bounced: ++counts.bounced; break;
        case CopyFate::forwarded: break;
      }
    }
  }
  return counts;
}

std::string MailLedger::summary_line() const {
  const auto c = counts();
  return "messages: accepted " + std::to_string(c.accepted) + ", delivered " + std::to_string(c.delivered) +
         ", bounced " + std::to_string(c.bounced) + ", rejected " + std::to_string(c.rejected) + ", queued " +
         std::to_string(c.queued);
}

}  // namespace maillab::engine

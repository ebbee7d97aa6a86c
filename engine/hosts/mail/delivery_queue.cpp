#include "engine/hosts/mail/delivery_queue.h"

#include <algorithm>

namespace maillab::engine {

std::size_t QueueEntry::pending_count() const {
  return static_cast<std::size_t>(std::count_if(recipients.begin(), recipients.end(), [](const QueuedRecipient& r) {
    return r.state == RecipientState::pending;
  }));
}

void QueuedRecipient::defer(const Deferral& why) {
  last_status = why.status;
  last_diagnostic = why.diagnostic;
  last_reply = why.reply;
  if (why.remote_mta) remote_mta = *why.remote_mta;
}

void QueueEntry::defer_pending(const QueuedRecipient::Deferral& why) {
  for (auto& recipient : recipients)
    if (recipient.state == RecipientState::pending) recipient.defer(why);
}

std::string DeliveryQueue::next_queue_id() { return "Q" + std::to_string(next_id_++); }

QueueEntry& DeliveryQueue::add(QueueEntry entry) {
  if (entry.queue_id.empty()) entry.queue_id = next_queue_id();
  return entries_.emplace(next_sequence_++, std::move(entry)).first->second;
}

QueueEntry* DeliveryQueue::find(const std::string& queue_id) {
  for (auto& [sequence, entry] : entries_)
    if (entry.queue_id == queue_id) return &entry;
  return nullptr;
}

void DeliveryQueue::remove(const std::string& queue_id) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->second.queue_id == queue_id) {
      entries_.erase(it);
      return;
    }
}

std::optional<Time> DeliveryQueue::next_due() const {
  std::optional<Time> due;
  for (const auto& [sequence, entry] : entries_)
    if (!entry.in_flight && (!due || entry.next_attempt < *due)) due = entry.next_attempt;
  return due;
}

bool DeliveryQueue::holds(const std::string& ledger_id, const std::string& recipient) const {
  for (const auto& [sequence, entry] : entries_) {
    if (entry.ledger_id != ledger_id) continue;
    for (const auto& r : entry.recipients)
      if (r.state == RecipientState::pending && r.address == recipient) return true;
  }
  return false;
}

Time DeliveryQueue::backoff(int attempts, const QueuePolicy& policy) {
  Time delay = policy.minimal_backoff;
  for (int i = 1; i < attempts && delay < policy.maximal_backoff; ++i) delay *= 2;
  return std::min(delay, policy.maximal_backoff);
}

}  // namespace maillab::engine

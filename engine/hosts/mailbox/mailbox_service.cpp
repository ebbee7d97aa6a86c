#include "engine/hosts/mailbox/mailbox_service.h"

#include <algorithm>

#include "protocols/common/ascii_case.h"

namespace maillab::engine {
MailboxService::MailboxService(std::vector<std::string> domains) {
  for (auto& d : domains) domains_.push_back(common::to_lower(d));
}

bool MailboxService::serves_domain(std::string_view domain) const {
  return std::find(domains_.begin(), domains_.end(), common::to_lower(domain)) != domains_.end();
}

std::string MailboxService::local_part_if_ours(std::string_view address) const {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return {};
  if (!serves_domain(address.substr(at + 1))) return {};
  return std::string(address.substr(0, at));
}

bool MailboxService::has_recipient(std::string_view address) const {
  const std::string local = local_part_if_ours(address);
  return !local.empty() && store_.resolve(local).found;
}

bool MailboxService::has_room_for(std::string_view address, std::uint64_t size) const {
  const std::string local = local_part_if_ours(address);
  if (local.empty()) return false;
  for (const auto& user : store_.resolve(local).local_users) {
    const auto quota = store_.quota(user);
    if (quota != 0 && store_.used_bytes(user) + size > quota) return false;
  }
  return true;
}

std::int64_t MailboxService::wall_clock_seconds(Time t) const {
  return host_ ? host_->simulator().wall_clock_seconds(t) : Simulator::default_epoch_seconds + t / 1'000'000;
}

LocalDelivery MailboxService::deliver(std::string_view address, std::string_view folder,
                                      const store::MessageBytes& message, Time now) {
  LocalDelivery result;
  const std::string local = local_part_if_ours(address);
  const auto recipients = local.empty() ? store::Recipients{} : store_.resolve(local);
  if (!recipients.found) {
    result.status = LocalDelivery::Status::unknown_user;
    result.detail = "no mailbox for " + std::string(address);
    return result;
  }
  result.forward_to = recipients.forward_to;
  result.status = LocalDelivery::Status::delivered;
  for (const auto& user : recipients.local_users) {
    auto delivery = store_.deliver(user, folder, message, wall_clock_seconds(now));
    if (delivery.status == store::Status::no_such_folder)  // a user deleted Junk: INBOX it is
      delivery = store_.deliver(user, "INBOX", message, wall_clock_seconds(now));
    if (delivery.status == store::Status::ok) {
      result.delivered_to.push_back(user);
    } else {
      result.status = delivery.status == store::Status::quota_exceeded ? LocalDelivery::Status::quota_exceeded
                                                                        : LocalDelivery::Status::failed;
      result.detail = user + ": " + (delivery.detail.empty() ? store::describe(delivery.status) : delivery.detail);
    }
  }
  if (result.status == LocalDelivery::Status::delivered && result.delivered_to.empty() && result.forward_to.empty()) {
    result.status = LocalDelivery::Status::failed;
    result.detail = "alias expands to nobody";
  }
  return result;
}

}  // namespace maillab::engine

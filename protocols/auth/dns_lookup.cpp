#include "protocols/auth/dns_lookup.h"

#include "protocols/auth/dns_replay.h"

namespace maillab::auth {

std::string to_string(DnsType type) {
  switch (type) {
    case DnsType::a: return "A";
    case DnsType::aaaa: return "AAAA";
    case DnsType::mx: return "MX";
    case DnsType::txt: return "TXT";
    case DnsType::ptr: return "PTR";
  }
  return "?";
}

std::string to_string(DnsStatus status) {
  switch (status) {
    case DnsStatus::ok: return "NOERROR";
    case DnsStatus::nxdomain: return "NXDOMAIN";
    case DnsStatus::servfail: return "SERVFAIL";
    case DnsStatus::timeout: return "TIMEOUT";
  }
  return "?";
}

const DnsAnswer* DnsReplay::answer_or_ask(const DnsQuestion& question) {
  for (const auto& [asked, answer] : answers_) {
    if (asked == question) return &answer;
  }
  if (synchronous_) {
    answers_.emplace_back(question, synchronous_(question));
    return &answers_.back().second;
  }
  pending_ = question;
  return nullptr;
}

const DnsAnswer& DnsReplay::lookup(const DnsQuestion& question) {
  if (const DnsAnswer* answer = answer_or_ask(question)) return *answer;
  throw NeedDnsAnswer{};
}

void DnsReplay::provide(const DnsQuestion& question, DnsAnswer answer) {
  for (auto& [asked, known] : answers_) {
    if (asked == question) {
      known = std::move(answer);
      return;
    }
  }
  answers_.emplace_back(question, std::move(answer));
  if (pending_ && *pending_ == question) pending_.reset();
}

}  // namespace maillab::auth

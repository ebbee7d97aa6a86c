#include "engine/hosts/auth/auth_lookups.h"

#include <algorithm>
#include <cctype>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/host.h"
#include "protocols/dns/presentation.h"

namespace maillab::engine {
namespace {

dns::RecordType to_record_type(auth::DnsType type) {
  switch (type) {
    case auth::DnsType::a: return dns::RecordType::A;
    case auth::DnsType::aaaa: return dns::RecordType::AAAA;
    case auth::DnsType::mx: return dns::RecordType::MX;
    case auth::DnsType::txt: return dns::RecordType::TXT;
    case auth::DnsType::ptr: return dns::RecordType::PTR;
  }
  return dns::RecordType::TXT;
}

// "mail.example.com." -> "mail.example.com" (protocols/auth compares names without the root dot).
std::string plain_name(const dns::Name& name) {
  std::string text = name.lowercase().to_text();
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

void record_authentication(Host& host, std::string protocol, std::string summary, std::string peer) {
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();  // counted, not made (a benchmark's busy world)
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = TraceKind::protocol;
  record.node = host.name();
  record.peer = std::move(peer);
  record.protocol = std::move(protocol);
  record.summary = std::move(summary);
  host.simulator().trace().record(std::move(record));
}

std::int64_t authentication_epoch_seconds(Host& host) { return host.simulator().wall_clock_seconds(host.simulator().now()); }

std::string describe_lookup(const auth::DnsQuestion& question, const auth::DnsAnswer& answer) {
  std::string text = auth::to_string(question.type) + " " + question.name + " -> ";
  if (answer.status != auth::DnsStatus::ok) return text + auth::to_string(answer.status);
  if (answer.records.empty()) return text + "no records (NODATA)";
  for (std::size_t i = 0; i < answer.records.size(); ++i) {
    if (i > 0) text += ", ";
    if (question.type == auth::DnsType::txt) {
      std::string record = answer.records[i];
      // Public keys are long: a trace line shows the start and the end.
      if (record.size() > 90) record = record.substr(0, 60) + "..." + record.substr(record.size() - 12);
      text += "\"" + record + "\"";
    } else {
      text += answer.records[i];
    }
  }
  return text;
}

auth::DnsAnswer to_auth_answer(const auth::DnsQuestion& question, const DnsLookupResult& result) {
  if (result.timed_out) return auth::DnsAnswer::timeout();
  if (result.rcode == dns::Rcode::NXDOMAIN) return auth::DnsAnswer::nxdomain();
  if (result.rcode != dns::Rcode::NOERROR) return {auth::DnsStatus::servfail, {}};
  auth::DnsAnswer answer;
  const dns::RecordType wanted = to_record_type(question.type);
  for (const auto& record : result.response.answers) {
    if (record.type != wanted) continue;
    if (const auto* a = std::get_if<dns::rdata::A>(&record.data)) answer.records.push_back(format_address(a->address));
    else if (const auto* aaaa = std::get_if<dns::rdata::AAAA>(&record.data))
      answer.records.push_back(dns::ipv6_to_text(aaaa->address));
    else if (const auto* mx = std::get_if<dns::rdata::MX>(&record.data))
      answer.records.push_back(std::to_string(mx->preference) + " " + plain_name(mx->exchange));
    else if (const auto* ptr = std::get_if<dns::rdata::PTR>(&record.data))
      answer.records.push_back(plain_name(ptr->target));
    else if (const auto* txt = std::get_if<dns::rdata::TXT>(&record.data)) {
      // RFC 7208 §3.3 and RFC 6376 §3.6.2.2: the character-strings are joined with nothing between.
      std::string joined;
      for (const auto& part : txt->strings) joined += part;
      answer.records.push_back(std::move(joined));
    }
  }
  return answer;
}

AuthLookups::~AuthLookups() { (void)own_resolver_.release(); }

StubResolver& AuthLookups::resolver_for(Host& host) {
  if (provider_)
    if (StubResolver* given = provider_(host)) return *given;
  if (!own_resolver_ || host_ != &host) {
    (void)own_resolver_.release();
    own_resolver_ = std::make_unique<StubResolver>(host);
    host_ = &host;
  }
  return *own_resolver_;
}

void AuthLookups::ask(Host& host, const std::string& protocol, const auth::DnsQuestion& question,
                      std::function<void(const auth::DnsAnswer&)> done) {
  ++questions_asked_;
  Host* where = &host;
  resolver_for(host).lookup_records(question.name, to_record_type(question.type),
                            [where, protocol, question, done = std::move(done)](const DnsLookupResult& result) {
                              auth::DnsAnswer answer = to_auth_answer(question, result);
                              Trace& trace = where->simulator().trace();
                              if (trace.wanted())
                                record_authentication(*where, protocol, "  lookup " + describe_lookup(question, answer));
                              else
                                trace.skip();
                              done(answer);
                            });
}

}  // namespace maillab::engine

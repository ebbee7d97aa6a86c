#include "engine/hosts/dns/authoritative_service.h"

#include "engine/hosts/dns/dns_trace.h"
#include "protocols/dns/authoritative.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

AuthoritativeService::AuthoritativeService(dns::ZoneSet zones) : zones_(std::move(zones)) {}

void AuthoritativeService::start(Host& host) {
  host_ = &host;
  host.udp_bind(port, [this](const Datagram& datagram) { on_datagram(datagram); });
}

void AuthoritativeService::on_datagram(const Datagram& datagram) {
  Host& host = *host_;
  const std::string peer = dns_peer_name(host, datagram.source.address);
  auto query = dns::decode_message(datagram.payload);
  ReceivedQuery entry{host.simulator().now(), datagram.source.address, std::nullopt};
  if (query.ok() && query.value().header.is_response) return;  // never answer responses (no loops)
  if (query.ok() && !query.value().questions.empty()) entry.question = query.value().questions.front();
  received_.push_back(entry);
  // The query as the server sees it arrive: which server was asked, by whom.
  record_dns(host, TraceKind::protocol, {},
             "query from " + peer + ": " +
                 (query.ok() ? dns::summarize_message(query.value())
                             : "undecodable (" + query.error().describe() + ")"));

  auto reply = dns::answer_query_bytes(zones_, datagram.payload);
  if (!reply) return;
  auto decoded = dns::decode_message(*reply);
  std::string summary = decoded.ok() ? dns::summarize_message(decoded.value()) : "R (unreadable)";
  ++responses_sent_;
  record_dns(host, TraceKind::protocol, peer, summary, *reply);
  host.udp_send(port, datagram.source, *reply, summary);
}

void AuthoritativeService::record_fault(const std::string& summary) {
  if (!host_) return;
  TraceRecord record;
  record.time = host_->simulator().now();
  record.kind = TraceKind::fault;
  record.node = host_->name();
  record.protocol = "DNS";
  record.summary = summary;
  host_->simulator().trace().record(std::move(record));
}

std::optional<std::string> AuthoritativeService::add_record(const dns::ResourceRecord& record) {
  const dns::Zone* found = zones_.find_zone(record.name);
  if (!found) return "no zone on this server contains " + record.name.to_text();
  dns::Zone zone = *found;
  if (auto error = zone.add(record)) return error->message;
  zones_.add(std::move(zone));
  record_fault("record added: " + dns::format_record(record));
  return std::nullopt;
}

bool AuthoritativeService::remove_record(const dns::ResourceRecord& record) {
  const dns::Zone* found = zones_.find_zone(record.name);
  if (!found || record.type == dns::RecordType::SOA) return false;
  std::vector<dns::ResourceRecord> kept;
  bool removed = false;
  for (const auto& existing : found->all_records()) {
    if (existing.name == record.name && existing.type == record.type && existing.data == record.data) {
      removed = true;
      continue;
    }
    kept.push_back(existing);
  }
  if (!removed) return false;
  auto rebuilt = dns::Zone::from_records(std::move(kept));
  if (!rebuilt.ok()) return false;
  zones_.add(std::move(rebuilt).value());
  record_fault("record removed: " + dns::format_record(record));
  return true;
}

}  // namespace maillab::engine

#include "engine/hosts/dns/authoritative_service.h"

#include "engine/hosts/dns/dns_over_tcp.h"
#include "engine/hosts/dns/dns_trace.h"
#include "protocols/dns/authoritative.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

AuthoritativeService::AuthoritativeService(dns::ZoneSet zones) : zones_(std::move(zones)) {}

void AuthoritativeService::start(Host& host) {
  host_ = &host;
  host.udp_bind(port, [this](const Datagram& datagram) { on_datagram(datagram); });
  host.listen(port, [this](std::shared_ptr<StreamConnection> connection) { on_stream(connection); });
}

std::optional<AuthoritativeService::Reply> AuthoritativeService::answer(Address from,
                                                                        std::span<const std::uint8_t> payload,
                                                                        std::size_t max_size,
                                                                        const std::string& transport) {
  Host& host = *host_;
  auto query = dns::decode_message(payload);
  ReceivedQuery entry{host.simulator().now(), from, std::nullopt};
  if (query.ok() && query.value().header.is_response) return std::nullopt;  // never answer responses (no loops)
  if (query.ok() && !query.value().questions.empty()) entry.question = query.value().questions.front();
  received_.push_back(entry);
  // The query as the server sees it arrive: which server was asked, by whom. The words, and the
  // reply's, are made only for a trace someone reads.
  const bool narrated = dns_trace_wanted(host);
  const std::string peer = narrated ? dns_peer_name(host, from) : std::string();
  if (narrated)
    record_dns(host, TraceKind::protocol, {},
               "query from " + peer + transport + ": " +
                   (query.ok() ? dns::summarize_message(query.value())
                               : "undecodable (" + query.error().describe() + ")"));
  auto bytes = dns::answer_query_bytes(zones_, payload, std::move(query), max_size, edns_);
  if (!bytes) return std::nullopt;
  ++responses_sent_;
  Reply reply{std::move(*bytes), {}};
  if (dns_trace_wanted(host)) {
    reply.summary = describe_dns_datagram(reply.bytes) + transport;
    record_dns(host, TraceKind::protocol, narrated ? peer : dns_peer_name(host, from), reply.summary, reply.bytes);
  }
  return reply;
}

void AuthoritativeService::on_datagram(const Datagram& datagram) {
  auto reply = answer(datagram.source.address, datagram.payload, dns::max_udp_message, "");
  // Hop records name the datagram from its bytes (the same words as reply->summary).
  if (reply) host_->udp_send(port, datagram.source, std::move(reply->bytes), &describe_dns_datagram);
}

void AuthoritativeService::on_stream(const std::shared_ptr<StreamConnection>& connection) {
  const Address from = connection->remote().address;
  DnsStreamSession::serve(*host_, connection, tcp_idle_timeout_, [this, from](DnsStreamSession& session, dns::Bytes query) {
    auto reply = answer(from, query, dns::max_tcp_message, " (TCP)");
    if (!reply) return;
    // The stream's label goes into hop records that may be made later (a replay that starts
    // recording mid-answer), so it is named whether or not this moment's trace is read.
    if (reply->summary.empty()) reply->summary = describe_dns_datagram(reply->bytes) + " (TCP)";
    session.reply(reply->bytes, reply->summary);
  });
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

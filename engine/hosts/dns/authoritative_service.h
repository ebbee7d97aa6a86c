// An authoritative DNS server on the virtual network (kind "dns-server"): it serves a ZoneSet on
// UDP 53 through the sans-I/O dns::answer_query_bytes, and on TCP 53 (RFC 7766) for answers too
// big for a datagram (512 octets, or up to 1232 with EDNS(0), RFC 6891): a UDP reply that does
// not fit goes out truncated (TC) and the
// asker repeats the question over TCP, where the reply is whole. Zones can be edited while the run goes
// on (a fault from the UI or a scripted `dns_record:` event changes or removes a record).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/hosts/dns/dns_over_tcp.h"
#include "engine/net/host.h"
#include "protocols/dns/authoritative.h"
#include "protocols/dns/message.h"
#include "protocols/dns/wire.h"
#include "protocols/dns/zone.h"

namespace maillab::engine {

class AuthoritativeService : public Service {
 public:
  static constexpr std::uint16_t port = 53;

  explicit AuthoritativeService(dns::ZoneSet zones = {});

  std::string_view kind() const override { return "dns-server"; }
  void start(Host& host) override;

  // EDNS(0) (RFC 6891): on by default, 1232-octet UDP answers to queries that announce as much.
  void set_edns(dns::EdnsSupport edns) { edns_ = edns; }
  const dns::EdnsSupport& edns() const { return edns_; }

  // A DNS-over-TCP client silent this long is closed on (RFC 7766 §6.2.3); 0: never.
  void set_tcp_idle_timeout(Time timeout) { tcp_idle_timeout_ = timeout; }

  const dns::ZoneSet& zones() const { return zones_; }
  void set_zones(dns::ZoneSet zones) { zones_ = std::move(zones); }
  // Run-time edits. Each records a `fault` trace record ("record added: ...") once started.
  // add_record: an error message when the record fits no zone here or the zone refuses it.
  std::optional<std::string> add_record(const dns::ResourceRecord& record);
  // remove_record: false when no zone holds that record (TTL is ignored when comparing).
  bool remove_record(const dns::ResourceRecord& record);

  // What it was asked, in order (for expectations such as `dns_queries`).
  struct ReceivedQuery {
    Time time = 0;
    Address from = 0;
    std::optional<dns::Question> question;  // nullopt for undecodable queries
  };
  const std::vector<ReceivedQuery>& received() const { return received_; }
  std::uint64_t queries_received() const { return received_.size(); }
  std::uint64_t responses_sent() const { return responses_sent_; }

 private:
  void on_datagram(const Datagram& datagram);
  void on_stream(const std::shared_ptr<StreamConnection>& connection);
  struct Reply {
    dns::Bytes bytes;
    std::string summary;  // for the trace: "R MX 10 mail.example.org" (+ " (TCP)"); empty when nobody reads it
  };
  // Records the query and returns the reply (nullopt: send nothing), at most `max_size` octets;
  // `transport` ("" or " (TCP)") is added to the trace lines.
  std::optional<Reply> answer(Address from, std::span<const std::uint8_t> query, std::size_t max_size,
                              const std::string& transport);
  void record_fault(const std::string& summary);

  Host* host_ = nullptr;
  dns::ZoneSet zones_;
  dns::EdnsSupport edns_;
  Time tcp_idle_timeout_ = dns_tcp_idle_timeout;
  std::vector<ReceivedQuery> received_;
  std::uint64_t responses_sent_ = 0;
};

}  // namespace maillab::engine

#include <catch2/catch.hpp>

#include "viz/model/filters.h"

using namespace maillab;
using engine::TraceKind;
using engine::TraceRecord;

namespace {
TraceRecord record(TraceKind kind, std::string node, std::string peer, std::string protocol, std::string summary,
                   std::string message = {}) {
  TraceRecord r;
  r.kind = kind;
  r.node = std::move(node);
  r.peer = std::move(peer);
  r.protocol = std::move(protocol);
  r.summary = std::move(summary);
  r.message = std::move(message);
  return r;
}

std::vector<TraceRecord> sample() {
  return {
      record(TraceKind::mail, "smtp.example.com", "", "", "M1 accepted", "M1"),
      record(TraceKind::hop, "resolver", "a.root-servers.net", "DNS", "Q MX example.org"),
      record(TraceKind::protocol, "smtp.example.com", "mx.example.org", "SMTP", "RCPT TO:<bob@example.org>", "M1"),
      record(TraceKind::hop, "smtp.example.com", "router", "TCP", "SYN"),
      record(TraceKind::fault, "router", "mx.example.org", "", "link router <-> mx.example.org down"),
      record(TraceKind::mail, "smtp.example.com", "", "", "M2 accepted", "M2"),
      record(TraceKind::mail, "imap.example.org", "", "", "M1 delivered", "M1"),
  };
}

std::vector<std::size_t> rows(const std::vector<TraceRecord>& records, const viz::RecordFilter& filter) {
  viz::FilteredView view;
  view.sync(records, filter);
  return {view.rows().begin(), view.rows().end()};
}
}  // namespace

TEST_CASE("filters select by kind, protocol, host, message and text", "[viz][filters]") {
  const auto records = sample();
  viz::RecordFilter all;
  CHECK(rows(records, all).size() == records.size());

  viz::RecordFilter hops;
  hops.kinds = viz::kind_bit(TraceKind::hop);
  CHECK(rows(records, hops) == std::vector<std::size_t>{1, 3});

  viz::RecordFilter dns_only;
  dns_only.categories = viz::category_bit(viz::PacketCategory::dns);
  dns_only.without_protocol = false;
  CHECK(rows(records, dns_only) == std::vector<std::size_t>{1});

  viz::RecordFilter host;
  host.host = "MX.example";  // case-insensitive, node or peer
  CHECK(rows(records, host) == std::vector<std::size_t>{2, 4});

  viz::RecordFilter message;
  message.message = "M1";
  CHECK(rows(records, message) == std::vector<std::size_t>{0, 2, 6});

  viz::RecordFilter text;
  text.text = "rcpt";
  CHECK(rows(records, text) == std::vector<std::size_t>{2});
}

TEST_CASE("a filtered view follows a growing trace and restarts when the filter changes", "[viz][filters]") {
  auto records = sample();
  viz::FilteredView view;
  viz::RecordFilter mail;
  mail.kinds = viz::kind_bit(TraceKind::mail);
  view.sync(records, mail);
  CHECK(std::vector<std::size_t>(view.rows().begin(), view.rows().end()) == std::vector<std::size_t>{0, 5, 6});
  records.push_back(record(TraceKind::mail, "mx", "", "", "M2 bounced", "M2"));
  view.sync(records, mail);
  CHECK(std::vector<std::size_t>(view.rows().begin(), view.rows().end()) == std::vector<std::size_t>{0, 5, 6, 7});
  mail.message = "M2";
  view.sync(records, mail);
  CHECK(std::vector<std::size_t>(view.rows().begin(), view.rows().end()) == std::vector<std::size_t>{5, 7});
}

TEST_CASE("a message's journey is every record with its id, in order", "[viz][filters]") {
  const auto records = sample();
  CHECK(viz::journey(records, "M1") == std::vector<std::size_t>{0, 2, 6});
  CHECK(viz::journey(records, "M2") == std::vector<std::size_t>{5});
  CHECK(viz::journey(records, "M9").empty());
  CHECK(viz::journey(records, "").empty());
  CHECK(viz::message_ids(records) == std::vector<std::string>{"M1", "M2"});
}

TEST_CASE("protocols and roles map to distinct colours and shapes", "[viz][filters]") {
  CHECK(viz::categorize_protocol("DNS") == viz::PacketCategory::dns);
  CHECK(viz::categorize_protocol("smtp") == viz::PacketCategory::smtp);
  CHECK(viz::categorize_protocol("TCP") == viz::PacketCategory::tcp_control);
  for (std::size_t i = 0; i < viz::all_packet_categories.size(); ++i) {
    for (std::size_t j = i + 1; j < viz::all_packet_categories.size(); ++j) {
      CHECK_FALSE(viz::category_color(viz::all_packet_categories[i]) ==
                  viz::category_color(viz::all_packet_categories[j]));
    }
  }
  CHECK(viz::classify_node("dns-root", false) == viz::NodeClass::dns_root);
  CHECK(viz::classify_node("dns-tld", false) == viz::NodeClass::dns_tld);
  CHECK(viz::classify_node("dns-authoritative", false) == viz::NodeClass::dns_authoritative);
  CHECK(viz::classify_node("resolver", false) == viz::NodeClass::resolver);
  CHECK(viz::classify_node("mta", false) == viz::NodeClass::mta);
  CHECK(viz::classify_node("mailbox", false) == viz::NodeClass::mailbox);
  CHECK(viz::classify_node("client", false) == viz::NodeClass::client);
  CHECK(viz::classify_node("anything", true) == viz::NodeClass::router);
  CHECK(viz::classify_node("host", false, {"imap"}) == viz::NodeClass::mailbox);
}

// Padlocks, handshake captions and the TLS inspector's content (viz/model/tls_view.h,
// tls_inspection.h), checked on real runs of shipped scenarios: which hops a student sees
// locked or open, and what the inspector shows for a TLS hop (ciphertext and the plaintext it
// carried, the certificate chain and the verdict).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>
#include <map>
#include <string>

#include "engine/hosts/tls/world_pki.h"
#include "scenarios/loader.h"
#include "scenarios/world.h"
#include "viz/model/tls_inspection.h"
#include "viz/model/tls_view.h"
#include "viz/world_scene.h"
#include "maillab/source_dir.h"

using namespace maillab;
using engine::TraceKind;
using engine::TraceRecord;
using viz::Padlock;

namespace {

std::filesystem::path shipped_path(const std::string& name) {
  return std::filesystem::path(MAILLAB_SOURCE_DIR) / "scenarios" / (name + ".yaml");
}

std::unique_ptr<scenarios::World> run_file(const std::filesystem::path& path, double until_seconds, bool observe) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world(path.string(), std::nullopt, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  if (observe) viz::observe_tls(*world);
  world->simulator.run_until(engine::Time(until_seconds * 1e6));
  return world;
}

std::unique_ptr<scenarios::World> run_shipped(const std::string& name, double until_seconds, bool observe = true) {
  return run_file(shipped_path(name), until_seconds, observe);
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// (record index, padlock) of every hop.
std::vector<std::pair<std::size_t, Padlock>> hop_padlocks(const std::vector<TraceRecord>& records) {
  viz::TlsConnectionIndex index;
  index.sync(records);
  std::vector<std::pair<std::size_t, Padlock>> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind == TraceKind::hop) out.push_back({i, viz::padlock_of(records[i], i, index)});
  }
  return out;
}

// A shipped scenario run with TLS observations kept, and the inspector's view of its records.
struct InspectedRun {
  std::unique_ptr<scenarios::World> world;
  viz::TlsConnectionIndex index;
  const std::vector<TraceRecord>& records() const { return world->simulator.trace().records(); }
  viz::TlsInspection inspect(std::size_t record) const {
    return viz::inspect_tls(records()[record], record, index, &engine::world_pki(world->network).observations);
  }
};

InspectedRun inspected_run(const std::string& name, double until_seconds) {
  InspectedRun run{run_shipped(name, until_seconds), {}};
  run.index.sync(run.records());
  return run;
}

}  // namespace

TEST_CASE("mail-intro: TLS records are locked, SMTP before STARTTLS is open, bare segments and DNS have none",
          "[viz][tls]") {
  auto world = run_shipped("mail-intro", 30);
  const auto& records = world->simulator.trace().records();
  int closed = 0, open = 0;
  for (const auto& [i, padlock] : hop_padlocks(records)) {
    const TraceRecord& hop = records[i];
    INFO(hop.summary << " (" << hop.protocol << ")");
    if (starts_with(hop.summary, "TLS ")) CHECK(padlock == Padlock::closed);
    if (starts_with(hop.summary, "STARTTLS") || starts_with(hop.summary, "220 2.0.0 Ready to start TLS") ||
        starts_with(hop.summary, "EHLO")) {
      CHECK(padlock == Padlock::open);  // said in the clear, before TLS begins
    }
    if (starts_with(hop.summary, "ACK ") || starts_with(hop.summary, "SYN") || hop.protocol == "DNS") {
      CHECK(padlock == Padlock::none);
    }
    // The submission is authenticated inside TLS: no hop shows AUTH to the link.
    CHECK(hop.summary.find("AUTH PLAIN") == std::string::npos);
    closed += padlock == Padlock::closed;
    open += padlock == Padlock::open;
  }
  CHECK(closed > 20);
  CHECK(open > 5);
}

TEST_CASE("pop3-two-devices: STLS (110) is open until TLS begins, then locked, 995 is locked from the first byte",
          "[viz][tls]") {
  auto world = run_shipped("pop3-two-devices", 30);
  const auto& records = world->simulator.trace().records();
  std::map<std::uint64_t, std::vector<Padlock>> by_connection;  // POP3 data hops, in order
  std::map<std::uint64_t, std::string> first_data;               // what each connection said first
  for (const auto& [i, padlock] : hop_padlocks(records)) {
    const TraceRecord& hop = records[i];
    if (hop.protocol != "POP3" || padlock == Padlock::none) continue;
    INFO(hop.node << " -> " << hop.peer << ": " << hop.summary);
    // USER and PASS never cross the link readable.
    CHECK(!starts_with(hop.summary, "USER "));
    CHECK(!starts_with(hop.summary, "PASS "));
    if (starts_with(hop.summary, "CAPA") || starts_with(hop.summary, "STLS")) CHECK(padlock == Padlock::open);
    by_connection[hop.connection].push_back(padlock);
    first_data.try_emplace(hop.connection, hop.summary);
  }
  bool starttls_seen = false, implicit_seen = false;
  for (const auto& [connection, padlocks] : by_connection) {
    INFO("connection " << connection << " begins with " << first_data[connection]);
    // Once locked, never open again.
    const auto first_closed = std::find(padlocks.begin(), padlocks.end(), Padlock::closed);
    REQUIRE(first_closed != padlocks.end());
    CHECK(std::find(first_closed, padlocks.end(), Padlock::open) == padlocks.end());
    if (padlocks.front() == Padlock::open) starttls_seen = true;  // greeting, CAPA, STLS in the clear
    if (padlocks.front() == Padlock::closed) {
      implicit_seen = true;  // port 995: the ClientHello is the first data
      CHECK(starts_with(first_data[connection], "TLS ClientHello"));
    }
  }
  CHECK(starttls_seen);
  CHECK(implicit_seen);
}

TEST_CASE("a POP3 password in the clear (security: none): open padlocks, and the inspector says so",
          "[viz][tls]") {
  // pop3-two-devices with bob's laptop told to skip STLS.
  std::ifstream in(shipped_path("pop3-two-devices"));
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string plain_incoming = "incoming: {protocol: pop3, server: mail.example.org}";
  const auto at = yaml.find(plain_incoming);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, plain_incoming.size(), "incoming: {protocol: pop3, server: mail.example.org, security: none}");
  const auto path = std::filesystem::temp_directory_path() / ("maillab_viz_tls_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << yaml;
  InspectedRun run{run_file(path, 30, true), {}};
  std::filesystem::remove(path);
  run.index.sync(run.records());
  bool pass_seen = false;
  for (std::size_t i = 0; i < run.records().size(); ++i) {
    const TraceRecord& hop = run.records()[i];
    if (hop.kind != TraceKind::hop || !starts_with(hop.summary, "PASS ")) continue;
    const viz::TlsInspection inspection = run.inspect(i);
    CHECK(inspection.padlock == Padlock::open);
    CHECK(inspection.clear_text == "PASS bob-secret\\r\n");
    CHECK(inspection.password_in_clear);
    pass_seen = true;
  }
  CHECK(pass_seen);
}

TEST_CASE("hop captions make the TLS handshake its own phase", "[viz][tls]") {
  TraceRecord hop;
  hop.kind = TraceKind::hop;
  hop.summary = "TLS ClientHello (data, 314 bytes)";
  CHECK(viz::hop_caption(hop) == "TLS handshake: ClientHello (data, 314 bytes)");
  CHECK(viz::hop_caption(hop, true) == "TLS handshake: ClientHello");
  hop.summary = "TLS ServerHello, ChangeCipherSpec, EncryptedExtensions, Certificate, CertificateVerify, Finished "
                "(data, 1201 bytes)";
  CHECK(viz::hop_caption(hop) == "TLS handshake: ServerHello, ChangeCipherSpec, EncryptedExtensions, Certificate, "
                                 "CertificateVerify, Finished (data, 1201 bytes)");
  CHECK(viz::hop_caption(hop, true) == "TLS handshake: ServerHello ... Finished");
  hop.summary = "TLS ChangeCipherSpec, Finished (data, 80 bytes)";
  CHECK(viz::hop_caption(hop, true) == "TLS handshake: ChangeCipherSpec, Finished");
  hop.summary = "TLS application data (data, 41 bytes)";
  CHECK(viz::hop_caption(hop) == "TLS application data (data, 41 bytes)");
  hop.summary = "TLS alert: close_notify (data, 24 bytes)";
  CHECK(viz::hop_caption(hop, true) == "TLS alert: close_notify");
  hop.summary = "MAIL FROM:<alice@example.com> (data, 31 bytes)";
  CHECK(viz::hop_caption(hop) == hop.summary);
}

TEST_CASE("the inspector shows a TLS hop's ciphertext and, beside it, the SMTP command it carried",
          "[viz][tls]") {
  const InspectedRun run = inspected_run("mail-intro", 30);
  const auto& records = run.records();
  // The hop that carries alice's AUTH PLAIN inside TLS, on the link home -> provider.
  std::optional<viz::TlsInspection> found;
  for (std::size_t i = 0; i < records.size() && !found; ++i) {
    const TraceRecord& hop = records[i];
    if (hop.kind != TraceKind::hop || hop.node != "home" || hop.peer != "provider") continue;
    viz::TlsInspection inspection = run.inspect(i);
    if (starts_with(inspection.plaintext, "AUTH PLAIN ")) {
      found = inspection;
      // What the eavesdropper has: ciphertext, not the command.
      CHECK(viz::application_payload(hop).find("AUTH") == std::string::npos);
    }
  }
  REQUIRE(found);
  const viz::TlsInspection& inspection = *found;
  CHECK(inspection.padlock == Padlock::closed);
  CHECK(inspection.observed);
  REQUIRE(!inspection.records.empty());
  CHECK(inspection.records[0].content_type == 23);  // application_data, all an eavesdropper learns
  CHECK(inspection.records[0].version == 0x0303);
  REQUIRE(!inspection.ciphertext.empty());
  CHECK(starts_with(inspection.ciphertext[0], "0000  17 03 03"));
  CHECK(inspection.plaintext.find("\\r\n") != std::string::npos);  // the CRLF that ends the command
  CHECK(inspection.client == "alice-laptop");
  CHECK(inspection.server == "mail.example.com");
  CHECK(starts_with(inspection.established, "TLSv1.3 with cipher "));
  CHECK(inspection.server_name == "mail.example.com");
  // The chain: the server's certificate, then the world's CA; verified by the client.
  REQUIRE(inspection.chain.size() == 2);
  CHECK(inspection.chain[0].subject == "CN=mail.example.com");
  CHECK(inspection.chain[0].issuer == "CN=maillab World CA");
  CHECK(std::find(inspection.chain[0].names.begin(), inspection.chain[0].names.end(), "mail.example.com") !=
        inspection.chain[0].names.end());
  CHECK(!inspection.chain[0].authority);
  CHECK(inspection.chain[1].authority);
  CHECK(inspection.chain[1].self_signed);
  CHECK(starts_with(inspection.chain[0].valid_from, "2025-"));
  CHECK(inspection.chain[0].validity_problem.empty());
  CHECK(inspection.verified);
  CHECK(starts_with(inspection.verdict, "verified: "));
}

TEST_CASE("the inspector shows handshake writes carry no application data, and what TLS 1.3 hides",
          "[viz][tls]") {
  const InspectedRun run = inspected_run("mail-intro", 2);
  const auto& records = run.records();
  bool checked = false;
  for (std::size_t i = 0; i < records.size() && !checked; ++i) {
    if (records[i].kind != TraceKind::hop || !starts_with(records[i].summary, "TLS ServerHello")) continue;
    const viz::TlsInspection inspection = run.inspect(i);
    CHECK(inspection.plaintext.empty());
    CHECK(inspection.inside_note.find("ServerHello") != std::string::npos);
    REQUIRE(inspection.records.size() > 2);
    CHECK(inspection.records[0].content_type == 22);  // the ServerHello itself is readable
    CHECK(inspection.records.back().content_type == 23);  // the certificate travels encrypted
    checked = true;
  }
  CHECK(checked);
}

TEST_CASE("an expired certificate: the inspector says NOT verified (opportunistic) and refused (required)",
          "[viz][tls]") {
  const InspectedRun run = inspected_run("tls-certificate-expired", 60);
  const auto& records = run.records();
  bool opportunistic = false, required = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const TraceRecord& record = records[i];
    if (record.kind != TraceKind::transport || record.protocol != "TLS") continue;
    const viz::TlsInspection inspection = run.inspect(i);
    if (inspection.server != "mx.example.org") continue;  // the submissions verify fine
    INFO(record.node << ": " << record.summary << " -> " << inspection.verdict);
    REQUIRE(!inspection.chain.empty());
    CHECK(inspection.chain[0].subject == "CN=mx.example.org");
    CHECK(!inspection.verified);
    if (inspection.client == "mail.example.com") {
      opportunistic = true;
      CHECK(starts_with(inspection.verdict, "NOT verified: certificate for mx.example.org expired 3 days ago"));
      CHECK(inspection.verdict.find("opportunistic") != std::string::npos);
    } else if (inspection.client == "mail.example.net") {
      required = true;
      CHECK(starts_with(inspection.verdict, "handshake refused by the client: certificate for mx.example.org expired"));
    }
  }
  CHECK(opportunistic);
  CHECK(required);
}

TEST_CASE("keeping TLS observations changes no byte of the trace", "[viz][tls]") {
  auto observed = run_shipped("mail-intro", 30, true);
  auto plain = run_shipped("mail-intro", 30, false);
  CHECK(observed->simulator.trace().count() == plain->simulator.trace().count());
  CHECK(observed->simulator.trace().fingerprint() == plain->simulator.trace().fingerprint());
  CHECK(engine::world_pki(observed->network).observations.enabled());
  CHECK(!engine::world_pki(plain->network).observations.enabled());
}

TEST_CASE("a ClientHello shows the link the server name it asks for (SNI), nothing else does", "[viz][tls]") {
  const InspectedRun run = inspected_run("mail-intro", 2);
  const auto& records = run.records();
  int client_hellos = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind != TraceKind::hop) continue;
    const std::string name = viz::client_hello_server_name(viz::application_payload(records[i]));
    if (starts_with(records[i].summary, "TLS ClientHello")) {
      ++client_hellos;
      CHECK((name == "mail.example.com" || name == "mx.example.org"));
      CHECK(run.inspect(i).server_name_in_clear == name);
    } else {
      CHECK(name.empty());
    }
  }
  CHECK(client_hellos >= 3);  // alice's on each of her three links, at least
  // Cut short anywhere, it is not read past its end.
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!starts_with(records[i].summary, "TLS ClientHello")) continue;
    const std::string hello = viz::application_payload(records[i]);
    for (std::size_t length = 0; length < hello.size(); ++length) {
      const std::string name = viz::client_hello_server_name(std::string_view(hello).substr(0, length));
      CHECK((name.empty() || name == "mail.example.com"));
    }
    break;
  }
}

TEST_CASE("record headers: what a segment shows of its TLS records", "[viz][tls]") {
  // An application_data record of 3 bytes, then an alert record cut short.
  const std::string bytes = std::string("\x17\x03\x03\x00\x03" "abc" "\x15\x03\x03\x00\x10" "x", 14);
  const auto headers = viz::tls_record_headers(bytes);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].content_type == 23);
  CHECK(headers[0].length == 3);
  CHECK(headers[0].complete);
  CHECK(headers[1].offset == 8);
  CHECK(viz::content_type_name(headers[1].content_type) == "alert");
  CHECK(!headers[1].complete);
  CHECK(viz::tls_record_headers("EHLO alice\r\n").empty());  // plain text is not a record
}

TEST_CASE("the host inspector's TLS: the chain a server presents and each connection's verdict", "[viz][tls]") {
  const InspectedRun run = inspected_run("tls-certificate-expired", 60);
  const auto& observations = engine::world_pki(run.world->network).observations;
  const viz::HostTlsView mx = viz::inspect_host_tls(observations, "mx.example.org", run.world->simulator.now());
  REQUIRE(mx.presented.size() == 2);
  CHECK(mx.presented[0].subject == "CN=mx.example.org");
  CHECK(mx.presented[1].authority);
  // Expired days before the simulated calendar starts (2026-01-05); ISO dates compare as text.
  CHECK(mx.presented[0].valid_until < std::string("2026-01-05"));
  CHECK(mx.presented[0].valid_until > std::string("2025-12-25"));
  CHECK(mx.presented[0].validity_problem == "expired 3 days ago");
  CHECK(mx.presented[1].validity_problem.empty());  // the CA is fine
  bool from_opportunistic = false, from_required = false;
  for (const auto& connection : mx.connections) {
    INFO(connection.peer << ": " << connection.outcome << " / " << connection.verdict);
    CHECK(!connection.client);
    CHECK(!connection.verified);
    if (connection.peer == "mail.example.com") {
      from_opportunistic = true;
      CHECK(starts_with(connection.outcome, "TLSv1.3 with cipher "));
      CHECK(starts_with(connection.verdict, "NOT verified: "));
    }
    if (connection.peer == "mail.example.net") {
      from_required = true;
      CHECK(starts_with(connection.verdict, "handshake refused by the client: "));
    }
  }
  CHECK(from_opportunistic);
  CHECK(from_required);
  // The refusing client sees its own side: it started the handshake, and it failed.
  const viz::HostTlsView net = viz::inspect_host_tls(observations, "mail.example.net", run.world->simulator.now());
  bool refused = false;
  for (const auto& connection : net.connections) {
    if (connection.peer != "mx.example.org") continue;
    refused = true;
    CHECK(connection.client);
    CHECK(starts_with(connection.outcome, "failed: certificate for mx.example.org expired"));
  }
  CHECK(refused);
  CHECK(viz::inspect_host_tls(observations, "no-such-host", 0).connections.empty());
}

// Writes seed inputs: DNS queries and the authoritative answers to them, and for the session
// targets, real conversations: each real client session
// (SMTP, POP3, IMAP) talks to the real server session in memory, as the tests in tests/smtp,
// tests/pop3 and tests/imap do, and the bytes each side sent become a seed for the target that
// reads them (client bytes for *_server, server bytes for *_client). Seeds start with the
// control byte '0' (the stream in one piece, see fuzz_input.h).
//   make_seeds OUTPUT_DIR     writes OUTPUT_DIR/<target>/<name>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "fuzz/dns_zone_fixture.h"
#include "fuzz/mail_store_fixture.h"
#include "fuzz/tls_fixture.h"
#include "protocols/dns/authoritative.h"
#include "protocols/dns/wire.h"
#include "protocols/imap/client_session.h"
#include "protocols/imap/server_session.h"
#include "protocols/pop3/client_session.h"
#include "protocols/pop3/server_session.h"
#include "protocols/smtp/client_session.h"
#include "protocols/smtp/server_session.h"

using namespace maillab;
namespace fs = std::filesystem;

namespace {

fs::path output_dir;

void write_seed(const std::string& target, const std::string& name, const std::string& bytes, char control = '0') {
  fs::create_directories(output_dir / target);
  std::ofstream(output_dir / target / name, std::ios::binary) << control << bytes;
}

struct Transcript {
  std::string from_client;
  std::string from_server;
};

// Shuttles bytes both ways until neither side has anything to say.
template <typename Client, typename Server, typename Step>
Transcript converse(Client& client, Server& server, Step step) {
  Transcript transcript;
  for (int round = 0; round < 1000; ++round) {
    step();
    std::string to_server = client.poll_output();
    std::string to_client = server.poll_output();
    if (to_server.empty() && to_client.empty()) break;
    transcript.from_client += to_server;
    transcript.from_server += to_client;
    if (!to_server.empty()) server.handle_bytes(to_server);
    if (!to_client.empty()) client.handle_bytes(to_client);
  }
  return transcript;
}

void smtp_seed(const std::string& name, smtp::ClientOptions options, smtp::ServerMode mode) {
  smtp::ServerOptions server_options;
  server_options.hostname = "mx.example.org";
  server_options.mode = mode;
  server_options.check_credentials = [](std::string_view user, std::string_view password) {
    return user == "alice" && password == "secret";
  };
  smtp::ServerSession server(server_options, "192.0.2.10");
  smtp::ClientSession client(options, {"alice@example.com", {"bob@example.org", "carol@example.org"}},
                             "From: alice@example.com\r\nSubject: hi\r\n\r\n.dot\r\nbody\r\n");
  server.start();
  Transcript transcript = converse(client, server, [&] {
    while (server.waiting_for_verdict()) server.accept();
    while (server.poll_event()) {
    }
    while (auto event = client.poll_event()) {
      if (std::holds_alternative<smtp::StartTlsRequested>(*event)) client.handle_tls_established();
    }
  });
  write_seed("smtp_server", name, transcript.from_client);
  write_seed("smtp_client", name, transcript.from_server);
}

void pop3_seed(const std::string& name, pop3::ClientOptions options, bool apop) {
  store::MailStore store;
  fuzz::fill_store(store);
  pop3::ServerOptions server_options;
  if (apop) server_options.greeting_timestamp = "<1896.697170952@pop.example>";
  pop3::ServerSession server(store, server_options);
  pop3::ClientSession client(options);
  Transcript transcript = converse(client, server, [&] {
    while (server.poll_event()) {
    }
    while (client.poll_event()) {
    }
    while (client.poll_message()) {
    }
  });
  write_seed("pop3_server", name, transcript.from_client);
  write_seed("pop3_client", name, transcript.from_server);
}

template <typename Operations>
void imap_seed(const std::string& name, bool fetch_bodies, Operations operations) {
  store::MailStore store;
  fuzz::fill_store(store);
  imap::ServerSession server(store);
  imap::ClientSession client({"bob", "secret", "INBOX", fetch_bodies});
  operations(client);
  Transcript transcript = converse(client, server, [&] {
    while (server.poll_event()) {
    }
    while (client.poll_event()) {
    }
  });
  write_seed("imap_server", name, transcript.from_client);
  write_seed("imap_client", name, transcript.from_server);
}

void write_bytes_seed(const std::string& target, const std::string& name, const dns::Bytes& bytes) {
  write_seed(target, name, std::string(bytes.begin(), bytes.end()));
}

// A query for each type, and the authoritative server's answer to it (answers, referrals,
// NXDOMAIN, CNAME chains, wildcards: compressed names in every section).
void dns_seeds() {
  const std::pair<const char*, dns::RecordType> questions[] = {
      {"example.org", dns::RecordType::MX},   {"www.example.org", dns::RecordType::A},
      {"x.sub.example.org", dns::RecordType::A}, {"nosuch.example.org", dns::RecordType::TXT},
      {"a.wild.example.org", dns::RecordType::A}, {"example.org", dns::RecordType::SOA},
      {"example.org", dns::RecordType::TXT},  {"example.org", dns::RecordType::NS}};
  int number = 0;
  for (const auto& [name, type] : questions) {
    dns::Message query;
    query.header.id = static_cast<std::uint16_t>(0x1000 + number);
    query.header.recursion_desired = true;
    query.questions.push_back({dns::Name::literal(name), type});
    const dns::Bytes query_bytes = dns::encode_message(query);
    write_bytes_seed("dns_message", "query-" + std::to_string(number), query_bytes);
    if (auto answer = dns::answer_query_bytes(fuzz::example_zones(), query_bytes, 65535))
      write_bytes_seed("dns_message", "answer-" + std::to_string(number), *answer);
    ++number;
  }
}

// A whole TLS handshake and a line each way: the client's bytes seed the server end ('0'), the
// server's bytes the client end ('4').
void tls_seeds() {
  tls::Session client(fuzz::tls_pki().config(tls::Role::client));
  tls::Session server(fuzz::tls_pki().config(tls::Role::server));
  std::string from_client, from_server;
  client.start();
  client.send_plaintext("EHLO client.example\r\n");
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    while (auto output = client.poll_output()) from_client += output->bytes, server.handle_ciphertext(output->bytes), moved = true;
    while (auto output = server.poll_output()) from_server += output->bytes, client.handle_ciphertext(output->bytes), moved = true;
    if (!server.poll_plaintext().empty()) server.send_plaintext("250 OK\r\n");
    if (!moved) break;
  }
  client.close();
  while (auto output = client.poll_output()) from_client += output->bytes;
  write_seed("tls_session", "server-end", from_client, '0');
  write_seed("tls_session", "client-end", from_server, '4');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds OUTPUT_DIR\n";
    return 2;
  }
  output_dir = argv[1];

  dns_seeds();
  tls_seeds();

  smtp_seed("relay-pipelining", {}, smtp::ServerMode::relay);
  smtp_seed("relay-no-pipelining", {.use_pipelining = false}, smtp::ServerMode::relay);
  smtp_seed("submission-auth", {.auth_user = "alice", .auth_password = "secret"}, smtp::ServerMode::submission);
  smtp_seed("submission-bad-password", {.auth_user = "alice", .auth_password = "wrong"},
            smtp::ServerMode::submission);
  smtp_seed("submission-no-auth", {}, smtp::ServerMode::submission);

  pop3_seed("delete", {.user = "bob", .password = "secret"}, false);
  pop3_seed("keep-known", {.user = "bob", .password = "secret", .delete_after_download = false,
                           .known_uidls = {}}, false);
  pop3_seed("apop", {.user = "bob", .password = "secret", .use_apop = true}, true);
  pop3_seed("wrong-password", {.user = "bob", .password = "nope"}, false);

  imap_seed("sync", true, [](imap::ClientSession& client) { client.sync(); client.logout(); });
  imap_seed("envelopes", false, [](imap::ClientSession& client) { client.sync(); });
  imap_seed("folders-move", true, [](imap::ClientSession& client) {
    client.list_folders();
    client.sync();
    client.mark_seen(1);
    client.set_flag(2, "\\Flagged", true);
    client.create_folder("Receipts");
    client.move(2, "Receipts");
    client.append("Sent", "Subject: sent\r\n\r\nbody\r\n", "\\Seen");
    client.expunge();
    client.noop();
    client.logout();
  });
  return 0;
}

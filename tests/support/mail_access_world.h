// A hand-built world for the mail access tests (no scenario file: the tests reach into the
// services): mail.example.org with mailboxes, POP3 and IMAP, bob's laptop and phone, and a raw
// line client that types whatever a test says. Records are read with scenario.h's records().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/hosts/tls/tls_stream.h"
#include "engine/core/simulator.h"
#include "engine/hosts/client/mail_client_service.h"
#include "engine/hosts/mailbox/imap_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/pop3_service.h"
#include "engine/net/host.h"
#include "engine/net/network.h"
#include "tests/support/scenario.h"

namespace maillab::testing {

using namespace maillab::engine;

inline const Address server_address = *parse_address("10.0.2.25");
inline const Address laptop_address = *parse_address("10.0.1.10");
inline const Address phone_address = *parse_address("10.0.1.11");

inline std::string message_text(const std::string& subject, const std::string& from = "alice@example.com",
                                const std::string& body = "Shall we meet at noon?") {
  return "From: " + from + "\r\nTo: bob@example.org\r\nSubject: " + subject +
         "\r\nDate: Mon, 05 Jan 2026 09:00:00 +0000\r\nMessage-ID: <" + subject.substr(0, 4) + "@example.com>\r\n\r\n" +
         body + "\r\n";
}

struct MailWorld {
  Simulator simulator;
  Network network{simulator};
  Host* server = nullptr;
  Host* laptop = nullptr;
  Host* phone = nullptr;
  MailboxService* mailboxes = nullptr;
  Pop3Service* pop3 = nullptr;
  ImapService* imap = nullptr;

  MailWorld() {
    server = network.add_host("mail.example.org", server_address, "mailbox");
    laptop = network.add_host("bob-laptop", laptop_address, "client");
    phone = network.add_host("bob-phone", phone_address, "client");
    network.add_router("isp");
    network.add_link("bob-laptop", "isp", LinkSpec{milliseconds(5)});
    network.add_link("bob-phone", "isp", LinkSpec{milliseconds(20)});
    network.add_link("isp", "mail.example.org", LinkSpec{milliseconds(10)});
    mailboxes = static_cast<MailboxService*>(
        &server->add_service(std::make_unique<MailboxService>(std::vector<std::string>{"example.org"})));
    mailboxes->store().add_user("bob", "secret");
    pop3 = static_cast<Pop3Service*>(&server->add_service(std::make_unique<Pop3Service>()));
    imap = static_cast<ImapService*>(&server->add_service(std::make_unique<ImapService>()));
  }
  void deliver(const std::string& subject) { mailboxes->deliver("bob@example.org", "INBOX", message_text(subject), simulator.now()); }
  void run_for(Time t) { simulator.run_until(simulator.now() + t); }
  const store::Folder& inbox() { return *mailboxes->store().folder("bob", "INBOX"); }
};

// Types lines at a server and keeps everything it hears.
struct LineClient {
  std::shared_ptr<StreamConnection> connection;
  std::string received;
  bool closed = false;
  bool failed = false;

  // With `tls_server_name`, RFC 8314 implicit TLS: a verifying TLS client for that name.
  LineClient(Host& from, Endpoint to, std::string tls_server_name = {}) {
    from.connect(to, ConnectHandlers{[this, &from, tls_server_name](std::shared_ptr<StreamConnection> c) {
                                       if (!tls_server_name.empty()) c = TlsStream::client(from, c, {tls_server_name, true});
                                       connection = c;
                                       c->on_data = [this](std::string_view b) { received.append(b); };
                                       c->on_closed = [this](CloseReason) { closed = true; };
                                     },
                                     [this](ConnectError) { failed = true; }});
  }
  void send(const std::string& line) { connection->send(line + "\r\n"); }
  bool heard(const std::string& text) const { return received.find(text) != std::string::npos; }
};

// A raw POP3 client on bob's laptop that has sent USER and PASS (after one message arrived).
inline std::unique_ptr<LineClient> pop3_client_logged_in(MailWorld& world) {
  world.deliver("Lunch?");
  auto client = std::make_unique<LineClient>(*world.laptop, Endpoint{server_address, 110});
  world.run_for(seconds(1));
  client->send("USER bob");
  client->send("PASS secret");
  return client;
}

// bob's account on a device, reading mail with POP3 or IMAP from mail.example.org.
inline ClientAccount bob(ClientAccount::Incoming incoming, bool keep = false) {
  ClientAccount account;
  account.address = "bob@example.org";
  account.password = "secret";
  account.smtp_server = "mail.example.org";
  account.smtp = Endpoint{server_address, 587};
  account.incoming = incoming;
  account.incoming_server = "mail.example.org";
  account.incoming_endpoint = Endpoint{server_address, std::uint16_t(incoming == ClientAccount::Incoming::pop3 ? 110 : 143)};
  account.pop3_keep = keep;
  return account;
}

inline MailClientService& add_client(Host& host, ClientAccount account) {
  return static_cast<MailClientService&>(
      host.add_service(std::make_unique<MailClientService>(std::vector<ClientAccount>{std::move(account)})));
}

}  // namespace maillab::testing

// The POP3 and IMAP server services over the virtual network.
#include <catch2/catch.hpp>

#include <optional>

#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

namespace {

std::size_t count_records(const Trace& trace, TraceKind kind, const std::string& protocol, const std::string& needle) {
  return records(trace, RecordFilter{.kind = kind, .protocol = protocol, .text = needle}).size();
}

}  // namespace

TEST_CASE("POP3 service: login, fetch, deletions applied only at QUIT", "[hosts_client][pop3]") {
  MailWorld world;
  world.deliver("Lunch?");
  world.deliver("Minutes");
  LineClient client(*world.laptop, Endpoint{server_address, 110});
  world.run_for(seconds(1));
  REQUIRE(client.connection);
  CHECK(client.heard("+OK mail.example.org POP3 server ready"));
  client.send("USER bob");
  client.send("PASS secret");
  client.send("STAT");
  client.send("RETR 1");
  client.send("DELE 1");
  world.run_for(seconds(1));
  CHECK(client.heard("+OK 2 "));
  CHECK(client.heard("Subject: Lunch?"));
  CHECK(world.inbox().messages.size() == 2);  // DELE is only a mark
  CHECK(world.mailboxes->store().maildrop_locked("bob"));
  client.send("QUIT");
  world.run_for(seconds(1));
  CHECK(world.inbox().messages.size() == 1);
  CHECK_FALSE(world.mailboxes->store().maildrop_locked("bob"));
  CHECK(client.closed);
  CHECK(world.pop3->open_sessions() == 0);

  // One protocol record per line, drawn from sender to receiver, passwords masked.
  const auto& trace = world.simulator.trace();
  CHECK(count_records(trace, TraceKind::protocol, "POP3", "PASS ********") == 1);
  CHECK(count_records(trace, TraceKind::protocol, "POP3", "secret") == 0);
  bool found_user = false;
  for (const auto& r : trace.records())
    if (r.kind == TraceKind::protocol && r.summary == "USER bob") {
      found_user = true;
      CHECK(r.node == "bob-laptop");
      CHECK(r.peer == "mail.example.org");
      CHECK(r.connection == client.connection->id());
    }
  CHECK(found_user);
  CHECK(count_records(trace, TraceKind::mail, "POP3", "removed 1 message") == 1);
}

TEST_CASE("POP3 service: a dropped connection deletes nothing and releases the lock", "[hosts_client][pop3]") {
  MailWorld world;
  auto logged_in = pop3_client_logged_in(world);
  LineClient& client = *logged_in;
  client.send("DELE 1");
  world.run_for(seconds(1));
  CHECK(client.heard("+OK"));
  client.connection->abort();
  world.run_for(seconds(1));
  CHECK(world.inbox().messages.size() == 1);
  CHECK_FALSE(world.mailboxes->store().maildrop_locked("bob"));
  CHECK(world.pop3->open_sessions() == 0);

  SECTION("and a crash of the server does the same") {
    LineClient again(*world.laptop, Endpoint{server_address, 110});
    world.run_for(seconds(1));
    again.send("USER bob");
    again.send("PASS secret");
    again.send("DELE 1");
    world.run_for(seconds(1));
    CHECK(world.mailboxes->store().maildrop_locked("bob"));
    world.network.set_node_up("mail.example.org", false);
    world.run_for(seconds(1));
    CHECK_FALSE(world.mailboxes->store().maildrop_locked("bob"));
    CHECK(world.inbox().messages.size() == 1);
    world.network.set_node_up("mail.example.org", true);
    LineClient after(*world.laptop, Endpoint{server_address, 110});
    world.run_for(seconds(1));
    CHECK(after.heard("+OK mail.example.org POP3"));
  }
}

TEST_CASE("POP3 service: port 995 is implicit TLS, and a second session finds the maildrop locked",
          "[hosts_client][pop3]") {
  MailWorld world;
  world.deliver("Lunch?");
  LineClient first(*world.laptop, Endpoint{server_address, 995}, "mail.example.org");
  LineClient second(*world.phone, Endpoint{server_address, 110});
  world.run_for(seconds(1));
  REQUIRE(first.connection);
  // 995 only: a real TLS handshake, recorded by both ends; the certificate verified.
  CHECK(count_records(world.simulator.trace(), TraceKind::transport, "", "TLS established") == 2);
  CHECK(count_records(world.simulator.trace(), TraceKind::transport, "", "; verified") == 1);
  first.send("USER bob");
  first.send("PASS secret");
  world.run_for(seconds(1));
  second.send("USER bob");
  second.send("PASS secret");
  world.run_for(seconds(1));
  CHECK(second.heard("-ERR [IN-USE]"));
}

TEST_CASE("IMAP service: two sessions see each other's flags", "[hosts_client][imap]") {
  MailWorld world;
  world.deliver("Lunch?");
  LineClient laptop(*world.laptop, Endpoint{server_address, 143});
  LineClient phone(*world.phone, Endpoint{server_address, 993}, "mail.example.org");
  world.run_for(seconds(1));
  REQUIRE(phone.connection);
  CHECK(count_records(world.simulator.trace(), TraceKind::transport, "", "TLS established") == 2);
  laptop.send("a1 LOGIN bob secret");
  laptop.send("a2 SELECT INBOX");
  phone.send("b1 LOGIN bob secret");
  phone.send("b2 SELECT INBOX");
  world.run_for(seconds(1));
  CHECK(laptop.heard("a2 OK"));
  phone.send("b3 UID STORE 1 +FLAGS (\\Seen)");
  world.run_for(seconds(1));
  CHECK(phone.heard("b3 OK"));
  laptop.send("a3 NOOP");
  world.run_for(seconds(1));
  CHECK(laptop.heard("* 1 FETCH (FLAGS (\\Seen"));
  CHECK(world.inbox().messages[0].flags & maillab::store::flag_seen);
  CHECK(count_records(world.simulator.trace(), TraceKind::protocol, "IMAP", "LOGIN bob") == 2);
  CHECK(count_records(world.simulator.trace(), TraceKind::protocol, "IMAP", "secret") == 0);
  // The server's state lines say whose session: two devices of one user are told apart.
  CHECK(count_records(world.simulator.trace(), TraceKind::protocol, "IMAP", "session of bob from bob-phone now SELECTED") == 1);
  CHECK(count_records(world.simulator.trace(), TraceKind::protocol, "IMAP", "session of bob from bob-laptop now SELECTED") == 1);
}

TEST_CASE("IMAP service: on 993 the greeting is the first thing inside TLS, no handshake, no session",
          "[hosts_client][imap][tls]") {
  MailWorld world;
  LineClient phone(*world.phone, Endpoint{server_address, 993}, "mail.example.org");
  LineClient silent(*world.laptop, Endpoint{server_address, 993});  // connects, never says hello
  world.run_for(seconds(1));
  REQUIRE(phone.connection);
  CHECK(phone.heard("* OK [CAPABILITY IMAP4rev1"));
  // RFC 8314 §3: the server's handshake ends before its greeting is written, in the trace too.
  std::optional<std::size_t> established, greeting;
  const auto& records = world.simulator.trace().records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.node != "mail.example.org" || r.connection != phone.connection->id()) continue;
    if (r.kind == TraceKind::transport && r.summary.rfind("TLS established", 0) == 0 && !established) established = i;
    if (r.kind == TraceKind::protocol && r.summary.rfind("* OK [CAPABILITY", 0) == 0 && !greeting) greeting = i;
  }
  REQUIRE(established);
  REQUIRE(greeting);
  CHECK(*established < *greeting);
  CHECK(world.imap->open_sessions() == 1);  // the silent client has no IMAP session
  CHECK_FALSE(silent.heard("* OK"));
  world.run_for(seconds(61));
  CHECK(silent.closed);
  CHECK(count_records(world.simulator.trace(), TraceKind::transport, "TLS",
                      "TLS handshake not finished after 60 s: connection closed") == 1);
}

TEST_CASE("IMAP service: IDLE pushes new mail and other devices' changes over the network", "[hosts_client][imap]") {
  MailWorld world;
  LineClient phone(*world.phone, Endpoint{server_address, 143});
  world.run_for(seconds(1));
  phone.send("p1 LOGIN bob secret");
  phone.send("p2 SELECT INBOX");
  phone.send("p3 IDLE");
  world.run_for(seconds(1));
  CHECK(phone.heard("+ idling"));
  const std::size_t before = phone.received.size();
  world.deliver("Lunch?");  // the MDA delivers; nobody on the phone asked
  world.run_for(seconds(1));
  CHECK(phone.received.substr(before).find("* 1 EXISTS") != std::string::npos);
  CHECK(world.imap->updates_pushed() >= 1);

  LineClient laptop(*world.laptop, Endpoint{server_address, 143});
  world.run_for(seconds(1));
  laptop.send("l1 LOGIN bob secret");
  laptop.send("l2 SELECT INBOX");
  laptop.send("l3 STORE 1 +FLAGS (\\Flagged)");
  world.run_for(seconds(1));
  CHECK(phone.heard("FETCH (FLAGS (\\Flagged"));
  phone.send("DONE");
  world.run_for(seconds(1));
  CHECK(phone.heard("p3 OK"));
}

TEST_CASE("IMAP service: a dropped or crashed session is cleaned up", "[hosts_client][imap]") {
  MailWorld world;
  world.deliver("Lunch?");
  LineClient laptop(*world.laptop, Endpoint{server_address, 143});
  world.run_for(seconds(1));
  laptop.send("a1 LOGIN bob secret");
  laptop.send("a2 SELECT INBOX");
  laptop.send("a3 IDLE");
  world.run_for(seconds(1));
  CHECK(world.imap->open_sessions() == 1);
  laptop.connection->abort();
  world.run_for(seconds(1));
  CHECK(world.imap->open_sessions() == 0);
  world.deliver("More");  // the store observer must not touch the gone session
  world.run_for(seconds(1));
  LineClient again(*world.laptop, Endpoint{server_address, 143});
  world.run_for(seconds(1));
  again.send("b1 LOGIN bob secret");
  world.run_for(seconds(1));
  CHECK(world.imap->open_sessions() == 1);
  world.network.set_node_up("mail.example.org", false);
  CHECK(world.imap->open_sessions() == 0);
}

TEST_CASE("a server without mailboxes says so and hangs up", "[hosts_client]") {
  Simulator simulator;
  Network network(simulator);
  Host* server = network.add_host("empty", server_address);
  Host* laptop = network.add_host("laptop", laptop_address);
  network.add_link("empty", "laptop", LinkSpec{});
  server->add_service(std::make_unique<Pop3Service>());
  LineClient client(*laptop, Endpoint{server_address, 110});
  simulator.run_until(seconds(2));
  CHECK(client.heard("-ERR no mailboxes"));
  CHECK(client.closed);
}

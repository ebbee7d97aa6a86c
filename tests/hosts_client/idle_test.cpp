// Push instead of poll: a device whose account has `idle` set keeps an IMAP connection in IDLE
// (RFC 2177) and gets new mail, flags and expunges pushed, without any check_mail.
#include <catch2/catch.hpp>

#include <string>

#include "engine/hosts/client/mail_client_service.h"
#include "protocols/imap/server_session.h"
#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

namespace {

ClientAccount idle_bob() {
  ClientAccount account = bob(ClientAccount::Incoming::imap);
  account.idle = true;
  return account;
}

// The phone idles on INBOX after its first check.
MailClientService& idling_phone(MailWorld& world) {
  auto& phone = add_client(*world.phone, idle_bob());
  phone.check_mail();
  world.run_for(seconds(5));
  REQUIRE(phone.idling());
  return phone;
}

std::size_t count(const Trace& trace, TraceKind kind, const std::string& node, const std::string& text,
                  bool whole = false) {
  std::size_t n = 0;
  for (const auto& r : trace.records())
    if (r.kind == kind && r.node == node && (whole ? r.summary == text : r.summary.find(text) != std::string::npos)) ++n;
  return n;
}

const TraceRecord* find_record(const Trace& trace, const std::string& node, const std::string& text) {
  for (const auto& r : trace.records())
    if (r.node == node && r.summary.find(text) != std::string::npos) return &r;
  return nullptr;
}

// Counts IDLE commands a device sent ("A7 IDLE").
std::size_t idle_commands(const Trace& trace, const std::string& node) {
  std::size_t n = 0;
  for (const auto& r : trace.records())
    if (r.kind == TraceKind::protocol && r.node == node && r.summary.size() > 5 &&
        r.summary.compare(r.summary.size() - 5, 5, " IDLE") == 0)
      ++n;
  return n;
}

// An IMAP server from before RFC 2177: the real session, with IDLE taken out of what it announces.
class ImapWithoutIdle : public Service {
 public:
  std::string_view kind() const override { return "imap"; }
  void start(Host& host) override {
    host.listen(143, [&host](std::shared_ptr<StreamConnection> connection) {
      auto session = std::make_shared<maillab::imap::ServerSession>(host.find_service<MailboxService>()->store());
      std::weak_ptr<StreamConnection> weak = connection;
      auto flush = [session, weak] {
        std::string out = session->poll_output();
        for (std::size_t at; (at = out.find(" IDLE")) != std::string::npos;) out.erase(at, 5);
        auto held = weak.lock();
        if (held && held->is_open() && !out.empty()) held->send(out);
        if (held && session->closed()) held->close();
      };
      connection->on_data = [session, flush](std::string_view bytes) {
        session->handle_bytes(bytes);
        flush();
      };
      connection->on_closed = [session](CloseReason) { session->handle_close(); };
      flush();
    });
  }
};

// old.example.org (10.0.2.26): bob's mailbox behind an IMAP server without IDLE or STARTTLS.
MailboxService& add_old_server(MailWorld& world) {
  Host* old = world.network.add_host("old.example.org", *parse_address("10.0.2.26"), "mailbox");
  world.network.add_link("isp", "old.example.org", LinkSpec{milliseconds(10)});
  auto& mailboxes = static_cast<MailboxService&>(
      old->add_service(std::make_unique<MailboxService>(std::vector<std::string>{"example.org"})));
  mailboxes.store().add_user("bob", "secret");
  old->add_service(std::make_unique<ImapWithoutIdle>());
  return mailboxes;
}

}  // namespace

TEST_CASE("IMAP IDLE: new mail is pushed to the idling device, no check_mail needed", "[hosts_client][client][idle]") {
  MailWorld world;
  auto& phone = idling_phone(world);
  const auto& trace = world.simulator.trace();
  CHECK(find_record(trace, {.node = "bob-phone", .text = "waiting for new mail: IDLE on INBOX at mail.example.org"}));
  // RFC 2177's exchange, line by line: the command, the continuation.
  CHECK(count(trace, TraceKind::protocol, "mail.example.org", "+ idling") == 1);

  const Time delivered = world.simulator.now();
  world.mailboxes->deliver("bob@example.org", "INBOX",
                           "X-Maillab-Id: M7\r\n" + message_text("Lunch?"), world.simulator.now());
  world.run_for(seconds(1));
  REQUIRE(phone.store().in_folder("INBOX").size() == 1);
  CHECK(phone.store().in_folder("INBOX")[0]->subject == "Lunch?");
  const auto* pushed = find_record(trace, "bob-phone", "new message 'Lunch?' from alice@example.com pushed by the server (IMAP IDLE)");
  REQUIRE(pushed);
  CHECK(pushed->kind == TraceKind::mail);
  CHECK(pushed->message == "M7");
  CHECK(pushed->time - delivered < seconds(1));
  CHECK(count(trace, TraceKind::protocol, "bob-phone", "DONE", true) == 1);
  CHECK(count(trace, TraceKind::protocol, "mail.example.org", "OK IDLE terminated") == 1);

  // Back in IDLE after the fetch: a second delivery is pushed too.
  CHECK(phone.idling());
  world.deliver("Dinner?");
  world.run_for(seconds(1));
  CHECK(phone.store().in_folder("INBOX").size() == 2);
  CHECK(find_record(trace, {.node = "bob-phone", .text = "new message 'Dinner?' from alice@example.com pushed by the server (IMAP IDLE)"}));
  CHECK(phone.idling());
  CHECK(idle_commands(trace, "bob-phone") == 3);
  CHECK(phone.problems().empty());
}

TEST_CASE("IMAP IDLE: another device's flag change and delete are pushed", "[hosts_client][client][idle]") {
  MailWorld world;
  world.deliver("Lunch?");
  world.deliver("Invoice");
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::imap));
  auto& phone = idling_phone(world);
  REQUIRE(phone.store().in_folder("INBOX").size() == 2);
  laptop.check_mail();
  laptop.read("Lunch?");
  world.run_for(seconds(5));
  const auto* lunch = phone.store().find_imap(0, "INBOX", 1);
  REQUIRE(lunch);
  CHECK(lunch->seen);
  CHECK(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "'Lunch?' is now read: flag change pushed by the server (IMAP IDLE)"}));

  laptop.remove("Invoice");
  world.run_for(seconds(5));
  CHECK(phone.store().in_folder("INBOX").size() == 1);
  CHECK(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "'Invoice' is gone from INBOX (deleted or moved on another device): pushed"}));
  CHECK(phone.idling());
  CHECK(phone.problems().empty());
  CHECK(laptop.problems().empty());
}

TEST_CASE("IMAP IDLE: the device's own operations run beside the idling connection", "[hosts_client][client][idle]") {
  MailWorld world;
  world.deliver("Lunch?");
  auto& phone = idling_phone(world);
  phone.read("Lunch?");
  phone.move("Lunch?", "Archive");
  world.run_for(seconds(10));
  CHECK(phone.store().in_folder("INBOX").empty());
  CHECK(phone.store().in_folder("Archive").size() == 1);
  CHECK(world.mailboxes->store().folder("bob", "Archive")->messages.size() == 1);
  CHECK(phone.idling());
  CHECK(phone.problems().empty());
  // Its own move is no news to it: the EXPUNGE pushed on its idling connection is not reported
  // as "gone ... on another device".
  CHECK(count(world.simulator.trace(), TraceKind::mail, "bob-phone", "is gone from") == 0);
  CHECK(count(world.simulator.trace(), TraceKind::mail, "bob-phone", "moved 'Lunch?' from INBOX to Archive") == 1);
}

TEST_CASE("IMAP IDLE: renewed every 29 minutes (RFC 2177)", "[hosts_client][client][idle]") {
  MailWorld world;
  auto& phone = idling_phone(world);
  const auto& trace = world.simulator.trace();
  world.run_for(seconds(60 * 60));
  // IDLE at the start, DONE + IDLE at 29 and at 58 minutes.
  CHECK(count(trace, TraceKind::protocol, "bob-phone", "DONE", true) == 2);
  CHECK(idle_commands(trace, "bob-phone") == 3);
  CHECK(count(trace, TraceKind::note, "bob-phone", "renewing IDLE after 29 minutes") == 2);
  const auto* renewal = find_record(trace, "bob-phone", "renewing IDLE");
  REQUIRE(renewal);
  CHECK(renewal->time >= seconds(29 * 60));
  CHECK(renewal->time < seconds(30 * 60));
  CHECK(phone.idling());
  // Still pushing afterwards.
  world.deliver("Late");
  world.run_for(seconds(1));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "new message 'Late' from alice@example.com pushed by the server"}));
}

TEST_CASE("IMAP IDLE: a crashed server is noticed, and the device reconnects with back-off", "[hosts_client][client][idle]") {
  MailWorld world;
  auto& phone = idling_phone(world);
  const auto& trace = world.simulator.trace();
  world.network.set_node_up("mail.example.org", false);
  // Down for 40 minutes: the renewal's DONE goes unanswered, reconnects fail and wait longer.
  world.run_for(seconds(40 * 60));
  CHECK_FALSE(phone.idling());
  CHECK(find_record(trace, {.node = "bob-phone", .text = "lost the IDLE connection to mail.example.org"}));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "reconnecting in 30 s"}));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "reconnecting in 1 min"}));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "reconnecting in 2 min"}));
  world.network.set_node_up("mail.example.org", true);
  world.deliver("While you were away");  // the store is on disk: it survived the crash
  world.run_for(seconds(15 * 60));
  CHECK(phone.idling());
  CHECK(find_record(trace, {.node = "bob-phone", .text = "reconnecting to mail.example.org to wait for new mail"}));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "new message 'While you were away' from alice@example.com fetched on reconnecting"}));
  world.deliver("Back");
  world.run_for(seconds(1));
  CHECK(find_record(trace, {.node = "bob-phone", .text = "new message 'Back' from alice@example.com pushed by the server (IMAP IDLE)"}));
  CHECK(phone.problems().empty());  // handled, not failed
}

TEST_CASE("IMAP IDLE: a device crash drops the connection, the next check_mail opens it again", "[hosts_client][client][idle]") {
  MailWorld world;
  auto& phone = idling_phone(world);
  const auto& trace = world.simulator.trace();
  world.network.set_node_up("bob-phone", false);
  world.run_for(seconds(10));
  world.network.set_node_up("bob-phone", true);
  world.run_for(seconds(30 * 60));
  CHECK_FALSE(phone.idling());
  CHECK_FALSE(find_record(trace, {.node = "bob-phone", .text = "reconnecting"}));
  world.deliver("Lunch?");
  world.run_for(seconds(1));
  CHECK(phone.store().in_folder("INBOX").empty());  // nothing is pushed to a device that is not listening
  phone.check_mail();
  world.run_for(seconds(5));
  CHECK(phone.store().in_folder("INBOX").size() == 1);
  CHECK(phone.idling());
}

TEST_CASE("IMAP IDLE off (the default): the device never sends IDLE and sees mail only when it checks",
          "[hosts_client][client][idle]") {
  MailWorld world;
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  phone.check_mail();
  world.run_for(seconds(5));
  world.deliver("Lunch?");
  world.run_for(seconds(60 * 60));
  CHECK_FALSE(phone.idling());
  CHECK(idle_commands(world.simulator.trace(), "bob-phone") == 0);
  CHECK(phone.store().in_folder("INBOX").empty());
  phone.check_mail();
  world.run_for(seconds(5));
  CHECK(phone.store().in_folder("INBOX").size() == 1);
}

TEST_CASE("IMAP IDLE: a server without IDLE leaves the device polling, and the trace says so",
          "[hosts_client][client][idle]") {
  MailWorld world;
  auto& mailboxes = add_old_server(world);
  ClientAccount account = idle_bob();
  account.incoming_server = "old.example.org";
  account.incoming_endpoint = Endpoint{*parse_address("10.0.2.26"), 143};
  account.incoming_plaintext = true;  // the old server has no STARTTLS either: `security: none`
  auto& phone = add_client(*world.phone, account);
  phone.check_mail();
  world.run_for(seconds(10));
  const auto& trace = world.simulator.trace();
  CHECK(find_record(trace, {.node = "bob-phone", .text = "old.example.org does not offer IDLE (RFC 2177) in its CAPABILITY: falling back to polling"}));
  CHECK_FALSE(phone.idling());
  CHECK(idle_commands(trace, "bob-phone") == 0);
  mailboxes.deliver("bob@example.org", "INBOX", message_text("Lunch?"), world.simulator.now());
  world.run_for(seconds(60));
  CHECK(phone.store().in_folder("INBOX").empty());
  phone.check_mail();  // polling works, and the device does not try IDLE again
  world.run_for(seconds(10));
  CHECK(phone.store().in_folder("INBOX").size() == 1);
  CHECK(count(trace, TraceKind::note, "bob-phone", "does not offer IDLE") == 1);
  CHECK(phone.problems().empty());
}

TEST_CASE("IMAP on 143: a server without STARTTLS gets no password unless the account says security: none",
          "[hosts_client][client][tls]") {
  MailWorld world;
  add_old_server(world);  // no STARTTLS in its CAPABILITY either
  ClientAccount account = idle_bob();
  account.idle = false;
  account.incoming_server = "old.example.org";
  account.incoming_endpoint = Endpoint{*parse_address("10.0.2.26"), 143};
  auto& phone = add_client(*world.phone, account);
  phone.check_mail();
  world.run_for(seconds(10));
  const auto& trace = world.simulator.trace();
  REQUIRE(phone.problems().size() == 1);
  CHECK(phone.problems()[0].find("does not offer STARTTLS: not sending the password in the clear") !=
        std::string::npos);
  CHECK(count(trace, TraceKind::protocol, "bob-phone", "LOGIN") == 0);
}

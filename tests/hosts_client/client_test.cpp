// The mail client on two devices against the POP3 and IMAP services.
#include <catch2/catch.hpp>

#include <optional>

#include "engine/hosts/client/compose.h"
#include "engine/hosts/client/mail_client_service.h"
#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

TEST_CASE("POP3 delete mode: the laptop takes the message, the phone never sees it", "[hosts_client][client]") {
  MailWorld world;
  world.deliver("Lunch?");
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::pop3));
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::pop3));
  laptop.check_mail();
  world.run_for(seconds(5));
  phone.check_mail();
  world.run_for(seconds(5));
  REQUIRE(laptop.store().in_folder("INBOX").size() == 1);
  CHECK(laptop.store().in_folder("INBOX")[0]->subject == "Lunch?");
  CHECK(laptop.store().in_folder("INBOX")[0]->from_address == "alice@example.com");
  CHECK(laptop.store().in_folder("INBOX")[0]->preview == "Shall we meet at noon?");
  CHECK(phone.store().in_folder("INBOX").empty());
  CHECK(world.inbox().messages.empty());
  CHECK(laptop.problems().empty());
  CHECK(find_record(world.simulator.trace(), {.node = "bob-laptop", .text = "bob-laptop: downloaded and deleted 1 message from the server (POP3)"}));
  CHECK(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "no new messages (POP3)"}));
}

TEST_CASE("POP3 keep mode: both devices get a copy, and a second check downloads nothing twice", "[hosts_client][client]") {
  MailWorld world;
  world.deliver("Lunch?");
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::pop3, true));
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::pop3, true));
  laptop.check_mail();
  phone.check_mail();  // the maildrop may be locked by the laptop; the phone retries below
  world.run_for(seconds(5));
  phone.check_mail();
  laptop.check_mail();
  world.run_for(seconds(5));
  CHECK(laptop.store().in_folder("INBOX").size() == 1);
  CHECK(phone.store().in_folder("INBOX").size() == 1);
  CHECK(world.inbox().messages.size() == 1);
  // Reading on one device changes nothing anywhere else: POP3 has no flags on the server.
  laptop.read("Lunch?");
  world.run_for(seconds(1));
  CHECK(laptop.store().in_folder("INBOX")[0]->seen);
  CHECK_FALSE(phone.store().in_folder("INBOX")[0]->seen);
  CHECK_FALSE(world.inbox().messages[0].flags & maillab::store::flag_seen);
  // Deleting is local too.
  phone.remove("Lunch?");
  world.run_for(seconds(1));
  CHECK(phone.store().in_folder("INBOX").empty());
  CHECK(world.inbox().messages.size() == 1);
}

TEST_CASE("IMAP: a read flag set on the phone shows on the laptop after its sync", "[hosts_client][client]") {
  MailWorld world;
  world.deliver("Lunch?");
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::imap));
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  laptop.check_mail();
  phone.check_mail();
  world.run_for(seconds(5));
  REQUIRE(laptop.store().in_folder("INBOX").size() == 1);
  REQUIRE(phone.store().in_folder("INBOX").size() == 1);
  CHECK_FALSE(laptop.store().in_folder("INBOX")[0]->seen);  // BODY.PEEK[] left it unread
  CHECK(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "bob-phone: 1 new message ('Lunch?')"}));
  phone.read("Lunch?");
  world.run_for(seconds(5));
  CHECK(world.inbox().messages[0].flags & maillab::store::flag_seen);
  CHECK_FALSE(laptop.store().in_folder("INBOX")[0]->seen);  // not until it syncs
  laptop.check_mail();
  world.run_for(seconds(5));
  CHECK(laptop.store().in_folder("INBOX")[0]->seen);
  CHECK(world.inbox().messages.size() == 1);  // IMAP keeps mail on the server
  CHECK(laptop.problems().empty());
  CHECK(phone.problems().empty());
}

TEST_CASE("IMAP: a move on one device shows on the other, a delete removes it everywhere", "[hosts_client][client]") {
  MailWorld world;
  world.deliver("Lunch?");
  world.deliver("Invoice");
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::imap));
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  laptop.check_mail();
  phone.check_mail();
  world.run_for(seconds(5));
  phone.move("Invoice", "Receipts");
  world.run_for(seconds(5));
  CHECK(phone.store().in_folder("INBOX").size() == 1);
  REQUIRE(phone.store().in_folder("Receipts").size() == 1);
  CHECK(world.mailboxes->store().folder("bob", "Receipts")->messages.size() == 1);
  laptop.check_mail();
  world.run_for(seconds(5));
  CHECK(laptop.store().in_folder("INBOX").size() == 1);
  REQUIRE(laptop.store().in_folder("Receipts").size() == 1);  // a folder the laptop learnt by LIST
  CHECK(laptop.store().in_folder("Receipts")[0]->subject == "Invoice");

  laptop.remove("Lunch?");
  world.run_for(seconds(5));
  CHECK(world.inbox().messages.empty());
  phone.check_mail();
  world.run_for(seconds(5));
  CHECK(phone.store().in_folder("INBOX").empty());
}

TEST_CASE("operations on a message the device does not show are reported, not crashed", "[hosts_client][client]") {
  MailWorld world;
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  phone.read("Nothing");
  phone.reply("Nothing", "hi");
  world.run_for(seconds(1));
  CHECK(phone.problems().size() == 2);
  CHECK(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "cannot read 'Nothing'"}));
}

TEST_CASE("a wrong password or a dead server is a readable problem", "[hosts_client][client]") {
  MailWorld world;
  auto account = bob(ClientAccount::Incoming::imap);
  account.password = "wrong";
  auto& laptop = add_client(*world.laptop, account);
  laptop.check_mail();
  world.run_for(seconds(5));
  REQUIRE(laptop.problems().size() == 1);
  CHECK(laptop.problems()[0].find("login refused") != std::string::npos);
  world.network.set_node_up("mail.example.org", false);
  laptop.check_mail();
  world.run_for(seconds(60));
  CHECK(laptop.problems().size() == 2);
  CHECK_FALSE(laptop.busy());
}

TEST_CASE("a reply quotes the original and threads with In-Reply-To and References", "[hosts_client][compose]") {
  DeviceMessage original;
  original.bytes = message_text("Lunch?", "Alice <alice@example.com>");
  original.bytes = "References: <older@example.com>\r\n" + original.bytes;
  summarize_message(original);
  Composer composer{"Bob <bob@example.org>", "bob-phone", "example.org", 1767603600, 3};
  auto reply = compose_reply(composer, original, "Yes, at noon.");
  CHECK(reply.subject == "Re: Lunch?");
  REQUIRE(reply.recipients == std::vector<std::string>{"alice@example.com"});
  CHECK(reply.bytes.find("In-Reply-To: <Lunc@example.com>\r\n") != std::string::npos);
  CHECK(reply.bytes.find("References: <older@example.com> <Lunc@example.com>\r\n") != std::string::npos);
  CHECK(reply.bytes.find("\r\n> Shall we meet at noon?\r\n") != std::string::npos);
  CHECK(reply.bytes.find("Yes, at noon.\r\n") != std::string::npos);
  CHECK(reply_subject("Re: Lunch?") == "Re: Lunch?");
  CHECK(reply_subject("RE: x") == "RE: x");

  auto forward = compose_forward(composer, original, {"carol@example.net"}, "FYI");
  CHECK(forward.subject == "Fwd: Lunch?");
  CHECK(forward.recipients == std::vector<std::string>{"carol@example.net"});
  CHECK(forward.bytes.find("---------- Forwarded message ----------") != std::string::npos);
  CHECK(forward.bytes.find("Shall we meet at noon?") != std::string::npos);
  CHECK(forward.bytes.find("In-Reply-To") == std::string::npos);
}

TEST_CASE("device records about one message carry its tracking id, for the journey view", "[hosts_client][client]") {
  MailWorld world;
  // As an MTA delivers it: the tracking header first (engine/hosts/mail_ledger.h).
  world.mailboxes->deliver("bob@example.org", "INBOX", "X-Maillab-Id: M7\r\n" + message_text("Lunch?"),
                           world.simulator.now());
  world.deliver("Untracked");  // no header: its records carry no id
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  auto& laptop = add_client(*world.laptop, bob(ClientAccount::Incoming::pop3, true));
  phone.check_mail();
  laptop.check_mail();
  world.run_for(seconds(5));
  REQUIRE(phone.store().in_folder("INBOX").size() == 2);
  phone.read("Lunch?");
  phone.read("Untracked");
  laptop.read("Lunch?");
  world.run_for(seconds(5));
  auto message_of = [&](const std::string& node, const std::string& text) -> std::optional<std::string> {
    for (const auto& r : world.simulator.trace().records())
      if (r.node == node && r.summary.find(text) != std::string::npos) return r.message;
    return std::nullopt;
  };
  CHECK(message_of("bob-phone", "opened 'Lunch?'") == "M7");
  CHECK(message_of("bob-phone", "opened 'Untracked'") == "");
  CHECK(message_of("bob-laptop", "new message 'Lunch?'") == "M7");   // POP3, one record per message
  CHECK(message_of("bob-laptop", "opened 'Lunch?'") == "M7");
  CHECK(message_of("bob-phone", "2 new messages") == "");  // about two messages: neither's journey
}

TEST_CASE("IMAP: a move the server refuses leaves the message where it was, and says why", "[hosts_client][client]") {
  MailWorld world;
  world.deliver("Lunch?");
  auto& phone = add_client(*world.phone, bob(ClientAccount::Incoming::imap));
  phone.check_mail();
  world.run_for(seconds(5));
  // The device believes "Ghost" exists (so it sends no CREATE); the server has no such folder.
  phone.store().add_folder("Ghost");
  phone.move("Lunch?", "Ghost");
  world.run_for(seconds(5));
  REQUIRE(phone.store().in_folder("INBOX").size() == 1);  // still there
  CHECK_FALSE(phone.store().in_folder("INBOX")[0]->leaving);
  CHECK(world.inbox().messages.size() == 1);
  REQUIRE(phone.problems().size() == 1);
  CHECK(phone.problems()[0].find("the server refused to move 'Lunch?' to Ghost: NO [TRYCREATE]") == 0);
  CHECK_FALSE(find_record(world.simulator.trace(), {.node = "bob-phone", .text = "moved 'Lunch?'"}));
}

// The order of one device's records on its connection: STLS/STARTTLS in the clear, the handshake,
// and only then the login, whose bytes cross the link inside TLS.
TEST_CASE("POP3 on 110 and IMAP on 143: STARTTLS first, the password only inside TLS", "[hosts_client][client][tls]") {
  const bool pop3 = GENERATE(true, false);
  INFO((pop3 ? "POP3" : "IMAP"));
  MailWorld world;
  world.deliver("Lunch?");
  auto& laptop = add_client(*world.laptop, bob(pop3 ? ClientAccount::Incoming::pop3 : ClientAccount::Incoming::imap));
  laptop.check_mail();
  world.run_for(seconds(5));
  CHECK(laptop.problems().empty());
  CHECK(laptop.store().in_folder("INBOX").size() == 1);
  std::optional<std::size_t> starttls, established, login;
  const auto& records = world.simulator.trace().records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.node != "bob-laptop") continue;
    if (r.kind == TraceKind::protocol && !starttls && (r.summary == "STLS" || r.summary == "A1 STARTTLS")) starttls = i;
    if (r.kind == TraceKind::transport && r.protocol == "TLS" && r.summary.find("; verified") != std::string::npos)
      established = i;
    if (r.kind == TraceKind::protocol && !login && (r.summary == "USER bob" || r.summary.find("LOGIN") != std::string::npos))
      login = i;
  }
  REQUIRE(starttls);
  REQUIRE(established);
  REQUIRE(login);
  CHECK(*starttls < *established);
  CHECK(*established < *login);
  // The password never crossed a link in the clear: no hop carries a plaintext mail command
  // after the handshake's start (every later segment is a TLS record).
  for (std::size_t i = *established; i < records.size(); ++i)
    if (records[i].kind == TraceKind::hop && records[i].node == "bob-laptop" && records[i].summary.find("data") != std::string::npos)
      CHECK(records[i].summary.rfind("TLS ", 0) == 0);
}

TEST_CASE("security: none: the account logs in in plain text even where STARTTLS is offered", "[hosts_client][client][tls]") {
  MailWorld world;
  world.deliver("Lunch?");
  ClientAccount account = bob(ClientAccount::Incoming::imap);
  account.incoming_plaintext = true;
  auto& laptop = add_client(*world.laptop, account);
  laptop.check_mail();
  world.run_for(seconds(5));
  CHECK(laptop.store().in_folder("INBOX").size() == 1);
  CHECK_FALSE(find_record(world.simulator.trace(), {.node = "bob-laptop", .text = "STARTTLS"}));
  CHECK_FALSE(find_record(world.simulator.trace(), {.node = "bob-laptop", .text = "TLS established"}));
}

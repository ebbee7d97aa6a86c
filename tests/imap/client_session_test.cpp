#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/client_session.h"

using namespace maillab;
using namespace maillab::imap::testing;

TEST_CASE("IMAP client syncs new messages with BODY.PEEK[] and leaves them unseen", "[imap][client_session]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::ClientSession client({"bob", "hunter2", "INBOX", true});
  client.sync();
  run(client, server);
  CHECK(client.logged_in());
  CHECK_FALSE(client.busy());
  REQUIRE(client.messages().size() == 2);
  CHECK(client.messages().at(1).bytes == message_one);
  CHECK(client.messages().at(2).size == message_two.size());
  CHECK(client.take_new_messages() == std::vector<std::uint32_t>{1, 2});
  CHECK(f.store.message("bob", "INBOX", 1)->flags == 0);  // PEEK
  CHECK(client.uid_validity() == f.store.folder("bob", "INBOX")->uid_validity);

  f.store.deliver("bob", "INBOX", message_two, 1700000500);
  client.sync();
  run(client, server);
  CHECK(client.take_new_messages() == std::vector<std::uint32_t>{3});
  CHECK(client.messages().size() == 3);
}

TEST_CASE("IMAP clients on two devices: \\Seen set on one appears on the other", "[imap][client_session]") {
  Fixture f;
  imap::ServerSession laptop_server(f.store), phone_server(f.store);
  imap::ClientSession laptop({"bob", "hunter2", "INBOX", true});
  imap::ClientSession phone({"bob", "hunter2", "INBOX", false});
  laptop.sync();
  phone.sync();
  run(laptop, laptop_server);
  run(phone, phone_server);
  REQUIRE(phone.messages().size() == 2);
  CHECK(phone.messages().at(1).flags.empty());

  laptop.mark_seen(1);
  run(laptop, laptop_server);
  CHECK(laptop.messages().at(1).flags == std::set<std::string>{"\\Seen"});

  phone.noop();  // the server reports the change as an untagged FETCH (FLAGS)
  run(phone, phone_server);
  CHECK(phone.messages().at(1).flags == std::set<std::string>{"\\Seen"});
  bool saw_flag_event = false;
  while (auto event = phone.poll_event()) {
    if (event->kind == imap::EventKind::flags_changed && event->text == "1 (\\Seen)") saw_flag_event = true;
  }
  CHECK(saw_flag_event);
}

TEST_CASE("IMAP client move: create, COPY, STORE \\Deleted, EXPUNGE, the other device drops it", "[imap][client_session]") {
  Fixture f;
  imap::ServerSession server(f.store), other_server(f.store);
  imap::ClientSession client({"bob", "hunter2", "INBOX", true});
  imap::ClientSession other({"bob", "hunter2", "INBOX", true});
  client.sync();
  other.sync();
  run(client, server);
  run(other, other_server);
  client.create_folder("Receipts");
  client.move(2, "Receipts");
  run(client, server);
  CHECK(client.messages().size() == 1);
  CHECK(f.store.folder("bob", "Receipts")->messages.size() == 1);
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 1);
  other.sync();
  run(other, other_server);
  CHECK(other.messages().size() == 1);
  CHECK(other.messages().count(1) == 1);
  client.logout();
  run(client, server);
  CHECK(client.finished());
  CHECK_FALSE(client.failed());
  CHECK(server.closed());
}

TEST_CASE("IMAP client login failure", "[imap][client_session]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::ClientSession client({"bob", "nope", "INBOX", true});
  client.sync();
  run(client, server);
  CHECK(client.failed());
  CHECK(client.error().find("login failed") != std::string::npos);
}

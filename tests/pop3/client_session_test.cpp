#include <catch2/catch.hpp>

#include "protocols/pop3/client_session.h"
#include "protocols/pop3/server_session.h"

using namespace maillab;

namespace {

const std::string first = "From: a@x\r\nSubject: one\r\n\r\n.leading dot\r\n";
const std::string second = "From: b@x\r\nSubject: two\r\n\r\nhello\r\n";

// Shuttles bytes between the two sessions until neither has anything to say.
void run(pop3::ClientSession& client, pop3::ServerSession& server) {
  for (int round = 0; round < 1000 && !client.finished(); ++round) {
    const std::string to_client = server.poll_output();
    if (!to_client.empty()) client.handle_bytes(to_client);
    const std::string to_server = client.poll_output();
    if (!to_server.empty()) server.handle_bytes(to_server);
    if (to_client.empty() && to_server.empty()) break;
  }
  const std::string last = client.poll_output();  // e.g. QUIT after a failure
  if (!last.empty()) server.handle_bytes(last);
}

std::vector<pop3::DownloadedMessage> drain(pop3::ClientSession& client) {
  std::vector<pop3::DownloadedMessage> out;
  while (auto message = client.poll_message()) out.push_back(std::move(*message));
  return out;
}

}  // namespace

TEST_CASE("POP3 client fetch in delete mode empties the INBOX", "[pop3][client_session]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  store.deliver("alice", "INBOX", first, 1);
  store.deliver("alice", "INBOX", second, 2);
  pop3::ServerSession server(store);
  pop3::ClientSession client({"alice", "secret", false, true, {}});
  run(client, server);
  REQUIRE(client.finished());
  CHECK_FALSE(client.failed());
  auto messages = drain(client);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].bytes == first);  // un-stuffed
  CHECK(messages[1].bytes == second);
  CHECK(store.folder("alice", "INBOX")->messages.empty());
  CHECK(server.closed());
}

TEST_CASE("POP3 client keep-copy mode fetches only unseen UIDLs", "[pop3][client_session]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  store.deliver("alice", "INBOX", first, 1);
  std::set<std::string> known;
  {
    pop3::ServerSession server(store);
    pop3::ClientSession client({"alice", "secret", false, false, known});
    run(client, server);
    CHECK(drain(client).size() == 1);
    known = client.known_uidls();
  }
  CHECK(store.folder("alice", "INBOX")->messages.size() == 1);  // left on the server
  store.deliver("alice", "INBOX", second, 2);
  pop3::ServerSession server(store);
  pop3::ClientSession client({"alice", "secret", false, false, known});
  run(client, server);
  auto messages = drain(client);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].bytes == second);
  CHECK(store.folder("alice", "INBOX")->messages.size() == 2);
  CHECK(client.known_uidls().size() == 2);
}

TEST_CASE("POP3 client with APOP and with a wrong password", "[pop3][client_session]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  store.deliver("alice", "INBOX", first, 1);
  {
    pop3::ServerSession server(store, {"pop.example", "<7.8@pop.example>", 512});
    pop3::ClientSession client({"alice", "secret", true, false, {}});
    run(client, server);
    CHECK_FALSE(client.failed());
    CHECK(client.downloaded_count() == 1);
  }
  pop3::ServerSession server(store);
  pop3::ClientSession client({"alice", "wrong", false, true, {}});
  run(client, server);
  CHECK(client.failed());
  CHECK(client.error().find("login failed") != std::string::npos);
  CHECK(store.folder("alice", "INBOX")->messages.size() == 1);
  bool saw_masked = false;
  while (auto event = client.poll_event()) {
    CHECK(event->text.find("wrong") == std::string::npos);
    if (event->text == "PASS ********") saw_masked = true;
  }
  CHECK(saw_masked);
}

TEST_CASE("POP3 client: a STAT count no maildrop has ends the fetch instead of listing it", "[pop3][client_session]") {
  pop3::ClientOptions options;
  options.user = "alice";
  options.password = "secret";
  pop3::ClientSession client(options);
  client.handle_bytes("+OK ready\r\n+OK\r\n+OK\r\n+OK 4000000000 1\r\n-ERR no UIDL\r\n");
  CHECK(client.failed());
  CHECK(client.error() == "STAT reports 4000000000 messages, more than this client fetches (100000)");
}

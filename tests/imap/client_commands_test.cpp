// The lower-level IMAP client (CommandRunner) and ClientSession's LIST/APPEND/EXPUNGE operations,
// against the in-memory server session and store.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/client_responses.h"
#include "protocols/imap/client_session.h"
#include "protocols/imap/command_runner.h"

using namespace maillab;
using namespace maillab::imap::testing;

namespace {

const std::string sent_copy = "From: bob@example.net\r\nTo: alice@example.org\r\nSubject: Re: Lunch\r\n\r\nYes.\r\n";

}  // namespace

TEST_CASE("CommandRunner logs in, then LIST names every selectable folder", "[imap][client]") {
  Fixture f;
  REQUIRE(f.store.create_folder("bob", "Archive/2024") == store::Status::ok);
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  std::vector<imap::Event> events;
  runner.on_event = [&](imap::Event event) { events.push_back(event); };
  std::vector<std::string> folders;
  std::string status;
  runner.command("LIST \"\" \"*\"", [&](const imap::CommandCompletion& done) {
    status = done.status;
    for (const auto& line : done.untagged)
      if (auto name = imap::read_list_name(line)) folders.push_back(*name);
  });
  CHECK(runner.poll_output().empty());  // nothing before the greeting
  run(runner, server);
  CHECK(runner.logged_in());
  CHECK(runner.idle());
  CHECK(status == "OK");
  for (const char* name : {"INBOX", "Sent", "Junk", "Drafts", "Trash", "Archive", "Archive/2024"})
    CHECK(std::find(folders.begin(), folders.end(), name) != folders.end());
  // The password never reaches the trace events.
  bool saw_masked_login = false;
  for (const auto& event : events) {
    CHECK(event.text.find("hunter2") == std::string::npos);
    if (event.kind == imap::EventKind::command_sent && event.text == "A1 LOGIN \"bob\" ********") saw_masked_login = true;
  }
  CHECK(saw_masked_login);
}

TEST_CASE("CommandRunner APPEND with a LITERAL+ literal stores the message with its flags", "[imap][client]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  std::string status;
  runner.command("APPEND Sent (\\Seen) {" + std::to_string(sent_copy.size()) + "+}\r\n" + sent_copy,
                 [&](const imap::CommandCompletion& done) { status = done.status; });
  run(runner, server);
  CHECK(status == "OK");
  const auto* sent = f.store.folder("bob", "Sent");
  REQUIRE(sent->messages.size() == 1);
  CHECK(sent->messages[0].bytes == sent_copy);
  CHECK(sent->messages[0].flags == store::flag_seen);

  // Read back with a literal in the response: framing keeps the bytes intact.
  std::optional<imap::FetchedItems> fetched;
  runner.command("SELECT Sent");
  runner.command("UID FETCH 1:* (UID FLAGS BODY.PEEK[])", [&](const imap::CommandCompletion& done) {
    for (const auto& line : done.untagged)
      if (auto items = imap::read_fetch(line)) fetched = items;
  });
  run(runner, server);
  REQUIRE(fetched);
  CHECK(fetched->uid == sent->messages[0].uid);
  CHECK(fetched->body == sent_copy);
  CHECK(fetched->flags == std::vector<std::string>{"\\Seen"});
}

TEST_CASE("CommandRunner STORE \\Deleted then EXPUNGE removes the message and reports EXPUNGE", "[imap][client]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  std::vector<std::string> untagged_seen;
  runner.on_untagged = [&](const std::string& line) { untagged_seen.push_back(line); };
  std::optional<std::uint32_t> exists;
  std::vector<std::uint32_t> expunged;
  std::string status;
  runner.command("SELECT INBOX", [&](const imap::CommandCompletion& done) {
    for (const auto& line : done.untagged)
      if (auto n = imap::read_exists(line)) exists = n;
    // Commands queued from a callback run next, in order.
    runner.command("UID STORE 1 +FLAGS.SILENT (\\Deleted)");
    runner.command("EXPUNGE", [&](const imap::CommandCompletion& expunge) {
      status = expunge.status;
      for (const auto& line : expunge.untagged)
        if (auto n = imap::read_expunge(line)) expunged.push_back(*n);
    });
  });
  run(runner, server);
  CHECK(exists == 2u);
  CHECK(status == "OK");
  CHECK(expunged == std::vector<std::uint32_t>{1});
  CHECK(std::find(untagged_seen.begin(), untagged_seen.end(), "1 EXPUNGE") != untagged_seen.end());
  const auto* inbox = f.store.folder("bob", "INBOX");
  REQUIRE(inbox->messages.size() == 1);
  CHECK(inbox->messages[0].uid == 2);

  std::string logout_status;
  runner.command("LOGOUT", [&](const imap::CommandCompletion& done) { logout_status = done.status; });
  run(runner, server);
  CHECK(logout_status == "OK");
  CHECK(runner.logged_out());
  CHECK_FALSE(runner.failed());
  runner.handle_close();  // the server closing after LOGOUT is not a failure
  CHECK_FALSE(runner.failed());
}

TEST_CASE("CommandRunner failures reach every waiting command once", "[imap][client]") {
  SECTION("login refused") {
    Fixture f;
    imap::ServerSession server(f.store);
    imap::CommandRunner runner("bob", "wrong");
    int aborted = 0;
    runner.command("LIST \"\" \"*\"", [&](const imap::CommandCompletion& done) { aborted += done.aborted(); });
    runner.command("NOOP", [&](const imap::CommandCompletion& done) { aborted += done.aborted(); });
    run(runner, server);
    CHECK(runner.failed());
    CHECK(aborted == 2);
    CHECK(runner.error().find("login refused") != std::string::npos);
    CHECK(runner.error().find("AUTHENTICATIONFAILED") != std::string::npos);
    bool late_aborted = false;
    runner.command("NOOP", [&](const imap::CommandCompletion& done) { late_aborted = done.aborted(); });
    CHECK(late_aborted);
    CHECK(runner.poll_output().empty());
  }
  SECTION("greeting refused") {
    imap::CommandRunner runner("bob", "hunter2");
    runner.handle_bytes("* BYE too busy\r\n");
    CHECK(runner.failed());
    CHECK(runner.poll_output().empty());
  }
  SECTION("connection closed mid-response, and an unsolicited BYE") {
    imap::CommandRunner runner("bob", "hunter2");
    bool aborted = false;
    runner.command("NOOP", [&](const imap::CommandCompletion& done) { aborted = done.aborted(); });
    runner.handle_bytes("* OK ready\r\nA1 OK logged in\r\n* 1 FETCH (BODY[] {40}\r\npartial");
    CHECK(runner.logged_in());
    runner.handle_close();
    CHECK(runner.failed());
    CHECK(aborted);

    imap::CommandRunner other("bob", "hunter2");
    other.command("NOOP");
    other.handle_bytes("* OK ready\r\nA1 OK logged in\r\n* BYE autologout\r\n");
    CHECK(other.failed());
    CHECK(other.error().find("autologout") != std::string::npos);
  }
  SECTION("a tagged reply for another tag is reported, not taken") {
    imap::CommandRunner runner("bob", "hunter2");
    std::vector<imap::Event> events;
    runner.on_event = [&](imap::Event event) { events.push_back(event); };
    runner.handle_bytes("* OK ready\r\nZ9 OK what\r\n");
    CHECK_FALSE(runner.failed());
    CHECK_FALSE(runner.logged_in());
    CHECK(std::any_of(events.begin(), events.end(),
                      [](const imap::Event& event) { return event.kind == imap::EventKind::error; }));
  }
}

TEST_CASE("IMAP response readers", "[imap][client]") {
  CHECK(imap::read_list_name("LIST (\\HasNoChildren) \"/\" Archive") == std::string("Archive"));
  CHECK(imap::read_list_name("LIST (\\HasNoChildren \\Sent) \"/\" \"My Sent\"") == std::string("My Sent"));
  CHECK_FALSE(imap::read_list_name("LIST (\\Noselect) \"/\" \"\""));
  CHECK_FALSE(imap::read_list_name("LSUB () \"/\" Archive"));
  CHECK(imap::read_exists("12 EXISTS") == 12u);
  CHECK_FALSE(imap::read_exists("12 RECENT"));
  CHECK_FALSE(imap::read_exists("EXISTS"));
  CHECK_FALSE(imap::read_exists("4294967296 EXISTS"));  // past RFC 3501's 32-bit number
  CHECK_FALSE(imap::read_exists("-1 EXISTS"));
  CHECK(imap::read_expunge("3 EXPUNGE") == 3u);
  CHECK(imap::read_uid_validity("OK [UIDVALIDITY 77] UIDs valid") == 77u);
  CHECK(imap::read_search("SEARCH 2 5 9") == std::vector<std::uint32_t>{2, 5, 9});
  CHECK(imap::read_search("SEARCH") == std::vector<std::uint32_t>{});
  CHECK_FALSE(imap::read_search("SEARCHING"));
  auto fetched = imap::read_fetch("4 FETCH (UID 9 FLAGS (\\Seen \\Recent) RFC822.SIZE 5 BODY[] {5}\r\nhello)");
  REQUIRE(fetched);
  CHECK(fetched->sequence == 4);
  CHECK(fetched->uid == 9u);
  CHECK(fetched->flags == std::vector<std::string>{"\\Seen"});
  CHECK(fetched->size == 5u);
  CHECK(fetched->body == std::string("hello"));
  std::string error;
  CHECK_FALSE(imap::read_fetch("4 FETCH (UID", &error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(imap::read_fetch("4 EXISTS"));
  CHECK_FALSE(imap::read_fetch("88888888888888888888 FETCH (UID 2)", &error));
  CHECK(error == "message number 88888888888888888888 is not a 32-bit number");
  CHECK_FALSE(imap::read_fetch("4 FETCH (UID 4294967296)", &error));
  CHECK(imap::read_search("SEARCH 1 x 3") == std::nullopt);
  CHECK(imap::read_uid_validity("OK [UIDVALIDITY 99999999999] UIDs valid") == std::nullopt);
}

TEST_CASE("IMAP client session: list_folders, append to Sent, expunge", "[imap][client]") {
  Fixture f;
  REQUIRE(f.store.create_folder("bob", "Receipts") == store::Status::ok);
  imap::ServerSession server(f.store);
  imap::ClientSession client({"bob", "hunter2", "INBOX", true});
  client.list_folders();
  client.append("Sent", sent_copy, "\\Seen");
  client.sync();
  run(client, server);
  CHECK_FALSE(client.busy());
  const auto& folders = client.folders();
  CHECK(std::find(folders.begin(), folders.end(), "Receipts") != folders.end());
  CHECK(std::find(folders.begin(), folders.end(), "INBOX") != folders.end());
  REQUIRE(f.store.folder("bob", "Sent")->messages.size() == 1);
  CHECK(f.store.folder("bob", "Sent")->messages[0].bytes == sent_copy);
  CHECK(f.store.folder("bob", "Sent")->messages[0].flags == store::flag_seen);
  REQUIRE(client.messages().size() == 2);

  // Deleted elsewhere is only marked; this client's EXPUNGE removes it, here and on the server.
  REQUIRE(f.store.change_flags("bob", "INBOX", 1, store::MailStore::FlagChange::add, store::flag_deleted) == store::Status::ok);
  client.expunge();
  run(client, server);
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 1);
  CHECK(client.messages().size() == 1);
  CHECK(client.messages().count(2) == 1);
  bool saw_done = false;
  while (auto event = client.poll_event())
    if (event->kind == imap::EventKind::operation_done && event->text == "expunge INBOX") saw_done = true;
  CHECK(saw_done);

  client.append("Nowhere", sent_copy);  // NO [TRYCREATE]: an error event, the session goes on
  client.logout();
  run(client, server);
  bool saw_append_error = false;
  while (auto event = client.poll_event())
    if (event->kind == imap::EventKind::error && event->text.find("append to Nowhere failed: NO") == 0) saw_append_error = true;
  CHECK(saw_append_error);
  CHECK(client.finished());
  CHECK_FALSE(client.failed());
}

TEST_CASE("IMAP client session ignores message numbers no mailbox has, without allocating for them", "[imap][client][limits]") {
  // Found by fuzz_imap_client: a FETCH numbered 4294967295 resized the sequence table to 16 GB.
  imap::ClientSession client({"bob", "hunter2", "INBOX", false});
  client.sync();
  (void)client.poll_output();
  client.handle_bytes("* OK IMAP4rev1 ready\r\n");
  client.handle_bytes("* 4000000000 EXISTS\r\n* 4294967295 FETCH (UID 7 FLAGS (\\Seen))\r\n");
  std::vector<std::string> errors;
  while (auto event = client.poll_event())
    if (event->kind == imap::EventKind::error) errors.push_back(event->text);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("server reports 4000000000 messages, more than this client tracks") == 0);
  CHECK(errors[1].find("FETCH for message 4294967295") == 0);
  CHECK(client.messages().empty());
}

TEST_CASE("IMAP client session expunge selects the mailbox first", "[imap][client]") {
  Fixture f;
  REQUIRE(f.store.change_flags("bob", "INBOX", 2, store::MailStore::FlagChange::add, store::flag_deleted) == store::Status::ok);
  imap::ServerSession server(f.store);
  imap::ClientSession client({"bob", "hunter2", "INBOX", true});
  client.expunge();
  run(client, server);
  CHECK_FALSE(client.failed());
  REQUIRE(f.store.folder("bob", "INBOX")->messages.size() == 1);
  CHECK(f.store.folder("bob", "INBOX")->messages[0].uid == 1);
}

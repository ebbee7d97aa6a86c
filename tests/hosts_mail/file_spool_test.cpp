// The mail spool on disk (engine/hosts/mailbox/file_spool.h) behind the mailbox store: what is
// read back is what was delivered, POP3 and IMAP serve spooled mail as they serve mail in memory,
// and a spool that cannot take a message says so (the MDA defers), never crashes.

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "engine/hosts/mailbox/file_spool.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "protocols/pop3/server_session.h"
#include "tests/support/imap_session_driver.h"

using namespace maillab;

namespace {

std::shared_ptr<engine::FileSpool> open_spool(std::uint64_t capacity = engine::FileSpool::default_capacity) {
  engine::FileSpool::Opened opened = engine::FileSpool::open({}, capacity);
  INFO(opened.error);
  REQUIRE(opened.spool);
  return opened.spool;
}

// Two stores with the same mail, one in memory and one spooled.
struct TwoStores {
  store::MailStore memory, spooled;
  TwoStores() {
    spooled.set_spool(open_spool());
    for (store::MailStore* s : {&memory, &spooled}) {
      s->add_user("bob", "hunter2");
      s->deliver("bob", "INBOX", imap::testing::message_one, 1700000000);
      s->deliver("bob", "INBOX", imap::testing::message_two, 1700000100);
    }
  }
};

std::string exchange(pop3::ServerSession& session, const std::string& command) {
  session.handle_bytes(command);
  return session.poll_output();
}

}  // namespace

TEST_CASE("spooled bytes read back identical, and nothing is left on disk", "[spool]") {
  const std::filesystem::path parent = std::filesystem::temp_directory_path() / "maillab-spool-test";
  std::filesystem::remove_all(parent);
  std::filesystem::create_directory(parent);
  {
    engine::FileSpool::Opened opened = engine::FileSpool::open(parent.string());
    REQUIRE(opened.spool);
    // The file is unlinked and its directory removed as soon as it is open.
    CHECK(std::filesystem::is_empty(parent));
    std::string binary(70000, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7 + i / 251);
    const std::vector<std::string> messages = {"From: a@x\r\n\r\nhello\r\n", "", binary, std::string(5, '.')};
    std::vector<std::string_view> stored;
    for (const auto& m : messages) {
      auto result = opened.spool->append(m);
      REQUIRE(result.error.empty());
      stored.push_back(result.bytes);
    }
    for (std::size_t i = 0; i < messages.size(); ++i) CHECK(stored[i] == messages[i]);
    CHECK(opened.spool->messages_stored() == 4);
    CHECK(opened.spool->bytes_stored() == messages[0].size() + 70000 + 5);
  }
  std::filesystem::remove_all(parent);
}

TEST_CASE("a spool in a directory that does not exist is a clear error", "[spool]") {
  engine::FileSpool::Opened opened = engine::FileSpool::open("/nonexistent-maillab-dir/spool");
  CHECK_FALSE(opened.spool);
  CHECK(opened.error.find("mail spool: cannot make a directory in /nonexistent-maillab-dir/spool") == 0);
  CHECK(opened.error.find("No such file or directory") != std::string::npos);
}

TEST_CASE("the store keeps spooled messages out of memory and copies them by reference", "[spool][store]") {
  TwoStores stores;
  const store::Folder* inbox = stores.spooled.folder("bob", "INBOX");
  REQUIRE(inbox->messages.size() == 2);
  CHECK(inbox->messages[0].bytes.in_spool());
  CHECK(inbox->messages[0].bytes == imap::testing::message_one);
  CHECK(inbox->messages[1].bytes.text() == imap::testing::message_two);
  CHECK(stores.spooled.used_bytes("bob") == stores.memory.used_bytes("bob"));
  CHECK_FALSE(stores.memory.folder("bob", "INBOX")->messages[0].bytes.in_spool());
  std::vector<std::uint32_t> uids;
  REQUIRE(stores.spooled.copy_messages("bob", "INBOX", {1, 2}, "Trash", &uids) == store::Status::ok);
  const store::Folder* trash = stores.spooled.folder("bob", "Trash");
  REQUIRE(trash->messages.size() == 2);
  CHECK(trash->messages[1].bytes == imap::testing::message_two);
  CHECK(trash->messages[1].bytes.view().data() == inbox->messages[1].bytes.view().data());  // not written again
}

TEST_CASE("POP3 RETR and TOP from a spooled mailbox answer as from memory", "[spool][pop3]") {
  TwoStores stores;
  std::string answers[2];
  store::MailStore* both[2] = {&stores.memory, &stores.spooled};
  for (int i = 0; i < 2; ++i) {
    pop3::ServerSession session(*both[i]);
    session.poll_output();
    for (const char* command : {"USER bob\r\n", "PASS hunter2\r\n", "STAT\r\n", "RETR 1\r\n", "TOP 2 0\r\n", "RETR 2\r\n"})
      answers[i] += exchange(session, command);
  }
  CHECK(answers[1].find("Message-ID: <1@example.org>\r\n\r\nShall we meet at noon?\r\n.\r\n") != std::string::npos);
  CHECK(answers[1] == answers[0]);
}

TEST_CASE("IMAP FETCH and SEARCH on a spooled mailbox answer as from memory", "[spool][imap]") {
  TwoStores stores;
  std::string answers[2];
  store::MailStore* both[2] = {&stores.memory, &stores.spooled};
  for (int i = 0; i < 2; ++i) {
    imap::ServerSession session(*both[i]);
    imap::testing::login_and_select(session);
    answers[i] += imap::testing::say(session, "f1 FETCH 1:2 (RFC822.SIZE BODY.PEEK[] ENVELOPE BODYSTRUCTURE)\r\n");
    answers[i] += imap::testing::say(session, "f2 FETCH 2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n");
    answers[i] += imap::testing::say(session, "s1 SEARCH TEXT noon\r\n");
    answers[i] += imap::testing::say(session, "s2 SEARCH LARGER 90\r\n");
  }
  CHECK(answers[1].find("BODY[] {" + std::to_string(imap::testing::message_one.size()) + "}\r\n" +
                        imap::testing::message_one) != std::string::npos);
  CHECK(answers[1].find("* SEARCH 1\r\n") != std::string::npos);
  CHECK(answers[1] == answers[0]);
}

TEST_CASE("a full spool refuses the message with the reason, and the MDA reports a failure", "[spool][store]") {
  engine::MailboxService mailboxes({"example.net"});
  mailboxes.store().add_user("bob", "hunter2");
  mailboxes.store().set_spool(open_spool(100));
  const std::string small = "Subject: fits\r\n\r\nok\r\n";
  CHECK(mailboxes.deliver("bob@example.net", "INBOX", small, 0).status == engine::LocalDelivery::Status::delivered);
  const engine::LocalDelivery refused = mailboxes.deliver("bob@example.net", "INBOX", std::string(200, 'x'), 0);
  CHECK(refused.status == engine::LocalDelivery::Status::failed);
  CHECK(refused.detail == "bob: mail spool full: 21 of 100 bytes used, 200 more do not fit");
  // Nothing half-stored: the mailbox holds the one message, and the next one that fits goes in.
  CHECK(mailboxes.store().folder("bob", "INBOX")->messages.size() == 1);
  CHECK(mailboxes.deliver("bob@example.net", "INBOX", small, 0).status == engine::LocalDelivery::Status::delivered);
  CHECK(mailboxes.store().folder("bob", "INBOX")->messages[1].bytes == small);
}

TEST_CASE("a write the file system refuses is reported with its error", "[spool][store]") {
  auto spool = open_spool();
  store::MailStore store;
  store.add_user("bob", "pw");
  store.set_spool(spool);
  // The file may not grow past 64 bytes (RLIMIT_FSIZE): pwrite then fails with EFBIG, as a full
  // disk fails with ENOSPC. SIGXFSZ would end the process; ignored, the write returns the error.
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 64;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  const store::DeliveryResult fits = store.deliver("bob", "INBOX", std::string(40, 'a'), 0);
  const store::DeliveryResult refused = store.deliver("bob", "INBOX", std::string(40, 'b'), 0);
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  CHECK(fits.status == store::Status::ok);
  CHECK(refused.status == store::Status::storage_failed);
  CHECK(refused.detail.find("writing 40 bytes at 40 failed after 24: File too large") != std::string::npos);
  REQUIRE(store.folder("bob", "INBOX")->messages.size() == 1);
  // The next message goes where the refused one would have: what was read back stays right.
  const store::DeliveryResult after = store.deliver("bob", "INBOX", std::string(30, 'c'), 0);
  CHECK(after.status == store::Status::ok);
  CHECK(store.folder("bob", "INBOX")->messages[0].bytes == std::string(40, 'a'));
  CHECK(store.folder("bob", "INBOX")->messages[1].bytes == std::string(30, 'c'));
}

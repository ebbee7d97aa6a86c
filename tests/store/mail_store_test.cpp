#include <catch2/catch.hpp>

#include "protocols/store/mail_store.h"

using namespace maillab::store;

namespace {
const std::string message_a = "From: a@x\r\nSubject: A\r\n\r\nbody A\r\n";
const std::string message_b = "From: b@x\r\nSubject: B\r\n\r\nbody B\r\n";
}  // namespace

TEST_CASE("users get the default folders and passwords are checked", "[store][mail_store]") {
  MailStore store;
  REQUIRE(store.add_user("alice", "secret"));
  REQUIRE_FALSE(store.add_user("ALICE", "other"));  // names are case-insensitive
  CHECK(store.folder_names("alice") == std::vector<std::string>{"INBOX", "Drafts", "Junk", "Sent", "Trash"});
  CHECK(store.check_password("Alice", "secret"));
  CHECK_FALSE(store.check_password("alice", "wrong"));
  CHECK_FALSE(store.check_password("bob", "secret"));
  CHECK(store.folder("alice", "inbox") != nullptr);  // INBOX in any case
}

TEST_CASE("UIDs are strictly ascending and never reused across expunge", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  CHECK(store.deliver("alice", "INBOX", message_a, 100).uid == 1);
  CHECK(store.deliver("alice", "INBOX", message_b, 101).uid == 2);
  REQUIRE(store.change_flags("alice", "INBOX", 2, MailStore::FlagChange::add, flag_deleted) == Status::ok);
  CHECK(store.expunge("alice", "INBOX") == std::vector<std::uint32_t>{2});
  CHECK(store.deliver("alice", "INBOX", message_b, 102).uid == 3);
  const Folder* inbox = store.folder("alice", "INBOX");
  REQUIRE(inbox->messages.size() == 2);
  CHECK(inbox->messages[0].uid == 1);
  CHECK(inbox->messages[1].uid == 3);
  CHECK(inbox->uid_next == 4);
  CHECK(inbox->messages[1].internal_date == 102);
}

TEST_CASE("UIDVALIDITY differs between folders and changes when a folder is recreated", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  const std::uint32_t inbox = store.folder("alice", "INBOX")->uid_validity;
  const std::uint32_t sent = store.folder("alice", "Sent")->uid_validity;
  CHECK(inbox != sent);
  REQUIRE(store.create_folder("alice", "Work") == Status::ok);
  const std::uint32_t first = store.folder("alice", "Work")->uid_validity;
  store.deliver("alice", "Work", message_a, 1);
  REQUIRE(store.delete_folder("alice", "Work") == Status::ok);
  REQUIRE(store.create_folder("alice", "Work") == Status::ok);
  CHECK(store.folder("alice", "Work")->uid_validity != first);
  CHECK(store.folder("alice", "Work")->messages.empty());
}

TEST_CASE("quota refuses a delivery with a clear result", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw", 60);
  CHECK(store.deliver("alice", "INBOX", message_a, 1).status == Status::ok);
  const DeliveryResult refused = store.deliver("alice", "INBOX", message_b, 2);
  CHECK(refused.status == Status::quota_exceeded);
  CHECK(refused.detail.find("quota exceeded") != std::string::npos);
  CHECK(store.folder("alice", "INBOX")->messages.size() == 1);
  CHECK(store.copy_messages("alice", "INBOX", {1}, "Sent") == Status::quota_exceeded);
  CHECK(store.move_messages("alice", "INBOX", {1}, "Sent") == Status::ok);  // a move does not grow
  CHECK(store.deliver("bob", "INBOX", message_a, 1).status == Status::no_such_user);
  CHECK(store.deliver("alice", "Nope", message_a, 1).status == Status::no_such_folder);
}

TEST_CASE("aliases expand to local users, forwards are returned for re-injection", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.add_user("bob", "pw");
  REQUIRE(store.add_alias("team", {"alice", "bob", "alice"}));
  REQUIRE(store.add_alias("postmaster", {"team", "ops@elsewhere.example"}));
  REQUIRE_FALSE(store.add_alias("alice", {"bob"}));
  Recipients r = store.resolve("postmaster");
  CHECK(r.found);
  CHECK(r.local_users == std::vector<std::string>{"alice", "bob"});
  CHECK(r.forward_to == std::vector<std::string>{"ops@elsewhere.example"});
  CHECK_FALSE(store.resolve("nobody").found);

  store.set_forward("bob", {"bob@gmail.example"}, false);
  RecipientDelivery d = store.deliver_to("team", message_a, 5);
  REQUIRE(d.deliveries.size() == 1);
  CHECK(d.deliveries[0].first == "alice");
  CHECK(d.forward_to == std::vector<std::string>{"bob@gmail.example"});
  CHECK(store.folder("bob", "INBOX")->messages.empty());

  store.set_forward("bob", {"bob@gmail.example"}, true);  // keep a local copy too
  d = store.deliver_to("bob", message_a, 6);
  REQUIRE(d.deliveries.size() == 1);
  CHECK(d.forward_to.size() == 1);
  CHECK(store.folder("bob", "INBOX")->messages.size() == 1);
}

TEST_CASE("a delivery to an alias of two users keeps one text for both, alive after the caller let go",
          "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.add_user("bob", "pw");
  REQUIRE(store.add_alias("team", {"alice", "bob"}));
  auto text = std::make_shared<const std::string>(message_a);
  RecipientDelivery d = store.deliver_to("team", MessageBytes::shared(text), 5);
  REQUIRE(d.deliveries.size() == 2);
  CHECK(text.use_count() == 3);  // the caller's and each mailbox's: no copy per user
  text.reset();
  const Message& alice = store.folder("alice", "INBOX")->messages.at(0);
  const Message& bob = store.folder("bob", "INBOX")->messages.at(0);
  CHECK(alice.bytes == message_a);
  CHECK(bob.bytes == message_a);
  CHECK(alice.bytes.view().data() == bob.bytes.view().data());
  // An expunge in one mailbox leaves the other's message whole.
  REQUIRE(store.change_flags("alice", "INBOX", alice.uid, MailStore::FlagChange::add, flag_deleted) == Status::ok);
  store.expunge("alice", "INBOX");
  CHECK(store.folder("alice", "INBOX")->messages.empty());
  CHECK(store.folder("bob", "INBOX")->messages.at(0).bytes == message_a);
}

TEST_CASE("alias loops terminate", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.add_alias("a", {"b"});
  store.add_alias("b", {"a", "alice"});
  Recipients r = store.resolve("a");
  CHECK(r.local_users == std::vector<std::string>{"alice"});
}

TEST_CASE("folders: create with superiors, rename with children, delete rules", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  REQUIRE(store.create_folder("alice", "Projects/2024/Q1") == Status::ok);
  CHECK(store.folder("alice", "Projects") != nullptr);
  CHECK(store.folder("alice", "Projects/2024") != nullptr);
  CHECK(store.create_folder("alice", "Projects") == Status::folder_exists);
  CHECK(store.create_folder("alice", "bad//name") == Status::invalid_name);
  CHECK(store.delete_folder("alice", "Projects") == Status::has_children);
  CHECK(store.delete_folder("alice", "inbox") == Status::cannot_delete_inbox);
  store.deliver("alice", "Projects/2024/Q1", message_a, 1);
  REQUIRE(store.rename_folder("alice", "Projects", "Archive") == Status::ok);
  CHECK(store.folder("alice", "Projects") == nullptr);
  REQUIRE(store.folder("alice", "Archive/2024/Q1") != nullptr);
  CHECK(store.folder("alice", "Archive/2024/Q1")->messages.size() == 1);
  CHECK(store.rename_folder("alice", "Archive", "Sent") == Status::folder_exists);
  CHECK(store.rename_folder("alice", "Nope", "X") == Status::no_such_folder);
}

TEST_CASE("renaming INBOX moves its messages and leaves it empty", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.deliver("alice", "INBOX", message_a, 1);
  REQUIRE(store.rename_folder("alice", "INBOX", "Old") == Status::ok);
  CHECK(store.folder("alice", "INBOX")->messages.empty());
  CHECK(store.folder("alice", "Old")->messages.size() == 1);
}

TEST_CASE("copy and move keep flags and give new ascending UIDs", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.deliver("alice", "INBOX", message_a, 1, flag_flagged);
  store.deliver("alice", "INBOX", message_b, 2);
  std::vector<std::uint32_t> new_uids;
  REQUIRE(store.copy_messages("alice", "INBOX", {1, 2}, "Trash", &new_uids) == Status::ok);
  CHECK(new_uids == std::vector<std::uint32_t>{1, 2});
  CHECK(store.message("alice", "Trash", 1)->flags == flag_flagged);
  REQUIRE(store.move_messages("alice", "INBOX", {2}, "Trash", &new_uids) == Status::ok);
  CHECK(new_uids == std::vector<std::uint32_t>{3});
  CHECK(store.folder("alice", "INBOX")->messages.size() == 1);
  CHECK(store.copy_messages("alice", "INBOX", {1}, "Nope") == Status::no_such_folder);
}

TEST_CASE("\\Recent is claimed once", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  store.deliver("alice", "INBOX", message_a, 1);
  CHECK(store.claim_recent("alice", "INBOX", 1));
  CHECK_FALSE(store.claim_recent("alice", "INBOX", 1));
}

TEST_CASE("change counter and observers see every mutation", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  std::vector<Change> seen;
  const int id = store.add_observer([&](const Change& c) { seen.push_back(c); });
  const std::uint64_t before = store.change_counter("alice");
  store.deliver("alice", "INBOX", message_a, 1);
  store.change_flags("alice", "INBOX", 1, MailStore::FlagChange::add, flag_seen);
  store.change_flags("alice", "INBOX", 1, MailStore::FlagChange::add, flag_seen);  // no change
  store.remove_messages("alice", "INBOX", {1});
  CHECK(store.change_counter("alice") == before + 3);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].kind == Change::Kind::delivered);
  CHECK(seen[1].kind == Change::Kind::flags);
  CHECK(seen[2].kind == Change::Kind::expunged);
  CHECK(seen[2].folder == "INBOX");
  store.remove_observer(id);
  store.deliver("alice", "INBOX", message_a, 1);
  CHECK(seen.size() == 3);
}

TEST_CASE("the POP3 maildrop lock admits one holder", "[store][mail_store]") {
  MailStore store;
  store.add_user("alice", "pw");
  CHECK(store.lock_maildrop("alice"));
  CHECK_FALSE(store.lock_maildrop("alice"));
  CHECK(store.maildrop_locked("alice"));
  store.unlock_maildrop("alice");
  CHECK(store.lock_maildrop("alice"));
  CHECK_FALSE(store.lock_maildrop("nobody"));
}

TEST_CASE("flag helpers", "[store][mail_store]") {
  CHECK(flags_to_text(flag_deleted | flag_seen) == "\\Seen \\Deleted");
  CHECK(flag_from_name("\\SEEN") == flag_seen);
  CHECK_FALSE(flag_from_name("\\Recent").has_value());
}

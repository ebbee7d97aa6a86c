#include <set>

#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"

using namespace maillab;
using namespace maillab::imap::testing;
using imap::ServerSession;
using imap::ServerState;

TEST_CASE("IMAP greeting, CAPABILITY and LOGIN", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  CHECK(session.poll_output() ==
        "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UNSELECT UIDPLUS AUTH=PLAIN SASL-IR] imap.example IMAP4rev1 ready\r\n");
  CHECK(say(session, "a1 CAPABILITY\r\n") ==
        "* CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UNSELECT UIDPLUS AUTH=PLAIN SASL-IR\r\na1 OK CAPABILITY completed\r\n");
  CHECK(say(session, "a2 LOGIN bob wrong\r\n") == "a2 NO [AUTHENTICATIONFAILED] invalid user name or password\r\n");
  CHECK(say(session, "a3 SELECT INBOX\r\n") == "a3 NO not authenticated: LOGIN first\r\n");
  CHECK(say(session, "a4 LOGIN bob \"hunter2\"\r\n") ==
        "a4 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UNSELECT UIDPLUS] LOGIN completed\r\n");
  CHECK(session.state() == ServerState::authenticated);
  CHECK(say(session, "a5 LOGIN bob hunter2\r\n") == "a5 NO already authenticated\r\n");
  CHECK(say(session, "a6 LOGOUT\r\n") == "* BYE imap.example IMAP4rev1 server logging out\r\na6 OK LOGOUT completed\r\n");
  CHECK(session.closed());
}

TEST_CASE("IMAP LOGIN with a synchronizing literal password and with LITERAL+", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "a1 LOGIN bob {7}\r\n") == "+ Ready for literal data\r\n");
  CHECK(say(session, "hunt") == "");
  CHECK(say(session, "er2\r\n").rfind("a1 OK ", 0) == 0);

  ServerSession other(f.store);
  other.poll_output();
  CHECK(say(other, "b1 LOGIN {3+}\r\nbob {7+}\r\nhunter2\r\n").rfind("b1 OK ", 0) == 0);
  bool masked = false;
  while (auto event = other.poll_event()) {
    CHECK(event->text.find("hunter2") == std::string::npos);
    if (event->text == "b1 LOGIN bob ********") masked = true;
  }
  CHECK(masked);
}

TEST_CASE("IMAP AUTHENTICATE PLAIN with continuation and with an initial response", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "a1 AUTHENTICATE PLAIN\r\n") == "+ \r\n");
  // base64("\0bob\0hunter2")
  CHECK(say(session, "AGJvYgBodW50ZXIy\r\n") == "a1 OK AUTHENTICATE completed\r\n");
  ServerSession other(f.store);
  other.poll_output();
  CHECK(say(other, "b1 AUTHENTICATE PLAIN AGJvYgB3cm9uZw==\r\n") ==
        "b1 NO [AUTHENTICATIONFAILED] invalid user name or password\r\n");
  CHECK(say(other, "b2 AUTHENTICATE PLAIN\r\n") == "+ \r\n");
  CHECK(say(other, "*\r\n") == "b2 BAD authentication cancelled\r\n");
  CHECK(say(other, "b3 AUTHENTICATE CRAM-MD5\r\n") == "b3 NO [CANNOT] unsupported mechanism (only PLAIN)\r\n");
}

TEST_CASE("IMAP SELECT reports EXISTS, RECENT, FLAGS, UNSEEN, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT", "[imap][server_session]") {
  Fixture f;
  f.store.change_flags("bob", "INBOX", 1, store::MailStore::FlagChange::add, store::flag_seen);
  ServerSession session(f.store);
  login(session);
  const std::string validity = std::to_string(f.store.folder("bob", "INBOX")->uid_validity);
  CHECK(say(session, "a1 SELECT inbox\r\n") ==
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        "* 2 EXISTS\r\n"
        "* 2 RECENT\r\n"
        "* OK [UNSEEN 2] message 2 is the first unseen\r\n"
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] flags permitted\r\n"
        "* OK [UIDVALIDITY " + validity + "] UIDs valid\r\n"
        "* OK [UIDNEXT 3] predicted next UID\r\n"
        "a1 OK [READ-WRITE] SELECT completed\r\n");
  CHECK(session.state() == ServerState::selected);
  // A second session sees no \Recent: the first one claimed them.
  ServerSession second(f.store);
  login(second);
  const std::string examine = say(second, "b1 EXAMINE INBOX\r\n");
  CHECK(examine.find("* 0 RECENT\r\n") != std::string::npos);
  CHECK(examine.find("[PERMANENTFLAGS ()]") != std::string::npos);
  CHECK(examine.find("b1 OK [READ-ONLY] EXAMINE completed\r\n") != std::string::npos);
  CHECK(say(second, "b2 STORE 1 +FLAGS (\\Flagged)\r\n") == "b2 NO [READ-ONLY] mailbox is read-only (EXAMINE)\r\n");
  CHECK(say(second, "b3 SELECT Nope\r\n") == "b3 NO [NONEXISTENT] no such mailbox\r\n");
  CHECK(second.state() == ServerState::authenticated);  // a failed SELECT deselects
}

TEST_CASE("IMAP FETCH FLAGS, UID, RFC822.SIZE, INTERNALDATE, ENVELOPE", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE)\r\n") ==
        "* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE " + std::to_string(message_one.size()) +
            " INTERNALDATE \"14-Nov-2023 22:13:20 +0000\")\r\na1 OK FETCH completed\r\n");
  CHECK(say(session, "a2 FETCH 2 ENVELOPE\r\n") ==
        "* 2 FETCH (ENVELOPE (NIL \"Report\" ((NIL NIL \"carol\" \"example.com\")) "
        "((NIL NIL \"carol\" \"example.com\")) ((NIL NIL \"carol\" \"example.com\")) "
        "((NIL NIL \"bob\" \"example.net\")) NIL NIL NIL NIL))\r\na2 OK FETCH completed\r\n");
  CHECK(say(session, "a3 FETCH 1:* FAST\r\n").find("* 2 FETCH (FLAGS (\\Recent) INTERNALDATE") != std::string::npos);
  CHECK(say(session, "a4 UID FETCH 2 FLAGS\r\n") == "* 2 FETCH (UID 2 FLAGS (\\Recent))\r\na4 OK UID FETCH completed\r\n");
  CHECK(say(session, "a5 UID FETCH 7:* FLAGS\r\n") == "* 2 FETCH (UID 2 FLAGS (\\Recent))\r\na5 OK UID FETCH completed\r\n");
  CHECK(say(session, "a5 UID FETCH 7:9 FLAGS\r\n") == "a5 OK UID FETCH completed\r\n");
  CHECK(say(session, "a6 FETCH 3 FLAGS\r\n") == "a6 BAD invalid sequence set 3\r\n");
  CHECK(say(session, "a7 FETCH 1 BODY[0]\r\n").rfind("a7 BAD bad part number", 0) == 0);
  CHECK(say(session, "a8 FETCH 1 (FLAGS\r\n").rfind("a8 BAD syntax error", 0) == 0);
}

TEST_CASE("IMAP BODY[] sends a literal and sets \\Seen, BODY.PEEK[] does not", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 FETCH 1 BODY.PEEK[]\r\n") ==
        "* 1 FETCH (BODY[] {" + std::to_string(message_one.size()) + "}\r\n" + message_one +
            ")\r\na1 OK FETCH completed\r\n");
  CHECK(f.store.message("bob", "INBOX", 1)->flags == 0);
  CHECK(say(session, "a2 FETCH 1 BODY[]\r\n") ==
        "* 1 FETCH (BODY[] {" + std::to_string(message_one.size()) + "}\r\n" + message_one +
            " FLAGS (\\Seen \\Recent))\r\na2 OK FETCH completed\r\n");
  CHECK(f.store.message("bob", "INBOX", 1)->flags == store::flag_seen);
}

TEST_CASE("IMAP BODY sections: HEADER, TEXT, HEADER.FIELDS, partial, RFC822 forms", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  const std::string header = "From: carol@example.com\r\nTo: bob@example.net\r\nSubject: Report\r\n\r\n";
  CHECK(say(session, "a1 FETCH 2 BODY.PEEK[HEADER]\r\n") ==
        "* 2 FETCH (BODY[HEADER] {" + std::to_string(header.size()) + "}\r\n" + header + ")\r\na1 OK FETCH completed\r\n");
  CHECK(say(session, "a2 FETCH 2 BODY.PEEK[TEXT]\r\n") ==
        "* 2 FETCH (BODY[TEXT] {15}\r\nSee attached.\r\n)\r\na2 OK FETCH completed\r\n");
  CHECK(say(session, "a3 FETCH 2 (BODY.PEEK[HEADER.FIELDS (from subject)])\r\n") ==
        "* 2 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] {44}\r\nFrom: carol@example.com\r\nSubject: Report\r\n\r\n)\r\n"
        "a3 OK FETCH completed\r\n");
  CHECK(say(session, "a4 FETCH 2 BODY.PEEK[]<0.4>\r\n") ==
        "* 2 FETCH (BODY[]<0> {4}\r\nFrom)\r\na4 OK FETCH completed\r\n");
  CHECK(say(session, "a5 FETCH 2 RFC822.HEADER\r\n") ==
        "* 2 FETCH (RFC822.HEADER {" + std::to_string(header.size()) + "}\r\n" + header + ")\r\na5 OK FETCH completed\r\n");
  CHECK(f.store.message("bob", "INBOX", 2)->flags == 0);
  CHECK(say(session, "a6 FETCH 2 RFC822\r\n").find(" FLAGS (\\Seen \\Recent))") != std::string::npos);
  CHECK(say(session, "a7 FETCH 2 BODY[1.SIZE]\r\n").rfind("a7 BAD unsupported section", 0) == 0);
}

TEST_CASE("IMAP STORE FLAGS, +FLAGS, -FLAGS, .SILENT and UID STORE", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 STORE 1 +FLAGS (\\Seen \\Flagged)\r\n") ==
        "* 1 FETCH (FLAGS (\\Seen \\Flagged \\Recent))\r\na1 OK STORE completed\r\n");
  CHECK(say(session, "a2 STORE 1 -FLAGS \\Flagged\r\n") == "* 1 FETCH (FLAGS (\\Seen \\Recent))\r\na2 OK STORE completed\r\n");
  CHECK(say(session, "a3 STORE 1:2 FLAGS.SILENT (\\Deleted)\r\n") == "a3 OK STORE completed\r\n");
  CHECK(f.store.message("bob", "INBOX", 1)->flags == store::flag_deleted);
  CHECK(say(session, "a4 UID STORE 2 FLAGS (\\Answered $Label1)\r\n") ==
        "* 2 FETCH (UID 2 FLAGS (\\Answered \\Recent))\r\na4 OK UID STORE completed\r\n");
  CHECK(say(session, "a5 STORE 1 +FLAGS (\\Recent)\r\n") == "a5 BAD invalid flag \\Recent\r\n");
  CHECK(say(session, "a6 STORE 1 FROB (\\Seen)\r\n") == "a6 BAD unknown STORE item FROB\r\n");
}

TEST_CASE("IMAP SEARCH keys and UID SEARCH", "[imap][server_session]") {
  Fixture f;
  f.store.deliver("bob", "INBOX", "From: alice@example.org\r\nSubject: Re: Lunch\r\n\r\nyes\r\n", 1700090000,
                  store::flag_seen | store::flag_flagged);
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 SEARCH ALL\r\n") == "* SEARCH 1 2 3\r\na1 OK SEARCH completed\r\n");
  CHECK(say(session, "a2 SEARCH UNSEEN\r\n") == "* SEARCH 1 2\r\na2 OK SEARCH completed\r\n");
  CHECK(say(session, "a3 SEARCH SEEN FLAGGED\r\n") == "* SEARCH 3\r\na3 OK SEARCH completed\r\n");
  CHECK(say(session, "a4 SEARCH FROM alice SUBJECT lunch\r\n") == "* SEARCH 1 3\r\na4 OK SEARCH completed\r\n");
  CHECK(say(session, "a5 SEARCH NOT FROM alice\r\n") == "* SEARCH 2\r\na5 OK SEARCH completed\r\n");
  CHECK(say(session, "a6 SEARCH OR SUBJECT report DELETED\r\n") == "* SEARCH 2\r\na6 OK SEARCH completed\r\n");
  CHECK(say(session, "a7 SEARCH TO \"bob@example.net\" 2:*\r\n") == "* SEARCH 2\r\na7 OK SEARCH completed\r\n");
  CHECK(say(session, "a8 UID SEARCH UID 2:*\r\n") == "* SEARCH 2 3\r\na8 OK UID SEARCH completed\r\n");
  CHECK(say(session, "a9 SEARCH CHARSET UTF-8 BODY noon\r\n") == "* SEARCH 1\r\na9 OK SEARCH completed\r\n");
  CHECK(say(session, "b1 SEARCH SINCE 15-Nov-2023\r\n") == "* SEARCH 3\r\nb1 OK SEARCH completed\r\n");
  CHECK(say(session, "b2 SEARCH DELETED\r\n") == "* SEARCH\r\nb2 OK SEARCH completed\r\n");
  CHECK(say(session, "b3 SEARCH FROB\r\n") == "b3 BAD unknown SEARCH key FROB\r\n");
  CHECK(say(session, "b4 SEARCH FROM\r\n") == "b4 BAD FROM needs an argument\r\n");
  CHECK(say(session, "b5 SEARCH CHARSET KOI8-R ALL\r\n") == "b5 NO [BADCHARSET (US-ASCII UTF-8)] unsupported charset\r\n");
  // OR's left key took every value that was left (the fuzzer's find: it read past the list).
  CHECK(say(session, "b6 UID SEARCH OR UID 1:*\r\n") == "b6 BAD OR needs two keys\r\n");
  CHECK(say(session, "b7 SEARCH OR HEADER subject lunch\r\n") == "b7 BAD OR needs two keys\r\n");
  CHECK(say(session, "b8 SEARCH OR SEEN\r\n") == "b8 BAD OR needs two keys\r\n");
  CHECK(say(session, "b9 SEARCH NOT\r\n") == "b9 BAD NOT needs a key\r\n");
  CHECK(say(session, "c1 SEARCH (OR SEEN)\r\n") == "c1 BAD OR needs two keys\r\n");
  CHECK(say(session, "c2 SEARCH OR SEEN DELETED\r\n") == "* SEARCH 3\r\nc2 OK SEARCH completed\r\n");
}

TEST_CASE("IMAP COPY, MOVE and TRYCREATE", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 COPY 1:2 Archive\r\n") == "a1 NO [TRYCREATE] no such mailbox\r\n");
  CHECK(say(session, "a2 CREATE Archive\r\n") == "a2 OK CREATE completed\r\n");
  // UIDPLUS (RFC 4315 §3): the UIDs the copies got, in the order of the source UIDs.
  const std::string archive = std::to_string(f.store.folder("bob", "Archive")->uid_validity);
  const std::string trash = std::to_string(f.store.folder("bob", "Trash")->uid_validity);
  CHECK(say(session, "a3 COPY 1:2 Archive\r\n") == "a3 OK [COPYUID " + archive + " 1,2 1,2] COPY completed\r\n");
  CHECK(f.store.folder("bob", "Archive")->messages.size() == 2);
  // MOVE: COPYUID in an untagged OK before the EXPUNGE (RFC 6851 §4.3).
  CHECK(say(session, "a4 UID MOVE 1 Trash\r\n") ==
        "* OK [COPYUID " + trash + " 1 1] moved\r\n* 1 EXPUNGE\r\na4 OK UID MOVE completed\r\n");
  CHECK(f.store.folder("bob", "Trash")->messages.size() == 1);
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 1);
}

TEST_CASE("IMAP EXPUNGE reports shifting sequence numbers, UIDs stay", "[imap][server_session]") {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.store.deliver("bob", "INBOX", message_two, 1700000200 + i);
  ServerSession session(f.store);
  login_and_select(session);  // 5 messages, UIDs 1..5
  say(session, "a1 STORE 2,3,5 +FLAGS.SILENT (\\Deleted)\r\n");
  CHECK(say(session, "a2 EXPUNGE\r\n") == "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n* 3 EXPUNGE\r\na2 OK EXPUNGE completed\r\n");
  CHECK(say(session, "a3 FETCH 1:* UID\r\n") == "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 4)\r\na3 OK FETCH completed\r\n");
  CHECK(say(session, "a4 CLOSE\r\n") == "a4 OK CLOSE completed\r\n");
  CHECK(session.state() == ServerState::authenticated);
  CHECK(say(session, "a5 EXPUNGE\r\n") == "a5 NO no mailbox selected: SELECT first\r\n");
}

TEST_CASE("IMAP CLOSE expunges silently, UNSELECT does not expunge", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  say(session, "a1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
  CHECK(say(session, "a2 UNSELECT\r\n") == "a2 OK UNSELECT completed\r\n");
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 2);
  say(session, "a3 SELECT INBOX\r\n");
  CHECK(say(session, "a4 CLOSE\r\n") == "a4 OK CLOSE completed\r\n");
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 1);
}

TEST_CASE("IMAP CREATE, RENAME, DELETE, LIST, LSUB, STATUS", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  login(session);
  CHECK(say(session, "a1 CREATE Work/Projects\r\n") == "a1 OK CREATE completed\r\n");
  CHECK(say(session, "a2 CREATE Work\r\n") == "a2 NO [ALREADYEXISTS] mailbox already exists\r\n");
  CHECK(say(session, "a3 LIST \"\" \"*\"\r\n") ==
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
        "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n"
        "* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\n"
        "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
        "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"
        "* LIST (\\HasChildren) \"/\" Work\r\n"
        "* LIST (\\HasNoChildren) \"/\" Work/Projects\r\n"
        "a3 OK LIST completed\r\n");
  CHECK(say(session, "a4 LIST \"\" %\r\n").find("Work/Projects") == std::string::npos);
  CHECK(say(session, "a5 LIST Work/ %\r\n") == "* LIST (\\HasNoChildren) \"/\" Work/Projects\r\na5 OK LIST completed\r\n");
  CHECK(say(session, "a6 LIST \"\" \"\"\r\n") == "* LIST (\\Noselect) \"/\" \"\"\r\na6 OK LIST completed\r\n");
  CHECK(say(session, "a7 DELETE Work\r\n") == "a7 NO [INUSE] mailbox has inferior hierarchical names: delete them first\r\n");
  CHECK(say(session, "a8 RENAME Work Jobs\r\n") == "a8 OK RENAME completed\r\n");
  CHECK(say(session, "a9 LIST \"\" Jobs*\r\n") ==
        "* LIST (\\HasChildren) \"/\" Jobs\r\n* LIST (\\HasNoChildren) \"/\" Jobs/Projects\r\na9 OK LIST completed\r\n");
  CHECK(say(session, "b1 DELETE Jobs/Projects\r\n") == "b1 OK DELETE completed\r\n");
  CHECK(say(session, "b2 DELETE INBOX\r\n") == "b2 NO [CANNOT] INBOX cannot be deleted\r\n");
  CHECK(say(session, "b3 DELETE Nope\r\n") == "b3 NO [NONEXISTENT] no such mailbox\r\n");
  CHECK(say(session, "b4 CREATE \"Old Mail\"\r\n") == "b4 OK CREATE completed\r\n");
  CHECK(say(session, "b5 LIST \"\" Old*\r\n") == "* LIST (\\HasNoChildren) \"/\" \"Old Mail\"\r\nb5 OK LIST completed\r\n");
  CHECK(say(session, "b6 UNSUBSCRIBE \"Old Mail\"\r\n") == "b6 OK UNSUBSCRIBE completed\r\n");
  CHECK(say(session, "b7 LSUB \"\" Old*\r\n") == "b7 OK LSUB completed\r\n");
  const std::string validity = std::to_string(f.store.folder("bob", "INBOX")->uid_validity);
  CHECK(say(session, "b8 STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY RECENT)\r\n") ==
        "* STATUS INBOX (MESSAGES 2 UNSEEN 2 UIDNEXT 3 UIDVALIDITY " + validity + " RECENT 2)\r\nb8 OK STATUS completed\r\n");
}

TEST_CASE("IMAP APPEND with a literal", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.set_clock(1700000500);
  login(session);
  const std::string draft = "Subject: draft\r\n\r\nhi\r\n";
  CHECK(say(session, "a1 APPEND Drafts (\\Draft) {" + std::to_string(draft.size()) + "}\r\n") == "+ Ready for literal data\r\n");
  const std::string drafts = std::to_string(f.store.folder("bob", "Drafts")->uid_validity);
  CHECK(say(session, draft + "\r\n") == "a1 OK [APPENDUID " + drafts + " 1] APPEND completed\r\n");
  const store::Message* saved = f.store.message("bob", "Drafts", 1);
  REQUIRE(saved);
  CHECK(saved->bytes == draft);
  CHECK(saved->flags == store::flag_draft);
  CHECK(saved->internal_date == 1700000500);
  CHECK(say(session, "a2 APPEND Nope {1+}\r\nx\r\n") == "a2 NO [TRYCREATE] no such mailbox\r\n");
}

TEST_CASE("IMAP BAD and NO paths", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store, {"imap.example", 100, 1000});
  session.poll_output();
  CHECK(say(session, "a1 FROB\r\n") == "a1 BAD unknown command FROB\r\n");
  CHECK(say(session, "\r\n") == "* BAD syntax error: missing tag\r\n");
  CHECK(say(session, "a2\r\n") == "a2 BAD missing command\r\n");
  CHECK(say(session, "a3 LOGIN bob\r\n") == "a3 BAD usage: LOGIN user password\r\n");
  CHECK(say(session, "a4 FETCH 1 FLAGS\r\n") == "a4 NO not authenticated: LOGIN first\r\n");
  CHECK(say(session, std::string(150, 'x')) == "* BAD line too long (limit 100 octets)\r\n");
  CHECK(say(session, "tail\r\na5 NOOP\r\n") == "a5 OK NOOP completed\r\n");
  CHECK(say(session, "a6 LOGIN bob {5000}\r\n") == "a6 BAD [TOOBIG] literal too large (limit 1000 octets)\r\n");
  CHECK(say(session, "a7 UID\r\n") == "a7 BAD UID needs a command (FETCH, STORE, SEARCH, COPY, MOVE)\r\n");
  login(session);
  CHECK(say(session, "a8 FETCH 1 FLAGS\r\n") == "a8 NO no mailbox selected: SELECT first\r\n");
  CHECK(say(session, "a9 LOGIN bob {5000+}\r\n") ==
        "a9 BAD [TOOBIG] literal too large (limit 1000 octets)\r\n"
        "* BYE [TOOBIG] literal too large (limit 1000 octets): closing the connection\r\n");
  CHECK(session.closed());
}

TEST_CASE("IMAP server survives garbage input without crashing or hanging", "[imap][server_session]") {
  Fixture f;
  std::uint32_t seed = 12345;
  auto next = [&]() { return seed = seed * 1103515245u + 12345u; };
  const std::string pieces[] = {"a1 ", "FETCH ", "1:* ", "(", ")", "{3}\r\n", "{2+}\r\n", "\"", "[", "]",
                                "BODY[", "UID ", "LOGIN bob hunter2", "SELECT INBOX", "\r\n", "*", "IDLE\r\n",
                                "DONE\r\n", "SEARCH OR NOT ", "STORE 1 +FLAGS ", "\\Seen", "\x01\xff"};
  for (int run = 0; run < 200; ++run) {
    ServerSession session(f.store, {"imap.example", 200, 1000});
    std::string input;
    for (int i = 0; i < 40; ++i) input += pieces[next() % (sizeof pieces / sizeof pieces[0])];
    session.handle_bytes(input);
    session.handle_bytes("\r\nz9 LOGOUT\r\n");
    // Whatever came in, every line out is a response (RFC 3501 §7: "* ", "+ " or a tag and a
    // status).
    const std::string output = session.poll_output();
    std::size_t start = 0;
    while (start < output.size()) {
      std::size_t end = output.find("\r\n", start);
      REQUIRE(end != std::string::npos);
      const std::string line = output.substr(start, end - start);
      start = end + 2;
      if (line.rfind("* ", 0) == 0 || line.rfind("+ ", 0) == 0) continue;
      const std::size_t space = line.find(' ');
      REQUIRE(space != std::string::npos);
      const std::string status = line.substr(space + 1, 3);
      INFO(line);
      CHECK((status == "OK " || status == "NO " || status == "BAD"));
    }
  }
}

TEST_CASE("IMAP UID EXPUNGE removes only the \\Deleted messages among the UIDs given (RFC 4315)", "[imap][uidplus]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  say(session, "a1 STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n");
  CHECK(say(session, "a2 UID EXPUNGE 2\r\n") == "* 2 EXPUNGE\r\na2 OK UID EXPUNGE completed\r\n");
  CHECK(f.store.folder("bob", "INBOX")->messages.size() == 1);
  CHECK(f.store.message("bob", "INBOX", 1) != nullptr);  // \\Deleted, but not named
  CHECK(say(session, "a3 UID EXPUNGE\r\n") == "a3 BAD usage: UID EXPUNGE uid-set\r\n");
}

TEST_CASE("IMAP tags: never a space, a close bracket allowed (RFC 3501 §9 tag)", "[imap][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  // "[" opens a section in the value parser; the tag still ends at the first space.
  CHECK(say(session, "a[b c] NOOP\r\n") == "* BAD syntax error: missing tag\r\n");
  CHECK(say(session, "a] NOOP\r\n") == "a] OK NOOP completed\r\n");
  CHECK(say(session, "a+ NOOP\r\n") == "* BAD syntax error: missing tag\r\n");
}

TEST_CASE("IMAP command table: every command is refused outside its states, with RFC 3501's reply", "[imap][server_session][commands]") {
  // Each row, tried in each state it does not allow: the state check comes from the table.
  std::set<std::string_view> names;
  for (const auto& row : ServerSession::command_table()) {
    INFO(row.name);
    CHECK(names.insert(row.name).second);  // no command twice
    CHECK(row.reference.rfind("RFC ", 0) == 0);
    const std::string line = "t1 " + std::string(row.name) + "\r\n";
    Fixture f;
    ServerSession session(f.store);
    session.poll_output();
    if (!(row.allowed_states & imap::state_bit(ServerState::not_authenticated)))
      CHECK(say(session, line) == "t1 NO not authenticated: LOGIN first\r\n");
    login(session);
    if (!(row.allowed_states & imap::state_bit(ServerState::authenticated)))
      CHECK(say(session, line) == (row.allowed_states == imap::state_bit(ServerState::not_authenticated)
                                       ? "t1 NO already authenticated\r\n"
                                       : "t1 NO no mailbox selected: SELECT first\r\n"));
  }
  CHECK(names.count("UID FETCH") == 1);
  CHECK(names.size() == 33);
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "t2 FROB\r\n") == "t2 BAD unknown command FROB\r\n");
}

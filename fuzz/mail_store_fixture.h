// The mailbox store the POP3 and IMAP server targets log in to: user bob (password "secret")
// with three messages, one of them multipart, and a second folder.
#pragma once

#include "protocols/store/mail_store.h"

namespace maillab::fuzz {

inline void fill_store(store::MailStore& store) {
  store.add_user("bob", "secret", 1u << 20);
  store.add_user("alice", "secret");
  store.deliver("bob", "INBOX",
                "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Lunch?\r\n"
                "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n"
                ".at noon\r\nbye\r\n",
                1'765'000'000);
  store.deliver("bob", "INBOX",
                "From: carol@example.net\r\nTo: bob@example.org, \"Team\" <team@example.org>\r\n"
                "Subject: report\r\nMIME-Version: 1.0\r\n"
                "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--\r\n",
                1'765'000'100, store::flag_seen);
  store.deliver("bob", "INBOX", "Subject: x\r\n\r\n", 1'765'000'200);
  store.create_folder("bob", "Archive/2026");
}

}  // namespace maillab::fuzz

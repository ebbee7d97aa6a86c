#pragma once
// Trace events emitted by POP3 sessions (server and client), one per command, reply line or
// notable step, for the host to turn into Trace records.

#include <string>

namespace maillab::pop3 {

enum class EventKind {
  command_received,   // server: a command line from the client (PASS argument masked)
  reply_sent,         // server: the first line of a reply
  command_sent,       // client: a command line it sent (PASS argument masked)
  reply_received,     // client: a status line it received
  state_changed,      // either: e.g. "TRANSACTION"
  message_downloaded, // client: a message arrived (text: "uidl size")
  deletions_applied,  // server: UPDATE state removed messages (text: count)
  error,              // either: something went wrong (text says what)
  finished,           // client: the fetch is over (text: summary)
};

struct Event {
  EventKind kind = EventKind::command_received;
  std::string text;
};

}  // namespace maillab::pop3

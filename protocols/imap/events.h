#pragma once
// Trace events emitted by IMAP sessions (server and client), one per command or response line.

#include <string>

namespace maillab::imap {

enum class EventKind {
  command_received,  // server: a command from the client (LOGIN password masked)
  response_sent,     // server: a response line (message data shown only as its first line)
  command_sent,      // client: a command it sent (LOGIN password masked)
  response_received, // client: a response line (first line of it when it carries literals)
  state_changed,     // either: e.g. "SELECTED INBOX"
  message_fetched,   // client: a new message arrived (text: "uid size")
  flags_changed,     // client: the local view of a message's flags changed (text: "uid (flags)")
  operation_done,    // client: a queued operation finished (text: what)
  error,             // either: something went wrong (text says what)
};

struct Event {
  EventKind kind = EventKind::command_received;
  std::string text;
};

}  // namespace maillab::imap

// IMAP server session (RFC 3501 subset): any client bytes, split at any points (literals,
// IDLE, AUTHENTICATE continuations included), against a store with messages; a second session
// of the same user sees the first one's changes.
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "fuzz/mail_store_fixture.h"
#include "protocols/imap/server_session.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  store::MailStore store;
  fuzz::fill_store(store);
  imap::ServerOptions options;
  options.max_literal_size = 1u << 16;
  imap::ServerSession session(store, options);
  imap::ServerSession other(store, options);
  other.handle_bytes("o1 LOGIN bob secret\r\no2 SELECT INBOX\r\no3 IDLE\r\n");
  std::int64_t now = 1'765'000'000;
  auto drain = [](imap::ServerSession& s) {
    s.poll_updates();
    (void)s.poll_output();
    while (s.poll_event()) {
    }
  };
  drain(other);
  drain(session);
  while (!input.done() && !session.closed()) {
    session.set_clock(now += static_cast<std::int64_t>(input.choose(100)));
    session.handle_bytes(input.next_piece());
    drain(session);
    drain(other);
  }
  session.handle_close();
  other.handle_close();
  drain(session);
  return 0;
}

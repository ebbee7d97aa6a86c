// POP3 server session (RFC 1939): any client bytes, split at any points, against a store with
// messages. A dropped connection leaves the session closed and the maildrop unlocked.
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "fuzz/mail_store_fixture.h"
#include "protocols/pop3/server_session.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  store::MailStore store;
  fuzz::fill_store(store);
  pop3::ServerOptions options;
  if (input.choose(2) == 0) options.greeting_timestamp = "<1896.697170952@pop.example>";
  {
    pop3::ServerSession session(store, options);
    (void)session.poll_output();
    while (!input.done() && !session.closed()) {
      session.handle_bytes(input.next_piece());
      (void)session.poll_output();
      while (session.poll_event()) {
      }
    }
    session.handle_close();
    if (!session.closed()) std::abort();
  }
  if (store.maildrop_locked("bob") || store.maildrop_locked("alice")) std::abort();
  return 0;
}

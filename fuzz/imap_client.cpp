// IMAP client session (the mail client's sync, flags, folders, append, move): any server bytes,
// split at any points. The client must end finished once the connection drops.
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "protocols/imap/client_session.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  imap::ClientOptions options;
  options.user = "bob";
  options.password = "secret";
  options.fetch_bodies = input.choose(2) == 0;
  imap::ClientSession session(options);
  session.list_folders();
  session.sync();
  session.mark_seen(1);
  session.set_flag(2, "\\Flagged", input.choose(2) == 0);
  session.create_folder("Archive");
  session.append("Sent", "Subject: hi\r\n\r\nbody\r\n", "\\Seen");
  session.move(1, "Archive");
  session.expunge();
  session.noop();
  session.logout();
  auto drain = [&] {
    (void)session.poll_output();
    while (session.poll_event()) {
    }
    (void)session.take_new_messages();
  };
  drain();
  while (!input.done() && !session.finished()) {
    session.handle_bytes(input.next_piece());
    drain();
  }
  session.handle_close();
  drain();
  if (!session.finished()) std::abort();
  return 0;
}

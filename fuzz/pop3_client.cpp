// POP3 client session (RFC 1939 fetch): any server bytes, split at any points. The client must
// end finished once the connection drops.
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "protocols/pop3/client_session.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  pop3::ClientOptions options;
  options.user = "bob";
  options.password = "secret";
  options.use_apop = input.choose(2) == 0;
  options.delete_after_download = input.choose(2) == 0;
  if (input.choose(2) == 0) options.known_uidls = {"uid-1", "2"};
  pop3::ClientSession session(options);
  auto drain = [&] {
    (void)session.poll_output();
    while (session.poll_event()) {
    }
    while (session.poll_message()) {
    }
  };
  while (!input.done() && !session.finished()) {
    session.handle_bytes(input.next_piece());
    drain();
  }
  session.handle_close();
  drain();
  if (!session.finished()) std::abort();
  return 0;
}

// TLS (protocols/tls: OpenSSL over memory BIOs): any peer bytes, split at any points, to a server
// end (the bytes are a client's: ClientHello ...) or a client end that has sent its ClientHello
// (the bytes are a server's flight). Bit 2 of the control byte chooses the end ('0' server, '4'
// client). Plaintext is sent both before and after the handshake, and the end closes at the end.
#include "fuzz/fuzz_input.h"
#include "fuzz/tls_fixture.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::FuzzInput input(data, size);
  const tls::Role role = (data[0] >> 2) & 1 ? tls::Role::client : tls::Role::server;
  tls::Session session(fuzz::tls_pki().config(role));
  session.start();
  session.send_plaintext("EHLO client.example\r\n");
  auto drain = [&] {
    while (session.poll_output()) {
    }
    while (session.poll_event()) {
    }
    (void)session.poll_plaintext();
  };
  drain();
  while (!input.done()) {
    session.handle_ciphertext(input.next_piece());
    if (session.established() && input.choose(4) == 0) session.send_plaintext("250 OK\r\n");
    drain();
  }
  session.close();
  drain();
  return 0;
}

// SMTP server session (RFC 5321 + ESMTP): any client bytes, split at any points, with the
// caller's verdicts (MAIL, RCPT, end of DATA) accepted or refused as the input's choices say.
// The session must never grow its output without a reason and must end closed when told.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "protocols/smtp/server_session.h"

using namespace maillab;

namespace {

smtp::Reply verdict(fuzz::FuzzInput& input) {
  switch (input.choose(4)) {
    case 0: return smtp::make_reply(550, "5.1.1", "refused");
    case 1: return smtp::make_reply(451, "4.3.0", "try later");
    default: return smtp::make_reply(250, "2.0.0", "OK");
  }
}

void drain(smtp::ServerSession& session, fuzz::FuzzInput& input) {
  while (session.waiting_for_verdict()) session.decide(verdict(input));
  (void)session.poll_output();
  while (session.poll_event()) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  smtp::ServerOptions options;
  options.hostname = "mx.example.org";
  options.max_message_size = 4096;  // small, so the fuzzer reaches 552 too
  options.mode = static_cast<smtp::ServerMode>(input.choose(3));
  options.offer_auth_on_relay = input.choose(2) == 0;
  options.check_credentials = [](std::string_view user, std::string_view password) {
    return user == "alice" && password == "secret";
  };
  smtp::ServerSession session(options, "192.0.2.10");
  session.start();
  drain(session, input);
  while (!input.done() && !session.closed()) {
    session.handle_bytes(input.next_piece());
    drain(session, input);
  }
  if (input.choose(2) == 0) session.shutdown("fuzz");
  session.handle_close();
  drain(session, input);
  if (!session.closed()) std::abort();
  return 0;
}

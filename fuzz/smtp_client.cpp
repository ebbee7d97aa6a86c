// SMTP client session (RFC 5321 delivery attempt): any server bytes, split at any points. The
// client must end finished once the connection drops, every recipient with an outcome.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "protocols/smtp/client_session.h"

using namespace maillab;

namespace {

void drain(smtp::ClientSession& session) {
  (void)session.poll_output();
  while (auto event = session.poll_event()) {
    if (std::holds_alternative<smtp::StartTlsRequested>(*event)) session.handle_tls_established();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  smtp::ClientOptions options;
  options.hostname = "mail.example.com";
  options.use_pipelining = input.choose(2) == 0;
  options.require_tls = input.choose(4) == 0;
  if (input.choose(2) == 0) {
    options.auth_user = "alice";
    options.auth_password = "secret";
  }
  smtp::Envelope envelope{"alice@example.com", {"bob@example.org", "carol@example.org", "dave@example.net"}};
  smtp::ClientSession session(options, envelope, "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n");
  while (!input.done() && !session.finished()) {
    session.handle_bytes(input.next_piece());
    drain(session);
  }
  session.handle_close();
  drain(session);
  if (!session.finished()) std::abort();
  for (const auto& recipient : session.recipients()) {
    if (recipient.status == smtp::RecipientStatus::pending || recipient.status == smtp::RecipientStatus::accepted)
      std::abort();  // a dropped connection leaves nobody undecided
  }
  return 0;
}

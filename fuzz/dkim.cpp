// DKIM (RFC 6376): DKIM-Signature values and key records parsed on their own, and a whole
// verification of the input as a message (its DKIM-Signature fields, canonicalization, l=, the
// tag-lists) where every key question is answered with one Ed25519 key record.
#include "fuzz/fuzz_input.h"
#include "protocols/auth/dkim.h"
#include "protocols/auth/dkim_canonicalization.h"
#include "protocols/auth/dkim_key.h"
#include "protocols/auth/dkim_signature.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::string_view text = input.stream();
  (void)auth::parse_dkim_signature(text);
  (void)auth::parse_dkim_key_record(text);
  (void)auth::parse_tag_list(text);
  (void)auth::remove_signature_value(text);
  for (auto canonicalization : {auth::DkimCanonicalization::simple, auth::DkimCanonicalization::relaxed}) {
    (void)auth::canonicalize_header(text, canonicalization);
    (void)auth::canonicalize_body(text, canonicalization);
  }

  auth::DkimVerification verification(text, 1'765'000'000);
  while (!verification.done()) {
    auto question = verification.pending_question();
    if (!question) break;
    auth::DnsAnswer answer;
    switch (input.choose(4)) {
      case 0: answer = auth::DnsAnswer::nxdomain(); break;
      case 1: answer = auth::DnsAnswer::of({"v=DKIM1; k=rsa; p="}); break;
      default: answer = auth::DnsAnswer::of({"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="});
    }
    verification.provide_answer(*question, answer);
  }
  for (const auto& result : verification.results()) (void)result.reason;
  return 0;
}

// SPF (RFC 7208): record parsing, macro strings (§7) in both modes, and a whole check_host()
// where each TXT question is answered with the next line of the input, so include:, redirect=,
// exp= and macros run over records the fuzzer writes.
#include <string>

#include "fuzz/fuzz_input.h"
#include "fuzz/lines.h"
#include "protocols/auth/spf.h"
#include "protocols/auth/spf_macro.h"
#include "protocols/auth/spf_record.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::vector<std::string_view> lines = fuzz::split_lines(input.stream());

  auth::SpfMacroContext context;
  context.sender = "strong-bad@email.example.com";
  context.local_part = "strong-bad";
  context.sender_domain = "email.example.com";
  context.domain = "email.example.com";
  context.ip = *auth::IpAddress::parse(input.choose(2) == 0 ? "192.0.2.3" : "2001:db8::cb01");
  context.helo = "mx.example.org";
  context.validated_name = [] { return std::string("mx.example.org"); };
  for (std::string_view line : lines) {
    (void)auth::is_spf_record(line);
    (void)auth::parse_spf_record(line);
    for (auto mode : {auth::SpfMacroMode::domain_spec, auth::SpfMacroMode::explanation}) {
      if (auth::validate_macro_string(line, mode).empty()) (void)auth::expand_macro_string(line, mode, context);
    }
  }

  std::size_t next_txt = 0;
  auth::SpfRequest request;
  request.client_ip = context.ip.to_string();
  request.mail_from = "strong-bad@email.example.com";
  request.helo = "mx.example.org";
  auto lookup = [&](const auth::DnsQuestion& question) -> auth::DnsAnswer {
    switch (question.type) {
      case auth::DnsType::txt:
        if (next_txt >= lines.size()) return auth::DnsAnswer::nxdomain();
        return auth::DnsAnswer::of({std::string(lines[next_txt++])});
      case auth::DnsType::a: return auth::DnsAnswer::of({"192.0.2.3"});
      case auth::DnsType::aaaa: return auth::DnsAnswer::of({"2001:db8::cb01"});
      case auth::DnsType::mx: return auth::DnsAnswer::of({"10 mx.example.org"});
      case auth::DnsType::ptr: return auth::DnsAnswer::of({"mx.example.org"});
    }
    return auth::DnsAnswer::timeout();
  };
  auth::SpfOutcome outcome = auth::check_host(request, lookup);
  (void)auth::received_spf_header(request, outcome);
  return 0;
}

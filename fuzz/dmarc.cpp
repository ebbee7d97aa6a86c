// DMARC (RFC 7489): record parsing, organizational domains and alignment over any names, and a
// discovery + evaluation where the _dmarc TXT answers are the input's lines.
#include <string>

#include "fuzz/fuzz_input.h"
#include "fuzz/lines.h"
#include "protocols/auth/dmarc.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::vector<std::string_view> lines = fuzz::split_lines(input.stream());
  for (std::string_view line : lines) {
    (void)auth::parse_dmarc_record(line);
    (void)auth::organizational_domain(line);
    (void)auth::is_aligned(line, "mail.example.com", auth::DmarcAlignment::relaxed);
    (void)auth::is_aligned(line, "example.com", auth::DmarcAlignment::strict);
  }
  std::size_t next = 0;
  auto lookup = [&](const auth::DnsQuestion&) -> auth::DnsAnswer {
    if (next >= lines.size()) return auth::DnsAnswer::nxdomain();
    if (input.choose(8) == 0) return auth::DnsAnswer::timeout();
    return auth::DnsAnswer::of({std::string(lines[next++])});
  };
  std::string from_domain = lines.size() > 1 ? std::string(lines.back()) : "a.b.mail.example.com";
  auth::DmarcDiscoveryResult discovery = auth::discover_dmarc(from_domain, lookup);
  auth::DmarcInputs inputs;
  inputs.from_domain = from_domain;
  inputs.spf_result = static_cast<auth::SpfResult>(input.choose(3));
  inputs.spf_domain = "example.com";
  inputs.dkim.push_back({auth::DkimResult::pass, "mail.example.com"});
  inputs.sampling_draw = static_cast<int>(input.choose(100));
  (void)auth::evaluate_dmarc(discovery, inputs);
  return 0;
}

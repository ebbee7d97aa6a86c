// DNS: the wire decoder (RFC 1035 §4) on any bytes, the authoritative answerer on any query,
// and the TCP framing reader (RFC 7766) on the same bytes split at random points. A message that
// decodes must encode again, and that encoding must decode to the same message.
#include <cstdlib>
#include <string>

#include "fuzz/dns_zone_fixture.h"
#include "fuzz/fuzz_input.h"
#include "protocols/dns/authoritative.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/wire.h"

using namespace maillab;

namespace {

void check_message(std::span<const std::uint8_t> bytes) {
  auto decoded = dns::decode_message(bytes);
  if (!decoded) return;
  (void)dns::format_message(decoded.value());
  (void)dns::summarize_message(decoded.value());
  dns::Bytes encoded = dns::encode_message(decoded.value());
  auto again = dns::decode_message(encoded);
  if (!again || !(again.value() == decoded.value())) std::abort();  // encoder and decoder disagree
  dns::Bytes truncated = dns::encode_message(decoded.value(), dns::max_udp_message);
  if (truncated.size() > dns::max_udp_message && encoded.size() > dns::max_udp_message) std::abort();
  if (!dns::decode_message(truncated)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::string_view stream = input.stream();
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(stream.data()), stream.size());

  check_message(bytes);
  if (auto reply = dns::answer_query_bytes(fuzz::example_zones(), bytes)) check_message(*reply);

  dns::StreamReader reader;
  while (!input.done()) {
    reader.feed(input.next_piece());
    while (auto message = reader.next()) check_message(*message);
  }
  return 0;
}

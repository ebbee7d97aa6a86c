// Authentication-Results (RFC 8601): the parser over any field; what it reads must format and
// read back to the same field, byte for byte (the formatted form is a fixed point).
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "protocols/auth/authentication_results.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  auto results = auth::parse_authentication_results(input.stream());
  if (!results) return 0;
  for (const auto& result : results->results) (void)result.property("header.from");
  std::string formatted = auth::format_authentication_results(*results);
  auto again = auth::parse_authentication_results(formatted);
  if (!again || auth::format_authentication_results(*again) != formatted) std::abort();
  return 0;
}

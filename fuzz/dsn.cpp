// RFC 3464 delivery status notifications: the parser over any message bytes.
#include "fuzz/fuzz_input.h"
#include "protocols/mail/delivery_status.h"

using namespace maillab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  auto report = mail::parse_delivery_status_notification(input.stream());
  if (report) {
    for (const auto& recipient : report->recipients) (void)recipient;
  }
  return 0;
}

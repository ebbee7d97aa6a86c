// Dates and Message-IDs from injected inputs: the caller passes the time (seconds since the Unix
// epoch: the engine passes its scenario epoch + simulated time), never the system clock, so the
// same scenario gives byte-identical messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace maillab::mail {

// RFC 5322 §3.3 date-time, e.g. "Tue, 24 Nov 2026 19:06:09 +0000". `offset_minutes` is the
// zone written at the end (the instant itself is `epoch_seconds`).
std::string format_date(std::int64_t epoch_seconds, int offset_minutes = 0);

// RFC 5322 §3.6.4 msg-id built from the host and a per-host counter: "<20261124190609.42@host>"
// (the timestamp part only when `epoch_seconds` >= 0). Unique as long as the counter is.
std::string make_message_id(std::string_view host, std::uint64_t counter, std::int64_t epoch_seconds = -1);

// Calendar helpers (proleptic Gregorian, UTC).
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, weekday = 4;  // 0 = Sunday
};
CivilTime to_civil_time(std::int64_t epoch_seconds);

}  // namespace maillab::mail

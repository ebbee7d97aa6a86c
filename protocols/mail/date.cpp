#include "protocols/mail/date.h"

#include <cstdio>

namespace maillab::mail {

CivilTime to_civil_time(std::int64_t epoch_seconds) {
  // Days-to-civil conversion (the well-known era algorithm, exact for all int64 days we use).
  std::int64_t days = epoch_seconds / 86400;
  std::int64_t seconds_of_day = epoch_seconds % 86400;
  if (seconds_of_day < 0) {
    seconds_of_day += 86400;
    --days;
  }
  CivilTime time;
  time.hour = static_cast<int>(seconds_of_day / 3600);
  time.minute = static_cast<int>(seconds_of_day / 60 % 60);
  time.second = static_cast<int>(seconds_of_day % 60);
  std::int64_t weekday = (days + 4) % 7;  // 1970-01-01 was a Thursday
  time.weekday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t day_of_era = z - era * 146097;
  std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t month_index = (5 * day_of_year + 2) / 153;
  time.day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  time.month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  time.year = static_cast<int>(year_of_era + era * 400 + (time.month <= 2 ? 1 : 0));
  return time;
}

namespace {

// Zero-padded two digits (0..99); the date fields are formatted by hand: snprintf was a tenth of
// the cost of a message's acceptance (every Received line and Date header formats one).
void append_two_digits(std::string& out, int value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

std::string format_date(std::int64_t epoch_seconds, int offset_minutes) {
  static constexpr const char* day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime time = to_civil_time(epoch_seconds + static_cast<std::int64_t>(offset_minutes) * 60);
  int zone = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  if (time.year < 0 || time.year > 9999 || zone / 60 > 99) {  // outside RFC 5322's 4-digit year and zone
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", day_names[time.weekday],
                  time.day, month_names[time.month - 1], time.year, time.hour, time.minute, time.second,
                  offset_minutes < 0 ? '-' : '+', zone / 60, zone % 60);
    return buffer;
  }
  // RFC 5322 §3.3: "Mon, 5 Jan 2026 09:00:00 +0000"
  std::string out;
  out.reserve(31);
  out += day_names[time.weekday];
  out += ", ";
  if (time.day >= 10) out += static_cast<char>('0' + time.day / 10);
  out += static_cast<char>('0' + time.day % 10);
  out += ' ';
  out += month_names[time.month - 1];
  out += ' ';
  append_two_digits(out, time.year / 100);
  append_two_digits(out, time.year % 100);
  out += ' ';
  append_two_digits(out, time.hour);
  out += ':';
  append_two_digits(out, time.minute);
  out += ':';
  append_two_digits(out, time.second);
  out += ' ';
  out += offset_minutes < 0 ? '-' : '+';
  append_two_digits(out, zone / 60);
  append_two_digits(out, zone % 60);
  return out;
}

std::string make_message_id(std::string_view host, std::uint64_t counter, std::int64_t epoch_seconds) {
  std::string id = "<";
  if (epoch_seconds >= 0) {
    CivilTime time = to_civil_time(epoch_seconds);
    if (time.year <= 9999) {
      append_two_digits(id, time.year / 100);
      append_two_digits(id, time.year % 100);
      append_two_digits(id, time.month);
      append_two_digits(id, time.day);
      append_two_digits(id, time.hour);
      append_two_digits(id, time.minute);
      append_two_digits(id, time.second);
      id += '.';
    } else {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%04d%02d%02d%02d%02d%02d.", time.year, time.month, time.day,
                    time.hour, time.minute, time.second);
      id += buffer;
    }
  }
  id += std::to_string(counter);
  id += "@";
  id += host;
  id += ">";
  return id;
}

}  // namespace maillab::mail

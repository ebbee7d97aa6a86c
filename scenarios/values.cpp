#include "scenarios/values.h"

#include <cctype>
#include <limits>

namespace maillab::scenarios {
namespace {

// A decimal number split at its unit: "1.5" + "s". Scaled exactly by `scale` (units per 1).
// Fails on signs, empty digits, more precision than the scale can hold, or overflow.
Parsed<std::uint64_t> scale_decimal(std::string_view number, std::uint64_t scale, std::string_view what) {
  if (number.empty()) return {std::string("missing number")};
  if (number[0] == '-') return {std::string("negative ") + std::string(what)};
  std::uint64_t whole = 0;
  std::size_t i = 0;
  bool digits = false;
  constexpr std::uint64_t max = std::numeric_limits<std::int64_t>::max();
  for (; i < number.size() && std::isdigit(static_cast<unsigned char>(number[i])); ++i) {
    digits = true;
    whole = whole * 10 + static_cast<std::uint64_t>(number[i] - '0');
    if (whole > max / scale) return {std::string(what) + " too large"};
  }
  std::uint64_t value = whole * scale;
  if (i < number.size() && number[i] == '.') {
    ++i;
    std::uint64_t place = scale;
    for (; i < number.size() && std::isdigit(static_cast<unsigned char>(number[i])); ++i) {
      digits = true;
      int digit = number[i] - '0';
      if (place % 10 != 0) {
        if (digit != 0) return {std::string("more decimals than the unit allows")};
        continue;
      }
      place /= 10;
      value += place * static_cast<std::uint64_t>(digit);
    }
  }
  if (!digits || i != number.size()) return {"'" + std::string(number) + "' is not a number"};
  return {value};
}

// Splits "1.5Mbps" into "1.5" and "Mbps".
std::pair<std::string_view, std::string_view> split_unit(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '-' ||
                             text[i] == '+'))
    ++i;
  return {text.substr(0, i), text.substr(i)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

Parsed<engine::Time> parse_duration(std::string_view text) {
  text = trim(text);
  if (text.empty()) return {std::string("empty duration")};
  auto [number, unit] = split_unit(text);
  unit = trim(unit);
  std::uint64_t scale = 0;
  if (unit == "us") scale = 1;
  else if (unit == "ms") scale = 1000;
  else if (unit == "s" || unit.empty()) scale = 1000 * 1000;
  else if (unit == "m" || unit == "min") scale = 60ull * 1000 * 1000;
  else if (unit == "h") scale = 3600ull * 1000 * 1000;
  else if (unit == "d") scale = 86400ull * 1000 * 1000;
  else return {"unknown unit '" + std::string(unit) + "' in '" + std::string(text) + "'"};
  if (!number.empty() && number[0] == '+') number.remove_prefix(1);
  auto scaled = scale_decimal(number, scale, "duration");
  if (!scaled.ok()) return {scaled.error() + " in '" + std::string(text) + "'"};
  return {static_cast<engine::Time>(scaled.value())};
}

Parsed<std::uint64_t> parse_bandwidth(std::string_view text) {
  text = trim(text);
  if (text == "unlimited" || text == "infinite") return {std::uint64_t{0}};
  auto [number, unit] = split_unit(text);
  unit = trim(unit);
  std::uint64_t scale = 0;
  if (unit == "bps" || unit.empty()) scale = 1;
  else if (unit == "kbps" || unit == "Kbps") scale = 1000;
  else if (unit == "Mbps") scale = 1000 * 1000;
  else if (unit == "Gbps") scale = 1000ull * 1000 * 1000;
  else return {"unknown unit '" + std::string(unit) + "' in '" + std::string(text) + "'"};
  auto scaled = scale_decimal(number, scale, "bandwidth");
  if (!scaled.ok()) return {scaled.error() + " in '" + std::string(text) + "'"};
  return {scaled.value()};
}

std::string format_duration(engine::Time time) {
  struct Unit {
    engine::Time size;
    const char* name;
  };
  static const Unit units[] = {{86400ll * 1000000, "d"}, {3600ll * 1000000, "h"}, {60ll * 1000000, "m"},
                               {1000000, "s"},          {1000, "ms"},            {1, "us"}};
  if (time == 0) return "0s";
  std::string sign = time < 0 ? "-" : "";
  engine::Time magnitude = time < 0 ? -time : time;
  for (const auto& unit : units) {
    if (unit.size < 1000000) break;
    if (magnitude % unit.size == 0) return sign + std::to_string(magnitude / unit.size) + unit.name;
  }
  if (magnitude >= 1000000) {
    std::string fraction = std::to_string(1000000 + magnitude % 1000000).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    return sign + std::to_string(magnitude / 1000000) + "." + fraction + "s";
  }
  if (magnitude % 1000 == 0) return sign + std::to_string(magnitude / 1000) + "ms";
  return sign + std::to_string(magnitude) + "us";
}

}  // namespace maillab::scenarios

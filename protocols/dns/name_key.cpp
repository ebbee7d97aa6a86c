#include "protocols/dns/name_key.h"

#include <algorithm>
#include <cstring>

#include "protocols/common/ascii_case.h"

namespace maillab::dns {

NameTypeKey make_name_type_key(const Name& name, std::uint16_t type) {
  NameTypeKey key{std::string(name.wire_labels()), type};
  // Length octets are at most 63 (RFC 1035 §2.3.4), below 'A': folding the whole wire form
  // folds the labels only.
  for (auto& octet : key.folded) octet = common::to_lower(octet);
  return key;
}

Name key_name(const NameTypeKey& key) { return Name::from_wire_labels(key.folded).value(); }

namespace {

// Eight octets at a time, A-Z folded to a-z and nothing else changed (RFC 4343 §3): for each
// octet below 0x80, its high bit after adding (0x80 - 'A') says ">= 'A'" and after adding
// (0x7F - 'Z') says "> 'Z'"; octets from 0x80 up are left alone.
std::uint64_t fold_word(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  const std::uint64_t low7 = word & (0x7F * ones);
  const std::uint64_t at_least_a = low7 + (0x80 - 'A') * ones;
  const std::uint64_t above_z = low7 + (0x7F - 'Z') * ones;
  const std::uint64_t upper = at_least_a & ~above_z & ~word & (0x80 * ones);
  return word | (upper >> 2);  // 0x80 >> 2 is 0x20, the case bit
}

std::uint64_t load(std::string_view wire, std::size_t at) {
  std::uint64_t word = 0;
  std::memcpy(&word, wire.data() + at, std::min<std::size_t>(8, wire.size() - at));
  return word;
}

}  // namespace

std::size_t NameTypeHash::hash(std::string_view wire, std::uint16_t type) {
  // FNV-1a-like over folded eight-octet words (the last one padded with zeros; the length goes in
  // too), then the type.
  std::uint64_t value = 14695981039346656037ull ^ (wire.size() << 16 | type);
  for (std::size_t at = 0; at < wire.size(); at += 8) {
    value ^= fold_word(load(wire, at));
    value *= 1099511628211ull;
    value ^= value >> 29;
  }
  value *= 1099511628211ull;
  return static_cast<std::size_t>(value ^ (value >> 32));
}

bool NameTypeEqual::same(std::string_view left, std::uint16_t left_type, std::string_view right,
                         std::uint16_t right_type) {
  if (left_type != right_type || left.size() != right.size()) return false;
  for (std::size_t at = 0; at < left.size(); at += 8)
    if (fold_word(load(left, at)) != fold_word(load(right, at))) return false;
  return true;
}

}  // namespace maillab::dns

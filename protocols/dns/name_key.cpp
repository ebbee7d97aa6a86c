#include "protocols/dns/name_key.h"

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

std::size_t NameTypeHash::hash(std::string_view wire, std::uint16_t type) {
  // FNV-1a over the folded octets, then the type.
  std::uint64_t value = 14695981039346656037ull;
  for (char octet : wire) {
    value ^= static_cast<unsigned char>(common::to_lower(octet));
    value *= 1099511628211ull;
  }
  value ^= type;
  value *= 1099511628211ull;
  return static_cast<std::size_t>(value ^ (value >> 32));
}

bool NameTypeEqual::same(std::string_view left, std::uint16_t left_type, std::string_view right,
                         std::uint16_t right_type) {
  if (left_type != right_type || left.size() != right.size()) return false;
  for (std::size_t index = 0; index < left.size(); ++index)
    if (common::to_lower(left[index]) != common::to_lower(right[index])) return false;
  return true;
}

}  // namespace maillab::dns

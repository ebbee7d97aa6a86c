#pragma once
// Hash-map keys for "this name, this type" (the resolver's cache, its running resolutions and its
// remembered failures). Names match without regard to ASCII case (RFC 4343 §3), so a key holds
// the name's wire form case-folded; a lookup probes with the wire form as it came, in any case,
// folding while it hashes and compares: no folded copy of the name is made to look it up.
//
// A hash map has no order: whatever reaches a trace from one of these maps is sorted first.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocols/dns/name.h"
#include "protocols/dns/types.h"

namespace maillab::dns {

struct NameTypeKey {
  std::string folded;      // Name::wire_labels(), A-Z folded to a-z
  std::uint16_t type = 0;  // a RecordType, or 0 where the map is about names alone
};

// A name as it came (any case) and a type: what a lookup passes.
struct NameTypeProbe {
  std::string_view wire;
  std::uint16_t type = 0;
};

NameTypeKey make_name_type_key(const Name& name, std::uint16_t type = 0);
inline NameTypeKey make_name_type_key(const Name& name, RecordType type) {
  return make_name_type_key(name, static_cast<std::uint16_t>(type));
}
inline NameTypeProbe probe(const Name& name, std::uint16_t type = 0) { return {name.wire_labels(), type}; }
inline NameTypeProbe probe(const Name& name, RecordType type) { return probe(name, static_cast<std::uint16_t>(type)); }
// The key's name, as the lower-case Name it was made from.
Name key_name(const NameTypeKey& key);

struct NameTypeHash {
  using is_transparent = void;
  std::size_t operator()(const NameTypeKey& key) const { return hash(key.folded, key.type); }
  std::size_t operator()(const NameTypeProbe& probe) const { return hash(probe.wire, probe.type); }
  static std::size_t hash(std::string_view wire, std::uint16_t type);
};

struct NameTypeEqual {
  using is_transparent = void;
  template <typename Left, typename Right>
  bool operator()(const Left& left, const Right& right) const {
    return same(view(left), type(left), view(right), type(right));
  }
  static bool same(std::string_view left, std::uint16_t left_type, std::string_view right, std::uint16_t right_type);

 private:
  static std::string_view view(const NameTypeKey& key) { return key.folded; }
  static std::string_view view(const NameTypeProbe& probe) { return probe.wire; }
  static std::uint16_t type(const NameTypeKey& key) { return key.type; }
  static std::uint16_t type(const NameTypeProbe& probe) { return probe.type; }
};

template <typename Value>
using NameTypeMap = std::unordered_map<NameTypeKey, Value, NameTypeHash, NameTypeEqual>;

}  // namespace maillab::dns

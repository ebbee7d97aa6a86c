#include "protocols/dns/types.h"

#include <cctype>
#include <charconv>

#include "protocols/common/ascii_case.h"

namespace maillab::dns {

using common::equals_ignoring_case;  // RFC 3597 §5: TYPEnnn, CLASSnnn in any case

namespace {

std::optional<std::uint16_t> parse_generic(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !equals_ignoring_case(text.substr(0, prefix.size()), prefix))
    return std::nullopt;
  std::string_view digits = text.substr(prefix.size());
  unsigned value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

struct TypeName {
  RecordType type;
  const char* name;
};
constexpr TypeName type_names[] = {
    {RecordType::A, "A"},     {RecordType::NS, "NS"},   {RecordType::CNAME, "CNAME"},
    {RecordType::SOA, "SOA"}, {RecordType::PTR, "PTR"}, {RecordType::MX, "MX"},
    {RecordType::TXT, "TXT"}, {RecordType::AAAA, "AAAA"}, {RecordType::OPT, "OPT"},
    {RecordType::AXFR, "AXFR"}, {RecordType::ANY, "ANY"},
};

}  // namespace

std::string type_to_text(RecordType type) {
  for (const auto& entry : type_names)
    if (entry.type == type) return entry.name;
  return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::optional<RecordType> type_from_text(std::string_view text) {
  for (const auto& entry : type_names)
    if (equals_ignoring_case(text, entry.name)) return entry.type;
  if (auto value = parse_generic(text, "TYPE")) return static_cast<RecordType>(*value);
  return std::nullopt;
}

std::string class_to_text(RecordClass record_class) {
  switch (record_class) {
    case RecordClass::IN: return "IN";
    case RecordClass::CH: return "CH";
    case RecordClass::HS: return "HS";
    case RecordClass::ANY: return "ANY";
  }
  return "CLASS" + std::to_string(static_cast<unsigned>(record_class));
}

std::optional<RecordClass> class_from_text(std::string_view text) {
  for (RecordClass known : {RecordClass::IN, RecordClass::CH, RecordClass::HS, RecordClass::ANY})
    if (equals_ignoring_case(text, class_to_text(known))) return known;
  if (auto value = parse_generic(text, "CLASS")) return static_cast<RecordClass>(*value);
  return std::nullopt;
}

std::string opcode_to_text(Opcode opcode) {
  switch (opcode) {
    case Opcode::QUERY: return "QUERY";
    case Opcode::IQUERY: return "IQUERY";
    case Opcode::STATUS: return "STATUS";
    case Opcode::NOTIFY: return "NOTIFY";
    case Opcode::UPDATE: return "UPDATE";
  }
  return "OPCODE" + std::to_string(static_cast<unsigned>(opcode));
}

std::string rcode_to_text(Rcode rcode) {
  switch (rcode) {
    case Rcode::NOERROR: return "NOERROR";
    case Rcode::FORMERR: return "FORMERR";
    case Rcode::SERVFAIL: return "SERVFAIL";
    case Rcode::NXDOMAIN: return "NXDOMAIN";
    case Rcode::NOTIMP: return "NOTIMP";
    case Rcode::REFUSED: return "REFUSED";
    case Rcode::BADVERS: return "BADVERS";
  }
  return "RCODE" + std::to_string(static_cast<unsigned>(rcode));
}

std::string ipv4_to_text(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xFF) + "." +
         std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF);
}

std::optional<std::uint32_t> ipv4_from_text(std::string_view text) {
  std::uint32_t address = 0;
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (cursor == end || *cursor != '.') return std::nullopt;
      ++cursor;
    }
    if (cursor == end || !std::isdigit(static_cast<unsigned char>(*cursor))) return std::nullopt;
    unsigned value = 0;
    auto [next, error] = std::from_chars(cursor, end, value);
    if (error != std::errc() || value > 255 || next - cursor > 3) return std::nullopt;
    cursor = next;
    address = (address << 8) | value;
  }
  if (cursor != end) return std::nullopt;
  return address;
}

}  // namespace maillab::dns

#include "protocols/dns/wire.h"

#include <string>

namespace maillab::dns {

namespace {

// Reads fixed-size fields, turning every overrun into an Error that names the field.
class Reader {
 public:
  Reader(std::span<const std::uint8_t> bytes, std::size_t offset, std::size_t limit)
      : bytes_(bytes), offset_(offset), limit_(limit) {}

  std::size_t offset() const { return offset_; }
  void set_offset(std::size_t offset) { offset_ = offset; }
  std::size_t remaining() const { return offset_ < limit_ ? limit_ - offset_ : 0; }

  bool has(std::size_t count) const { return remaining() >= count; }
  std::uint8_t u8() { return bytes_[offset_++]; }
  std::uint16_t u16() {
    std::uint16_t value = static_cast<std::uint16_t>((bytes_[offset_] << 8) | bytes_[offset_ + 1]);
    offset_ += 2;
    return value;
  }
  std::uint32_t u32() {
    std::uint32_t high = u16();
    return (high << 16) | u16();
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_;
  std::size_t limit_;
};

Error error_at(std::size_t offset, std::string message) { return Error{std::move(message), offset, false}; }

// Decodes RDATA for the types we know; `end` is the first octet after RDATA (RDLENGTH checked).
Result<RData> decode_rdata(std::span<const std::uint8_t> bytes, std::size_t start, std::size_t end,
                           RecordType type, RecordClass record_class) {
  std::size_t length = end - start;
  Reader reader(bytes, start, end);
  auto name_in_rdata = [&](std::size_t& offset) -> Result<Name> {
    auto name = decode_name(bytes.first(end), offset);  // a name may not run past RDATA
    return name;
  };
  auto check_consumed = [&](std::size_t offset, RData data) -> Result<RData> {
    if (offset != end)
      return error_at(start, "RDLENGTH " + std::to_string(length) + " does not match the " +
                                 type_to_text(type) + " RDATA (" + std::to_string(offset - start) +
                                 " octets used)");
    return data;
  };

  switch (type) {
    case RecordType::A:
      if (record_class != RecordClass::IN) break;  // A is class-specific (RFC 1035 §3.4.1)
      if (length != 4) return error_at(start, "A RDATA must be 4 octets, RDLENGTH is " + std::to_string(length));
      return RData(rdata::A{reader.u32()});
    case RecordType::AAAA: {
      if (record_class != RecordClass::IN) break;
      if (length != 16) return error_at(start, "AAAA RDATA must be 16 octets, RDLENGTH is " + std::to_string(length));
      rdata::AAAA aaaa;
      for (auto& octet : aaaa.address) octet = reader.u8();
      return RData(aaaa);
    }
    case RecordType::NS:
    case RecordType::CNAME:
    case RecordType::PTR: {
      std::size_t offset = start;
      auto name = name_in_rdata(offset);
      if (!name) return name.error();
      Name target = std::move(name).value();
      if (type == RecordType::NS) return check_consumed(offset, rdata::NS{std::move(target)});
      if (type == RecordType::CNAME) return check_consumed(offset, rdata::CNAME{std::move(target)});
      return check_consumed(offset, rdata::PTR{std::move(target)});
    }
    case RecordType::SOA: {
      std::size_t offset = start;
      auto primary = name_in_rdata(offset);
      if (!primary) return primary.error();
      auto mailbox = name_in_rdata(offset);
      if (!mailbox) return mailbox.error();
      reader.set_offset(offset);
      if (!reader.has(20)) return error_at(offset, "SOA RDATA too short for its five 32-bit fields");
      rdata::SOA soa{std::move(primary).value(), std::move(mailbox).value()};
      soa.serial = reader.u32();
      soa.refresh = reader.u32();
      soa.retry = reader.u32();
      soa.expire = reader.u32();
      soa.minimum = reader.u32();
      return check_consumed(reader.offset(), std::move(soa));
    }
    case RecordType::MX: {
      if (!reader.has(2)) return error_at(start, "MX RDATA too short for the preference");
      std::uint16_t preference = reader.u16();
      std::size_t offset = reader.offset();
      auto exchange = name_in_rdata(offset);
      if (!exchange) return exchange.error();
      return check_consumed(offset, rdata::MX{preference, std::move(exchange).value()});
    }
    case RecordType::TXT: {
      // RFC 1035 §3.3.14: one or more character-strings. An empty RDATA would decode to no string
      // at all and encode back as one empty string, so it is refused rather than changed.
      if (length == 0) return error_at(start, "TXT RDATA is empty: it must hold at least one character-string");
      rdata::TXT txt;
      while (reader.remaining() > 0) {
        std::size_t at = reader.offset();
        std::size_t size = reader.u8();
        if (!reader.has(size))
          return error_at(at, "TXT character-string of " + std::to_string(size) + " octets runs past RDATA");
        std::string text(reinterpret_cast<const char*>(bytes.data() + reader.offset()), size);
        reader.set_offset(reader.offset() + size);
        txt.strings.push_back(std::move(text));
      }
      return RData(std::move(txt));
    }
    default:
      break;
  }
  return RData(rdata::Unknown{Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(start),
                                    bytes.begin() + static_cast<std::ptrdiff_t>(end))});
}

Result<ResourceRecord> decode_record(std::span<const std::uint8_t> bytes, std::size_t& offset) {
  auto name = decode_name(bytes, offset);
  if (!name) return name.error();
  Reader reader(bytes, offset, bytes.size());
  if (!reader.has(10)) return error_at(offset, "message ends inside a record's TYPE/CLASS/TTL/RDLENGTH");
  ResourceRecord record;
  record.name = std::move(name).value();
  record.type = static_cast<RecordType>(reader.u16());
  record.record_class = static_cast<RecordClass>(reader.u16());
  record.ttl = reader.u32();
  std::size_t length_at = reader.offset();
  std::uint16_t length = reader.u16();
  if (!reader.has(length))
    return error_at(length_at, "RDLENGTH " + std::to_string(length) + " runs past the end of the message (" +
                                   std::to_string(reader.remaining()) + " octets left)");
  std::size_t start = reader.offset();
  auto data = decode_rdata(bytes, start, start + length, record.type, record.record_class);
  if (!data) return data.error();
  record.data = std::move(data).value();
  offset = start + length;
  return record;
}

// RFC 6891 §6.1: the OPT pseudo-record of the additional section, read at `record_offset`.
// Its CLASS is the sender's UDP payload size, its TTL the extended RCODE, VERSION and flags, its
// RDATA a sequence of {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}.
Result<Edns> read_edns(const ResourceRecord& record, std::size_t record_offset) {
  // §6.1.2: "OWNER NAME MUST be 0 (root domain)".
  if (!record.name.is_root())
    return error_at(record_offset, "OPT record owned by " + record.name.to_text() + ", not the root (RFC 6891 §6.1.2)");
  Edns edns;
  edns.udp_payload_size = static_cast<std::uint16_t>(record.record_class);
  edns.version = static_cast<std::uint8_t>((record.ttl >> 16) & 0xFF);
  edns.dnssec_ok = record.ttl & 0x8000;
  edns.other_flags = static_cast<std::uint16_t>(record.ttl & 0x7FFF);
  const auto& octets = std::get<rdata::Unknown>(record.data).octets;
  std::size_t position = 0;
  while (position < octets.size()) {
    if (octets.size() - position < 4)
      return error_at(record_offset, "OPT RDATA ends inside an option's code and length (RFC 6891 §6.1.2)");
    EdnsOption option;
    option.code = static_cast<std::uint16_t>((octets[position] << 8) | octets[position + 1]);
    std::size_t length = static_cast<std::size_t>((octets[position + 2] << 8) | octets[position + 3]);
    position += 4;
    if (octets.size() - position < length)
      return error_at(record_offset, "OPT option " + std::to_string(option.code) + " of " + std::to_string(length) +
                                         " octets runs past the RDATA");
    option.data.assign(octets.begin() + static_cast<std::ptrdiff_t>(position),
                       octets.begin() + static_cast<std::ptrdiff_t>(position + length));
    position += length;
    edns.options.push_back(std::move(option));
  }
  return edns;
}

Error in_section(const Error& error, const char* section, std::size_t index, std::size_t count) {
  return Error{std::string(section) + " " + std::to_string(index + 1) + " of " + std::to_string(count) + ": " +
                   error.message,
               error.offset, error.in_edns};
}

}  // namespace

std::optional<std::uint16_t> peek_id(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

Result<Name> decode_name(std::span<const std::uint8_t> bytes, std::size_t& offset) {
  std::string labels;  // in wire form, pointers followed (Name::from_wire_labels)
  std::size_t position = offset;
  std::size_t floor = offset;  // a pointer must point below the start of the part being read
  std::size_t resume = 0;
  bool jumped = false;
  std::size_t wire_length = 1;
  while (true) {
    if (position >= bytes.size()) return error_at(position, "domain name runs past the end of the data");
    std::uint8_t length = bytes[position];
    if ((length & 0xC0) == 0xC0) {  // RFC 1035 §4.1.4 compression pointer
      if (position + 1 >= bytes.size()) return error_at(position, "compression pointer cut off");
      std::size_t target = static_cast<std::size_t>(((length & 0x3F) << 8) | bytes[position + 1]);
      if (target >= floor)
        return error_at(position, "compression pointer to offset " + std::to_string(target) +
                                      " does not point to an earlier name (forward pointer or loop)");
      if (!jumped) resume = position + 2;
      jumped = true;
      floor = target;
      position = target;
      continue;
    }
    if (length & 0xC0)  // 0x40 and 0x80 prefixes: extended label types (RFC 6891 §5), or length > 63
      return error_at(position, "label length " + std::to_string(length) + " is over 63 (or an unsupported label type)");
    if (length == 0) {
      ++position;
      break;
    }
    if (position + 1 + length > bytes.size()) return error_at(position, "label runs past the end of the data");
    wire_length += length + 1u;
    if (wire_length > Name::max_wire_length)
      return error_at(position, "domain name longer than 255 octets");
    labels.append(reinterpret_cast<const char*>(bytes.data() + position), 1u + length);
    position += 1 + length;
  }
  auto name = Name::from_wire_labels(std::move(labels));
  if (!name) return error_at(offset, name.error().message);
  offset = jumped ? resume : position;
  return name;
}

Result<Message> decode_message(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 12)
    return error_at(bytes.size(), "message of " + std::to_string(bytes.size()) + " octets is shorter than the 12-octet header");
  Reader reader(bytes, 0, bytes.size());
  Message message;
  Header& header = message.header;
  header.id = reader.u16();
  std::uint16_t flags = reader.u16();
  header.is_response = flags & 0x8000;
  header.opcode = static_cast<Opcode>((flags >> 11) & 0x0F);
  header.authoritative = flags & 0x0400;
  header.truncated = flags & 0x0200;
  header.recursion_desired = flags & 0x0100;
  header.recursion_available = flags & 0x0080;
  header.reserved_z = flags & 0x0040;
  header.authentic_data = flags & 0x0020;
  header.checking_disabled = flags & 0x0010;
  header.rcode = static_cast<Rcode>(flags & 0x0F);  // extended by the OPT record, below
  std::size_t question_count = reader.u16();
  std::size_t answer_count = reader.u16();
  std::size_t authority_count = reader.u16();
  std::size_t additional_count = reader.u16();

  std::size_t offset = 12;
  // Each question needs at least 5 octets and each record 11: reject absurd counts up front.
  std::size_t minimum = question_count * 5 + (answer_count + authority_count + additional_count) * 11;
  if (12 + minimum > bytes.size())
    return error_at(4, "section counts (" + std::to_string(question_count) + "/" + std::to_string(answer_count) +
                           "/" + std::to_string(authority_count) + "/" + std::to_string(additional_count) +
                           ") need more data than the " + std::to_string(bytes.size()) + "-octet message has");

  for (std::size_t index = 0; index < question_count; ++index) {
    auto name = decode_name(bytes, offset);
    if (!name) return in_section(name.error(), "question", index, question_count);
    Reader fields(bytes, offset, bytes.size());
    if (!fields.has(4))
      return in_section(error_at(offset, "message ends inside QTYPE/QCLASS"), "question", index, question_count);
    Question question{std::move(name).value()};
    question.type = static_cast<RecordType>(fields.u16());
    question.question_class = static_cast<RecordClass>(fields.u16());
    offset = fields.offset();
    message.questions.push_back(std::move(question));
  }
  struct Section {
    const char* label;
    std::size_t count;
    std::vector<ResourceRecord>* records;
  };
  for (const Section& section : {Section{"answer", answer_count, &message.answers},
                                 Section{"authority", authority_count, &message.authorities},
                                 Section{"additional", additional_count, &message.additionals}}) {
    for (std::size_t index = 0; index < section.count; ++index) {
      const std::size_t record_offset = offset;
      auto record = decode_record(bytes, offset);
      if (!record) return in_section(record.error(), section.label, index, section.count);
      if (record.value().type != RecordType::OPT) {
        section.records->push_back(std::move(record).value());
        continue;
      }
      // RFC 6891 §6.1.1: OPT only in the additional section, and at most one per message.
      auto fail = [&](std::string why) {
        return in_section(Error{std::move(why), record_offset, true}, section.label, index, section.count);
      };
      if (section.records != &message.additionals) return fail("OPT record outside the additional section (RFC 6891 §6.1.1)");
      if (message.edns) return fail("more than one OPT record (RFC 6891 §6.1.1)");
      auto edns = read_edns(record.value(), record_offset);
      if (!edns) return fail(edns.error().message);
      message.edns = std::move(edns).value();
      // RFC 6891 §6.1.3: EXTENDED-RCODE, the OPT TTL's top octet, is the upper 8 bits of RCODE.
      const unsigned extended = record.value().ttl >> 24;
      header.rcode = static_cast<Rcode>((extended << 4) | (static_cast<unsigned>(header.rcode) & 0x0F));
    }
  }
  if (offset != bytes.size())
    return error_at(offset, std::to_string(bytes.size() - offset) + " trailing octets after the last record");
  return message;
}

}  // namespace maillab::dns

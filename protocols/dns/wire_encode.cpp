#include "protocols/dns/wire.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::dns {

namespace {

class Writer {
 public:
  explicit Writer(bool compress) : compress_(compress) { bytes_.reserve(512); }  // a UDP message's size

  void put_u8(std::uint8_t value) { bytes_.push_back(value); }
  void put_u16(std::uint16_t value) {
    bytes_.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(value & 0xFF));
  }
  void put_u32(std::uint32_t value) {
    put_u16(static_cast<std::uint16_t>(value >> 16));
    put_u16(static_cast<std::uint16_t>(value & 0xFFFF));
  }
  void put_bytes(const void* data, std::size_t size) {
    auto* octets = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), octets, octets + size);
  }

  // RFC 1035 §4.1.4: a name is a sequence of labels ending in a zero octet or in a pointer to
  // a suffix written earlier. Suffixes are matched on their exact octets, so case is preserved.
  // A Name holds its labels in wire form already (Name::wire_labels), so a suffix is a tail of it.
  void put_name(const Name& name, bool allow_compression) {
    const std::string_view wire = name.wire_labels();
    for (std::size_t at = 0; at < wire.size(); at += 1 + static_cast<unsigned char>(wire[at])) {
      const std::string_view suffix = wire.substr(at);
      if (compress_) {
        if (allow_compression) {
          // The first place a suffix was written: the one pointed to.
          auto found = std::find_if(suffixes_.begin(), suffixes_.end(),
                                    [suffix](const Suffix& known) { return known.octets == suffix; });
          if (found != suffixes_.end()) {
            put_u16(static_cast<std::uint16_t>(0xC000 | found->offset));
            return;
          }
        }
        // Pointers have 14 bits of offset; later suffixes simply are not remembered.
        if (bytes_.size() < 0x4000) suffixes_.push_back(Suffix{suffix, static_cast<std::uint16_t>(bytes_.size())});
      }
      put_bytes(wire.data() + at, 1 + static_cast<unsigned char>(wire[at]));
    }
    put_u8(0);
  }

  std::size_t size() const { return bytes_.size(); }
  void patch_u16(std::size_t at, std::uint16_t value) {
    bytes_[at] = static_cast<std::uint8_t>(value >> 8);
    bytes_[at + 1] = static_cast<std::uint8_t>(value & 0xFF);
  }
  Bytes take() { return std::move(bytes_); }

 private:
  bool compress_;
  Bytes bytes_;
  // Suffixes written so far, in order. The octets are views into the names of the message being
  // encoded (which outlives the Writer): a message holds a few dozen suffixes at most, so a
  // search along a list beats a tree of copied strings.
  struct Suffix {
    std::string_view octets;
    std::uint16_t offset = 0;
  };
  std::vector<Suffix> suffixes_;
};

void put_character_strings(Writer& writer, const std::vector<std::string>& strings) {
  if (strings.empty()) {  // RFC 1035 §3.3.14: TXT holds one or more character-strings
    writer.put_u8(0);
    return;
  }
  for (const auto& text : strings) {
    std::size_t position = 0;
    do {  // a string longer than 255 octets becomes several character-strings
      std::size_t chunk = std::min<std::size_t>(255, text.size() - position);
      writer.put_u8(static_cast<std::uint8_t>(chunk));
      writer.put_bytes(text.data() + position, chunk);
      position += chunk;
    } while (position < text.size());
  }
}

void put_rdata(Writer& writer, const RData& data) {
  struct Visitor {
    Writer& writer;
    void operator()(const rdata::A& a) const { writer.put_u32(a.address); }
    void operator()(const rdata::AAAA& aaaa) const { writer.put_bytes(aaaa.address.data(), 16); }
    void operator()(const rdata::NS& ns) const { writer.put_name(ns.host, true); }
    void operator()(const rdata::CNAME& cname) const { writer.put_name(cname.target, true); }
    void operator()(const rdata::PTR& ptr) const { writer.put_name(ptr.target, true); }
    void operator()(const rdata::SOA& soa) const {
      writer.put_name(soa.primary_server, true);
      writer.put_name(soa.responsible_mailbox, true);
      writer.put_u32(soa.serial);
      writer.put_u32(soa.refresh);
      writer.put_u32(soa.retry);
      writer.put_u32(soa.expire);
      writer.put_u32(soa.minimum);
    }
    void operator()(const rdata::MX& mx) const {
      writer.put_u16(mx.preference);
      writer.put_name(mx.exchange, true);
    }
    void operator()(const rdata::TXT& txt) const { put_character_strings(writer, txt.strings); }
    void operator()(const rdata::Unknown& unknown) const {
      writer.put_bytes(unknown.octets.data(), unknown.octets.size());
    }
  };
  std::visit(Visitor{writer}, data);
}

void put_record(Writer& writer, const ResourceRecord& record) {
  writer.put_name(record.name, true);
  writer.put_u16(static_cast<std::uint16_t>(record.type));
  writer.put_u16(static_cast<std::uint16_t>(record.record_class));
  writer.put_u32(record.ttl);
  std::size_t length_at = writer.size();
  writer.put_u16(0);
  put_rdata(writer, record.data);
  std::size_t length = writer.size() - length_at - 2;
  assert(length <= 0xFFFF && "RDATA longer than 65535 octets");
  writer.patch_u16(length_at, static_cast<std::uint16_t>(length));
}

// RFC 6891 §6.1.2-6.1.3: the OPT pseudo-record for `edns`, with the upper bits of `rcode`.
void put_opt_record(Writer& writer, const Edns& edns, Rcode rcode) {
  writer.put_u8(0);  // the root
  writer.put_u16(static_cast<std::uint16_t>(RecordType::OPT));
  writer.put_u16(edns.udp_payload_size);
  const unsigned extended_rcode = (static_cast<unsigned>(rcode) >> 4) & 0xFF;
  writer.put_u8(static_cast<std::uint8_t>(extended_rcode));
  writer.put_u8(edns.version);
  writer.put_u16(static_cast<std::uint16_t>((edns.dnssec_ok ? 0x8000 : 0) | (edns.other_flags & 0x7FFF)));
  std::size_t length_at = writer.size();
  writer.put_u16(0);
  for (const auto& option : edns.options) {
    writer.put_u16(option.code);
    writer.put_u16(static_cast<std::uint16_t>(option.data.size()));
    writer.put_bytes(option.data.data(), option.data.size());
  }
  writer.patch_u16(length_at, static_cast<std::uint16_t>(writer.size() - length_at - 2));
}

std::uint16_t flags_of(const Header& header) {
  std::uint16_t flags = 0;
  if (header.is_response) flags |= 0x8000;
  flags |= static_cast<std::uint16_t>((static_cast<unsigned>(header.opcode) & 0x0F) << 11);
  if (header.authoritative) flags |= 0x0400;
  if (header.truncated) flags |= 0x0200;
  if (header.recursion_desired) flags |= 0x0100;
  if (header.recursion_available) flags |= 0x0080;
  if (header.reserved_z) flags |= 0x0040;
  if (header.authentic_data) flags |= 0x0020;
  if (header.checking_disabled) flags |= 0x0010;
  flags |= static_cast<std::uint16_t>(static_cast<unsigned>(header.rcode) & 0x0F);
  return flags;
}

Bytes encode_sections(const Message& message, bool with_records, bool with_additionals, bool truncated) {
  Writer writer(true);
  Header header = message.header;
  header.truncated = header.truncated || truncated;
  writer.put_u16(header.id);
  writer.put_u16(flags_of(header));
  auto count = [](std::size_t size) {
    assert(size <= 0xFFFF);
    return static_cast<std::uint16_t>(size);
  };
  writer.put_u16(count(message.questions.size()));
  writer.put_u16(with_records ? count(message.answers.size()) : 0);
  writer.put_u16(with_records ? count(message.authorities.size()) : 0);
  // The OPT record stays even when the rest of the additional section goes (RFC 6891 §7: the
  // smallest response is the header, the question and the OPT record).
  const std::size_t opt = message.edns ? 1 : 0;
  writer.put_u16(count((with_records && with_additionals ? message.additionals.size() : 0) + opt));
  for (const auto& question : message.questions) {
    writer.put_name(question.name, true);
    writer.put_u16(static_cast<std::uint16_t>(question.type));
    writer.put_u16(static_cast<std::uint16_t>(question.question_class));
  }
  if (with_records) {
    for (const auto& record : message.answers) put_record(writer, record);
    for (const auto& record : message.authorities) put_record(writer, record);
    if (with_additionals)
      for (const auto& record : message.additionals) put_record(writer, record);
  }
  if (message.edns) put_opt_record(writer, *message.edns, message.header.rcode);
  return writer.take();
}

}  // namespace

std::size_t udp_reply_limit(const std::optional<Edns>& asked, std::size_t own_payload_size) {
  constexpr std::size_t classic = 512;  // RFC 1035 §4.2.1
  if (!asked) return classic;
  // §6.2.5: "Values lower than 512 MUST be treated as equal to 512."
  const std::size_t announced = std::max<std::size_t>(asked->udp_payload_size, classic);
  return std::max(classic, std::min(announced, own_payload_size));
}

Bytes encode_message(const Message& message, std::size_t max_size) {
  Bytes full = encode_sections(message, true, true, false);
  if (full.size() <= max_size) return full;
  // RFC 2181 §9: dropping additional data does not need TC; dropping answers does.
  Bytes without_additionals = encode_sections(message, true, false, false);
  if (without_additionals.size() <= max_size) return without_additionals;
  return encode_sections(message, false, false, true);
}

}  // namespace maillab::dns

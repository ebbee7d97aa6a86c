// How the visualizer tells encrypted from plain traffic, decided from the trace alone (never from
// port numbers): a hop whose bytes are TLS records gets a closed padlock; a hop that carries
// SMTP, POP3 or IMAP bytes in the clear gets an open one; anything else (DNS, bare TCP segments
// with no data) gets none. The TLS layer (engine/hosts/tls/tls_stream.h) names every write it
// makes "TLS <what the records carry>", and the network names a segment by the write it starts
// in; a connection on which TLS has begun carries nothing but TLS records after that point.
//
// Also here: the hop captions that make the TLS handshake read as its own phase
// ("TLS handshake: ClientHello"), and the record headers an eavesdropper can read in a segment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/trace.h"
#include "viz/model/record_log.h"

namespace maillab::viz {

enum class Padlock : std::uint8_t { none, open, closed };
std::string_view to_string(Padlock padlock);  // "none", "open", "closed"

// Which connections have begun TLS, and at which record, and what their "TLS established" record
// said. Incremental, like the flight index: sync() reads only the records appended since the last
// call (from a RecordLog or a whole trace's vector), so the inspector needs no record but the one
// it shows.
class TlsConnectionIndex {
 public:
  void reset();
  template <typename Records>
  void sync(const Records& records) {
    if (records.size() < consumed_) reset();
    consumed_ = read_new_records(records, consumed_, [this](const engine::TraceRecord& r, std::size_t i) { add(r, i); });
  }
  void add(const engine::TraceRecord& record, std::size_t index);
  // True when TLS had begun on `connection` before record `index` (its first TLS hop, or its
  // "TLS established" record, came earlier).
  bool tls_before(std::uint64_t connection, std::size_t index) const;
  // What follows "TLS established: " in the connection's record ("TLSv1.3 TLS_AES_128_GCM_SHA256"),
  // empty when none was seen.
  std::string established(std::uint64_t connection) const;

 private:
  std::unordered_map<std::uint64_t, std::size_t> first_tls_record_;  // connection -> record index
  std::unordered_map<std::uint64_t, std::string> established_;       // connection -> what was agreed
  std::size_t consumed_ = 0;
};

// True when the hop's label says its bytes are TLS records ("TLS ClientHello (data, 314 bytes)").
bool labelled_tls(const engine::TraceRecord& record);
// The application bytes a hop or drop carries (the TCP or UDP payload of its IPv4 packet).
std::size_t application_bytes(const engine::TraceRecord& record);

// The padlock of record `index` (a hop or drop; other kinds get none).
Padlock padlock_of(const engine::TraceRecord& record, std::size_t index, const TlsConnectionIndex& tls);

// The caption of a hop as people read it: TLS handshake writes say so ("TLS handshake:
// ClientHello (data, 314 bytes)"), everything else is the record's summary. `short_form` is for
// labels on the canvas: no "(data, N bytes)", and a long handshake flight shortened to its first
// and last message ("TLS handshake: ServerHello ... Finished").
std::string hop_caption(const engine::TraceRecord& record, bool short_form = false);

// A TLS record header (RFC 8446 §5.1) as it crosses the wire in clear: the part of a TLS record
// that anybody on the link can read.
struct TlsRecordHeader {
  std::size_t offset = 0;        // in the segment's application bytes
  std::uint8_t content_type = 0;  // 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data
  std::uint16_t version = 0;     // legacy_record_version (0x0303 for TLS 1.2 and 1.3)
  std::uint16_t length = 0;
  bool complete = false;         // the whole record is in this segment
};
std::string_view content_type_name(std::uint8_t content_type);
// The records of a segment's application bytes, from its start; stops at bytes that are not a
// record header (a segment that starts inside a record shows none).
std::vector<TlsRecordHeader> tls_record_headers(std::string_view application);

// The server name (SNI, RFC 6066 §3) in a ClientHello, which crosses the link unencrypted even in
// TLS 1.3 (RFC 8446 §4.1.2): `application` must start with the handshake record that holds it.
// Empty when the bytes are not a ClientHello or it names no server.
std::string client_hello_server_name(std::string_view application);

// The application bytes of a hop or drop's packet, as a string (empty when there are none).
std::string application_payload(const engine::TraceRecord& record);

}  // namespace maillab::viz

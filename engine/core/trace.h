// The Trace: the one ordered stream of records that everything a person can see is made of.
// The text/JSONL/pcap writers, the visualizer, lessons, scenario expectations and tests all read
// the same records (DESIGN.md, "Data flow"). Records are appended in the order things happen;
// `sequence` is the record's position in the stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/time.h"
#include "engine/core/trace_payload.h"

namespace maillab::engine {

enum class TraceKind : std::uint8_t {
  hop,        // a packet starts crossing one link (time = departure, `arrive` = arrival)
  drop,       // a packet is lost: link loss, link or host down, no route, TTL
  transport,  // TCP connect/accept/refused/timeout/close, UDP port unreachable, TLS negotiated
  protocol,   // one application message: a DNS query or response, an SMTP/POP3/IMAP line
  mail,       // a message's life: submitted, accepted, queued, retry, delivered, bounced, rejected
  cache,      // a resolver cache hit, miss or expiry
  fault,      // link down/up, host crash/restart, record changed (scripted or from the UI)
  note,       // narration: scenario and lesson text, expectation results
};

std::string_view to_string(TraceKind kind);

struct TraceRecord {
  Time time = 0;
  std::uint64_t sequence = 0;  // assigned by Trace::record
  TraceKind kind = TraceKind::note;
  std::string node;      // where it happens; for a hop, the sending end of the link
  std::string peer;      // the other end: next hop, remote host; may be empty
  std::string protocol;  // "DNS", "SMTP", "POP3", "IMAP", "TCP", "UDP", ... ; may be empty
  std::string summary;   // one line for people
  TracePayload payload;  // hop/drop: the IPv4 packet (hops share its transport bytes); protocol: the message bytes
  std::uint64_t packet = 0;      // hop/drop: the packet's id (same id on every hop)
  std::uint64_t connection = 0;  // the transport connection or exchange it belongs to
  std::string message;           // mail: the message's tracking id (for the journey view)
  Time arrive = 0;               // hop: when the last bit reaches `peer`
};

class Trace {
 public:
  using Listener = std::function<void(const TraceRecord&)>;

  // Appends a record (its sequence is set here) and hands it to every listener.
  const TraceRecord& record(TraceRecord record);

  // Listeners see each record as it is appended (writers stream through these).
  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

  // When false, records go to listeners only (benchmarks, long headless runs).
  void set_keep_records(bool keep) { keep_records_ = keep; }

  // True when a record would be seen by anyone: kept, heard by a listener, or fingerprinted.
  // A producer whose records cost something to make (a hop: strings and the packet's bytes)
  // asks first, and when nobody wants them calls skip() instead of making one.
  bool wanted() const { return keep_records_ || fingerprinting_ || !listeners_.empty(); }
  // Counts a record that was not made because nobody wanted it: count() stays the number of
  // records the run produced, whoever listened.
  void skip() { ++next_sequence_; }

  // When false, fingerprint() stops changing (it is not worth its cost where nobody compares
  // runs: `maillab run` and `bench mail` print no fingerprint). On by default.
  void set_fingerprinting(bool on) { fingerprinting_ = on; }

  const std::vector<TraceRecord>& records() const { return records_; }
  std::uint64_t count() const { return next_sequence_; }

  // A fingerprint of everything recorded so far (FNV-1a over every field): two runs that agree
  // on it produced the same trace (the idea of OMNeT++'s run fingerprints).
  std::uint64_t fingerprint() const { return fingerprint_; }

 private:
  std::vector<TraceRecord> records_;
  std::vector<Listener> listeners_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t fingerprint_ = 0xcbf29ce484222325ULL;
  bool keep_records_ = true;
  bool fingerprinting_ = true;
  TraceRecord last_;  // the record returned when records are not kept
};

}  // namespace maillab::engine

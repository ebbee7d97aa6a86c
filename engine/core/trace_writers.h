// Writers that turn the Trace into files: text for people, JSONL for tools, pcap for Wireshark/tshark.
// Each is a Trace listener; attach with trace.subscribe(writer.listener()) or call write().
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>

#include "engine/core/trace.h"

namespace maillab::engine {

// One line per record:
//   "    0.012345  protocol   resolver -> a.root-servers.net  DNS   Q MX example.org"
std::string format_text(const TraceRecord& record);

// One JSON object per line, keys in a fixed order; payload as lowercase hex.
std::string format_jsonl(const TraceRecord& record);

// JSON string escaping (RFC 8259 §7), shared by every JSON writer in the project.
std::string json_escape(std::string_view text);

// Which records the text writer prints: people rarely want every hop of every TCP ACK.
struct TextFilter {
  bool hops = true;
  bool transport = true;
};

class TextTraceWriter {
 public:
  explicit TextTraceWriter(std::ostream& out, TextFilter filter = {}) : out_(out), filter_(filter) {}
  void write(const TraceRecord& record);
  Trace::Listener listener() {
    return [this](const TraceRecord& r) { write(r); };
  }

 private:
  std::ostream& out_;
  TextFilter filter_;
};

class JsonlTraceWriter {
 public:
  explicit JsonlTraceWriter(std::ostream& out) : out_(out) {}
  void write(const TraceRecord& record) { out_ << format_jsonl(record) << '\n'; }
  Trace::Listener listener() {
    return [this](const TraceRecord& r) { write(r); };
  }

 private:
  std::ostream& out_;
};

// libpcap format with LINKTYPE_RAW (101): every packet's IPv4 bytes, written once, at the hop
// where it was first sent, stamped with the simulated time. Read it with tshark -r FILE.
class PcapTraceWriter {
 public:
  explicit PcapTraceWriter(std::ostream& out);
  void write(const TraceRecord& record);
  Trace::Listener listener() {
    return [this](const TraceRecord& r) { write(r); };
  }

 private:
  std::ostream& out_;
  std::set<std::uint64_t> written_packets_;
};

}  // namespace maillab::engine

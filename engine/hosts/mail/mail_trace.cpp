#include "engine/hosts/mail/mail_trace.h"

#include <vector>

#include "engine/net/network.h"

namespace maillab::engine {

std::string host_label(Host& host, Address address) {
  if (auto name = host.network().name_of(address)) return *name;
  return format_address(address);
}

void record_mail(Host& host, std::string message_id, std::string summary, std::string peer) {
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = TraceKind::mail;
  record.node = host.name();
  record.peer = std::move(peer);
  record.protocol = "SMTP";
  record.summary = std::move(summary);
  record.message = std::move(message_id);
  trace.record(std::move(record));
}

bool mail_record_wanted(Host& host) {
  Trace& trace = host.simulator().trace();
  if (trace.wanted()) return true;
  trace.skip();
  return false;
}

namespace {

// A `protocol` record of SMTP bytes `node` sent to `peer`.
void record_smtp_bytes(Host& host, const std::string& node, const std::string& peer, std::uint64_t connection,
                       std::string summary, std::vector<std::uint8_t> bytes, std::string message_id) {
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = TraceKind::protocol;
  record.node = node;
  record.peer = peer;
  record.protocol = "SMTP";
  record.summary = std::move(summary);
  record.payload = std::move(bytes);
  record.connection = connection;
  record.message = std::move(message_id);
  host.simulator().trace().record(std::move(record));
}

}  // namespace

void record_smtp_line(Host& host, const std::string& node, const std::string& peer, std::uint64_t connection,
                      std::string_view line, std::string message_id) {
  // Two a command: worth not making when nobody reads the trace (bench mail, --trace none).
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();
  std::vector<std::uint8_t> bytes(line.begin(), line.end());
  bytes.push_back('\r');
  bytes.push_back('\n');
  record_smtp_bytes(host, node, peer, connection, std::string(line), std::move(bytes), std::move(message_id));
}

void record_smtp_data(Host& host, const std::string& node, const std::string& peer, std::uint64_t connection,
                      std::string_view message) {
  // A copy of the whole message: made only for someone who reads it.
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();
  record_smtp_bytes(host, node, peer, connection,
                    "(message data: " + std::to_string(message.size()) + " octets, ended by \".\")",
                    std::vector<std::uint8_t>(message.begin(), message.end()), {});
}

}  // namespace maillab::engine

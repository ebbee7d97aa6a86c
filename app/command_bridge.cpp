// maillab bridge SCENARIO.yaml [--base-port N] [--bind ADDRESS [--allow-remote]] [--ports-file FILE]
//                              [--ca-file FILE] [--keylog FILE] [--for T] [--speed X]
//                              [--trace text|jsonl|none] [--seed N] [--verbose]
//                              [--max-connections N] [--max-connections-per-port N] [--max-buffered BYTES]
//                              [--command-rate N]
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/arguments.h"
#include "app/commands.h"
#include "app/trace_output.h"
#include "engine/net/address.h"
#include "engine/net/packet.h"
#include "engine/bridge/bridge.h"
#include "engine/hosts/command_rate.h"
#include "engine/hosts/tls/world_pki.h"
#include "engine/core/trace_writers.h"
#include "scenarios/loader.h"
#include "scenarios/values.h"

namespace maillab::app {
namespace {

constexpr const char* help_text =
    "Usage: maillab bridge SCENARIO.yaml [options]\n"
    "Runs a scenario in real time and serves its servers on real loopback ports, so that real\n"
    "clients (dig, Python's smtplib/imaplib/poplib, swaks, Thunderbird) talk to the simulated\n"
    "servers. Their connections enter the simulation through a gateway host 'bridge'\n"
    "(10.255.255.254) linked to every server, so every byte they exchange shows in the trace.\n"
    "It prints which real port stands for which server, e.g.\n"
    "  mail.example.org  smtp-submission  587/tcp  -> 127.0.0.1:20587\n"
    "then the trace; Ctrl-C stops it and prints the summary line.\n\n"
    "Options:\n"
    "  --base-port N     the first host's port P is served on N+P, the second host's on N+1000+P ...\n"
    "                    (default 20000); 0 lets the system choose free ports\n"
    "  --bind ADDRESS    address to listen on (default 127.0.0.1, this machine only); any other\n"
    "                    address needs --allow-remote too\n"
    "  --allow-remote    serve on a non-loopback --bind address, for anyone who can reach it: the\n"
    "                    lab's passwords are plain, its TLS keys not secret, its servers for teaching\n"
    "  --max-connections N           real TCP connections open at once (default 256, and never\n"
    "                                more than the file limit allows)\n"
    "  --max-connections-per-port N  ... on one port (default 64); one more is answered with its\n"
    "                                protocol's refusal (SMTP 421 4.3.2, POP3 -ERR, IMAP * BYE), closed\n"
    "  --max-buffered BYTES          bytes waiting for one client to read them (default 1048576);\n"
    "                                past it the bridge stops reading that client and its server\n"
    "  --command-rate N              SMTP, POP3 and IMAP commands per second one connection may\n"
    "                                send (default 50, in bursts of up to 10 seconds' worth); a\n"
    "                                faster client is not read until it is within the rate; 0: none\n"
    "  --ports-file FILE also write the port table as JSON to FILE (written once every port is open)\n"
    "  --ca-file FILE    where to write the world's CA certificate (PEM), which real clients need to\n"
    "                    verify the servers' TLS certificates (default: maillab-<scenario>-ca.pem in the\n"
    "                    system's temporary folder); its path is printed at start\n"
    "  --keylog FILE     write every TLS connection's secrets to FILE (NSS key log, for Wireshark)\n"
    "  --for T           stop after T of wall time (90, 90s, 2m ...); default: until Ctrl-C\n"
    "  --speed X         simulated seconds per wall second (default 1)\n"
    "  --trace FORMAT    text (default), jsonl, or none\n"
    "  --seed N          seed for the run's randomness (default: the scenario's seed:, else 1)\n"
    "  --verbose         text trace: also show pure TCP ACK hops\n\n"
    "Exit: 0 after Ctrl-C, SIGTERM or --for (both stop it within a second); 2 bad input (unknown\n"
    "scenario, a port in use, a remote --bind without --allow-remote); 3 out of memory; 4 internal error.\n";

bool write_file_atomically(const std::string& path, const std::string& text) {
  // Written beside the target and renamed, so a reader polling for the file never sees half of it.
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary);
    if (!out || !(out << text) || !out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

// What the flags ask for; nullopt with `error` set on the first bad one (nothing is opened yet).
struct BridgeFlags {
  bridge::BridgeOptions options;
  std::optional<engine::Time> run_for;  // --for, simulated time
  std::string speed_text;               // " x2" after "in real time" when --speed is not 1
  std::optional<std::uint64_t> seed;
  std::string format;  // --trace
  bool remote = false;  // --bind beyond this machine (allowed with --allow-remote)
  // --command-rate: commands a second per connection, in bursts of ten seconds' worth (0: none).
  engine::CommandRate command_rate{50, 500};
};

std::optional<BridgeFlags> read_bridge_flags(ParsedArguments& parsed, std::string& error) {
  BridgeFlags flags;
  auto fail = [&error](const std::string& message) -> std::optional<BridgeFlags> {
    error = message;
    return std::nullopt;
  };
  std::uint64_t base_port = flags.options.base_port;
  if (!read_whole_number(parsed, "base-port", 0, 65535, base_port, error)) return std::nullopt;
  flags.options.base_port = static_cast<std::uint16_t>(base_port);
  if (parsed.has("bind")) flags.options.bind_address = parsed.options["bind"];
  flags.remote = !bridge::is_loopback_address(flags.options.bind_address);
  if (flags.remote && !parsed.has("allow-remote"))
    return fail("--bind " + flags.options.bind_address +
                " would serve the lab beyond this machine: its passwords are plain (written in "
                "the scenario) and may cross in plain text, its TLS keys are made from the "
                "scenario's seed (anyone can make them too), and its servers are for teaching, not "
                "for real mail; add --allow-remote if that is what you want (the default, "
                "127.0.0.1, serves this machine only)");
  struct Limit {
    const char* name;
    std::size_t* value;
    std::uint64_t maximum;
  };
  for (const Limit& limit : {Limit{"max-connections", &flags.options.max_connections, 1'000'000},
                             Limit{"max-connections-per-port", &flags.options.max_connections_per_port, 1'000'000},
                             Limit{"max-buffered", &flags.options.max_buffered_per_connection, 1'000'000'000}}) {
    std::uint64_t value = *limit.value;
    if (!read_whole_number(parsed, limit.name, 1, limit.maximum, value, error)) return std::nullopt;
    *limit.value = static_cast<std::size_t>(value);
  }
  std::uint64_t rate = static_cast<std::uint64_t>(flags.command_rate.per_second);
  if (!read_whole_number(parsed, "command-rate", 0, 1'000'000, rate, error)) return std::nullopt;
  flags.command_rate = {static_cast<double>(rate), static_cast<double>(rate) * 10};
  if (!read_duration(parsed, "for", flags.run_for, error)) return std::nullopt;
  if (flags.run_for) flags.options.run_for = std::chrono::milliseconds((*flags.run_for + 999) / 1000);
  if (!read_number(parsed, "speed", 0.01, 1000, "a number from 0.01 to 1000", flags.options.speed, error))
    return std::nullopt;
  if (flags.options.speed != 1.0) {
    std::ostringstream shown;
    shown << " x" << flags.options.speed;
    flags.speed_text = shown.str();
  }
  if (!read_seed(parsed, flags.seed, error)) return std::nullopt;
  flags.format = parsed.has("trace") ? parsed.options["trace"] : "text";
  if (flags.format != "text" && flags.format != "jsonl" && flags.format != "none")
    return fail("bad --trace '" + flags.format + "'; expected text, jsonl or none");
  return flags;
}

// The world as a real-time server: records to the writers only (a bridge may run for hours),
// the clock at the real time, commands rate-limited.
void prepare_world(scenarios::World& world, const BridgeFlags& flags) {
  world.simulator.trace().set_keep_records(false);
  // Real clients write real dates (Date:); the simulated servers' Received lines and IMAP
  // INTERNALDATEs must not predate them, so the bridge's clock starts at the real time.
  world.simulator.set_epoch_seconds(static_cast<std::int64_t>(std::time(nullptr)));
  // One student's script must not keep the servers busy for the whole class.
  engine::set_command_rate(world.network, flags.command_rate);
}

// The servers speak real TLS with certificates from the world's CA: real clients need it, so it
// is written to --ca-file (or a temporary file); --keylog gets every connection's secrets.
// Nothing, or what cannot be written.
std::optional<std::string> write_tls_files(scenarios::World& world, ParsedArguments& parsed,
                                           const bridge::BridgeOptions& options, std::string& ca_file,
                                           std::ofstream& keylog_file) {
  // Clients reach the servers at the bind address (or at 127.0.0.1 when it is 0.0.0.0 or a name).
  const auto bound = engine::parse_address(options.bind_address);
  engine::world_pki(world.network)
      .also_certify_addresses({bound && *bound != 0 ? options.bind_address : std::string("127.0.0.1")});
  ca_file = parsed.has("ca-file")
                ? parsed.options["ca-file"]
                : (std::filesystem::temp_directory_path() / ("maillab-" + world.name + "-ca.pem")).string();
  if (!write_file_atomically(ca_file, engine::world_pki(world.network).certificate_authority().pem()))
    return "cannot write --ca-file '" + ca_file + "'";
  if (parsed.has("keylog")) {
    keylog_file.open(parsed.options["keylog"], std::ios::binary);
    if (!keylog_file) return "cannot write --keylog file '" + parsed.options["keylog"] + "'";
    write_tls_keys_to(world, keylog_file);
  }
  return std::nullopt;
}

// What is served where, the CA file, the limits: printed once every port is open.
void print_banner(const scenarios::World& world, const BridgeFlags& flags, const bridge::Bridge& server,
                  const bridge::GatewayOptions& gateway_options, const std::string& ca_file) {
  const bridge::BridgeOptions& options = flags.options;
  std::cout << "== " << world.name << (world.title.empty() ? "" : ": " + world.title) << " ==\n"
            << "bridge: real clients enter the simulation at host '" << gateway_options.name << "' "
            << engine::format_address(gateway_options.address) << " (linked to every server; it forwards nothing)\n"
            << "serving on " << options.bind_address << " in real time" << flags.speed_text << ":\n"
            << bridge::format_port_table(server.ports(), options.bind_address)
            << "TLS: the servers' certificates are signed by this world's CA, written to " << ca_file
            << "\n  (e.g. openssl s_client -CAfile " << ca_file << " ..., Python ssl.create_default_context(cafile=...))\n"
            << "limits: " << server.options().max_connections << " connections, "
            << server.options().max_connections_per_port << " per port, "
            << server.options().max_buffered_per_connection << " bytes waiting per client, "
            << (flags.command_rate.limits() ? flags.command_rate.describe() : std::string("no command rate"))
            << " per connection\n"
            << (flags.run_for ? "stops after " + scenarios::format_duration(*flags.run_for) : std::string("Ctrl-C stops"))
            << "\n\n"
            << std::flush;
}

// The trace as it happens, on standard output (flushed per record: someone is watching).
std::unique_ptr<engine::JsonlTraceWriter> subscribe_trace(engine::Trace& trace, const std::string& format,
                                                          bool verbose) {
  if (format == "text") {
    trace.subscribe([verbose](const engine::TraceRecord& record) {
      if (!verbose && engine::is_pure_ack_hop(record)) return;  // JSONL and pcap keep them
      std::cout << engine::format_text(record) << std::endl;
    });
  } else if (format == "jsonl") {
    auto jsonl = std::make_unique<engine::JsonlTraceWriter>(std::cout);
    trace.subscribe(jsonl->listener());
    return jsonl;
  }
  return nullptr;
}

void print_stopped(const scenarios::World& world, const bridge::Bridge& server, bridge::StopReason reason,
                   const std::string& format) {
  const bridge::BridgeCounters& counters = server.counters();
  std::cout << (format == "jsonl" ? "" : "\n") << "bridge: stopped ("
            << (reason == bridge::StopReason::signal ? "signal" : reason == bridge::StopReason::time_limit ? "--for" : "stop")
            << ") at " << engine::format_seconds(world.simulator.now()) << "s simulated; " << counters.connections
            << " connections (" << counters.connections_failed << " failed), " << counters.bytes_in << " bytes in, "
            << counters.bytes_out << " bytes out, " << counters.datagrams_in << " datagrams in, "
            << counters.datagrams_out << " out; " << counters.connections_refused << " refused over a limit, "
            << counters.accept_errors << " accept failures, " << counters.reads_paused << " reads paused, at most "
            << counters.peak_buffered << " bytes waiting for one client\n"
            << world.ledger.summary_line() << std::endl;
}

}  // namespace

int command_bridge(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments,
                                {{"base-port"}, {"bind"}, {"ports-file"}, {"ca-file"}, {"keylog"}, {"for"}, {"speed"},
                                 {"trace"}, {"seed"}, {"verbose", false}, {"allow-remote", false}, {"max-connections"},
                                 {"max-connections-per-port"}, {"max-buffered"}, {"command-rate"}},
                                error);
  if (!parsed) return usage_error("bridge", error);
  if (parsed->help) {
    std::cout << help_text;
    return 0;
  }
  if (parsed->positional.size() != 1)
    return usage_error("bridge",
                       parsed->positional.empty() ? "no scenario file given" : "give exactly one scenario file");

  auto flags = read_bridge_flags(*parsed, error);
  if (!flags) return usage_error("bridge", error);
  const bridge::BridgeOptions& options = flags->options;

  scenarios::Diagnostics diagnostics;
  const std::string& path = parsed->positional.front();
  auto world = scenarios::load_world(path, flags->seed, diagnostics);
  if (!world) {
    std::cerr << diagnostics.to_string() << "maillab bridge: " << path << ": " << diagnostics.count()
              << (diagnostics.count() == 1 ? " error" : " errors") << "; nothing was served\n";
    return 2;
  }
  prepare_world(*world, *flags);
  std::string ca_file;
  std::ofstream keylog_file;
  if (auto problem = write_tls_files(*world, *parsed, options, ca_file, keylog_file))
    return usage_error("bridge", *problem);

  bridge::GatewayOptions gateway_options;
  bridge::Gateway gateway(world->network, gateway_options);
  if (!gateway.ok()) return usage_error("bridge", path + ": " + gateway.error());
  if (gateway.served().empty())
    return usage_error("bridge", path + ": nothing to serve: no host listens on a TCP port or serves DNS on UDP 53");

  bridge::Bridge server(world->simulator, gateway, options);
  if (!server.open(error)) return usage_error("bridge", error);
  if (flags->remote)
    std::cerr << "maillab bridge: WARNING: serving on " << options.bind_address
              << ": anyone who can reach this machine can use these servers. The lab's passwords are plain and may "
                 "cross in plain text, its TLS keys are made from the scenario's seed (not secret), and its servers "
                 "are for teaching, not for real mail.\n";
  if (parsed->has("ports-file")) {
    const std::string json = bridge::format_port_json(server.ports(), options.bind_address, gateway_options.name,
                                                      gateway_options.address);
    if (!write_file_atomically(parsed->options["ports-file"], json))
      return usage_error("bridge", "cannot write --ports-file '" + parsed->options["ports-file"] + "'");
  }
  print_banner(*world, *flags, server, gateway_options, ca_file);
  auto jsonl = subscribe_trace(world->simulator.trace(), flags->format, parsed->has("verbose"));
  const bridge::StopReason reason = server.run();
  print_stopped(*world, server, reason, flags->format);
  return 0;
}

}  // namespace maillab::app
